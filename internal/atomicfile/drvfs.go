//go:build unix

package atomicfile

import (
	"path/filepath"
	"strings"
)

// onWindowsDrive reports whether dir lies on a Windows drive that WSL
// mounts (/mnt/c...), according to mountinfo (the text of
// /proc/self/mountinfo): a drvfs mount (WSL 1), or 9p serving drvfs (WSL
// 2, aname=drvfs). Such a folder shows mode 0777 whatever Windows allows:
// its access is Windows' access list for the user, not the mode, so a
// link into it (~/.aws -> /mnt/c/Users/jo/.aws, shared with Windows) is
// the user's own. The mount that holds dir is the one with the longest
// mount point above it.
func onWindowsDrive(mountinfo, dir string) bool {
	best, drive := -1, false
	for _, line := range strings.Split(mountinfo, "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 5 || len(g) < 3 {
			continue
		}
		mp := unescapeMount(f[4])
		if !within(dir, mp) || len(mp) <= best {
			continue
		}
		best = len(mp)
		fstype, opts := g[0], g[2]
		drive = fstype == "drvfs" || fstype == "9p" && strings.Contains(opts, "aname=drvfs")
	}
	return drive
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	if dir == "/" {
		return true
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			v := 0
			ok := true
			for _, c := range s[i+1 : i+4] {
				if c < '0' || c > '7' {
					ok = false
					break
				}
				v = v*8 + int(c-'0')
			}
			if ok {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
