package main

import (
	"runtime/debug"
	"strings"
)

// buildVersion returns the version and commit to report: those the Makefile
// set with -ldflags when it did, else what the Go toolchain recorded in the
// binary (a `go install ...@v1.2.3` build has Main.Version; a build in a
// checkout has vcs.revision and vcs.modified).
func buildVersion(ldVersion, ldCommit string, bi *debug.BuildInfo) (string, string) {
	v, c := ldVersion, ldCommit
	if bi == nil {
		return v, c
	}
	if v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	if c == "unknown" {
		var rev string
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev != "" {
			c = rev[:min(len(rev), 12)]
			if modified {
				c += "-dirty"
			}
		} else if _, pseudo, ok := pseudoRevision(v); ok {
			c = pseudo // v0.0.0-20260101120000-abcdef123456: the commit is in the version
		}
	}
	return v, c
}

// pseudoRevision splits a pseudo-version (vX.Y.Z-TIMESTAMP-REVISION) into
// its prefix and the commit it names.
func pseudoRevision(v string) (string, string, bool) {
	i := strings.LastIndexByte(v, '-')
	if i < 0 || len(v)-i-1 != 12 {
		return "", "", false
	}
	rev := v[i+1:]
	if strings.Trim(rev, "0123456789abcdef") != "" {
		return "", "", false
	}
	return v[:i], rev, true
}

// versionCommit is the version and commit of this binary.
func versionCommit() (string, string) {
	bi, _ := debug.ReadBuildInfo()
	return buildVersion(version, commit, bi)
}
