//go:build windows

package atomicfile

import (
	"io/fs"
	"path/filepath"
)

// resolveChecked follows path's symbolic links as before, without the
// owner and folder checks of Unix: on Windows a user's files live in the
// profile folder, which its access list keeps from other users, and file
// modes do not express who may read a file.
func resolveChecked(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r, nil
	}
	return abs, nil
}

// ensurePrivateDir does nothing on Windows: see resolveChecked.
func ensurePrivateDir(string) (fs.FileMode, bool, error) { return 0, false, nil }

// OnWindowsDrive is for WSL's mounts of Windows drives; on Windows itself
// no mode is ever a reason to warn (see OpenToOthers).
func OnWindowsDrive(string) bool { return false }
