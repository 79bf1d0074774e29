//go:build unix

package browser

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// ownProcessGroup starts the browser in a process group of its own (a
// Ctrl-C at the terminal is samlogin's to handle), killed with samlogin
// where the system allows (setPdeathsig).
func ownProcessGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	setPdeathsig(cmd.SysProcAttr)
}

// prepareProfile makes the --browser-profile folder, 0700, or checks the
// one there: a folder (not a link) of the user's own, open to no one else.
// Whoever can write it controls the browser (its settings, extensions);
// whoever can read it has the IdP's cookies. A folder of one's own that
// others may read is made 0700. A profile another browser uses is refused
// before anything starts.
func prepareProfile(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return fmt.Errorf("browser: %w: %s: %v", ErrProfile, dir, err)
	}
	if err := os.Mkdir(dir, 0o700); err == nil {
		return nil
	} else if !os.IsExist(err) {
		return fmt.Errorf("browser: %w: %s: %v", ErrProfile, dir, err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("browser: %w: %s: %v", ErrProfile, dir, err)
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		return fmt.Errorf("browser: %w: %s is a link; give the folder itself", ErrProfile, dir)
	case !fi.IsDir():
		return fmt.Errorf("browser: %w: %s is not a folder", ErrProfile, dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("browser: %w: %s belongs to another user (uid %d); use a folder of your own", ErrProfile, dir, st.Uid)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("browser: %w: %s is open to other users and cannot be made 0700: %v", ErrProfile, dir, err)
		}
	}
	if pid, ok := profileLockPID(dir); ok && pid != os.Getpid() && syscall.Kill(pid, 0) == nil {
		return fmt.Errorf("browser: %w: %s is in use by another browser (process %d); close it, or give another folder", ErrProfile, dir, pid)
	}
	return nil
}
