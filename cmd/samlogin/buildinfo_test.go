package main

import (
	"runtime/debug"
	"testing"
)

func TestBuildVersion(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name                string
		ldVersion, ldCommit string
		bi                  *debug.BuildInfo
		wantV, wantC        string
	}{
		{"no build info", "dev", "unknown", nil, "dev", "unknown"},
		{"ldflags win", "v1.2.0", "abc1234", &debug.BuildInfo{Main: debug.Module{Version: "v9.9.9"}, Settings: vcs("ffffffffffffffffffff", "true")}, "v1.2.0", "abc1234"},
		{"go install @v1.3.0", "dev", "unknown", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}}, "v1.3.0", "unknown"},
		{"go install @latest on a pseudo-version", "dev", "unknown",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261126021500-0123456789ab"}}, "v0.0.0-20261126021500-0123456789ab", "0123456789ab"},
		{"go build in a clean checkout", "dev", "unknown",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("c3bea18f00ddeadbeef00112233445566778899", "false")}, "dev", "c3bea18f00dd"},
		{"go build in a dirty checkout", "dev", "unknown",
			&debug.BuildInfo{Main: debug.Module{Version: "v1.4.0-rc.1"}, Settings: vcs("c3bea18f00ddeadbeef00112233445566778899", "true")}, "v1.4.0-rc.1", "c3bea18f00dd-dirty"},
		{"only the commit from ldflags", "dev", "abc1234", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}, Settings: vcs("ffff", "false")}, "v1.3.0", "abc1234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, c := buildVersion(tt.ldVersion, tt.ldCommit, tt.bi)
			if v != tt.wantV || c != tt.wantC {
				t.Errorf("buildVersion = %q, %q; want %q, %q", v, c, tt.wantV, tt.wantC)
			}
		})
	}
}
