package browser

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// profileLockPID reads Chromium's SingletonLock in a profile folder: a link
// to "HOST-PID". It reports the PID when the lock is this machine's.
func profileLockPID(dir string) (int, bool) {
	target, err := os.Readlink(filepath.Join(dir, "SingletonLock"))
	if err != nil {
		return 0, false
	}
	i := strings.LastIndexByte(target, '-')
	if i < 0 {
		return 0, false
	}
	if host, err := os.Hostname(); err != nil || target[:i] != host {
		return 0, false
	}
	pid, err := strconv.Atoi(target[i+1:])
	return pid, err == nil && pid > 0
}
