//go:build unix

package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// maxLinks bounds the symbolic links followed, as the kernel does (ELOOP).
const maxLinks = 40

// ownerOf is the uid that owns fi's file.
func ownerOf(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// checkOwner refuses a file that another user than the current one owns.
func checkOwner(path, what string, fi fs.FileInfo) error {
	uid, ok := ownerOf(fi)
	if me := os.Geteuid(); ok && uid != me {
		return &UnsafePathError{Path: path, Reason: fmt.Sprintf("%s is owned by uid %d, not by you (uid %d)", what, uid, me)}
	}
	return nil
}

// checkFolder refuses an entry of folder dir when anyone can replace it.
func checkFolder(path, what, dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil // a missing folder is created 0700 by the writer
	}
	if worldWritableNoSticky(fi.Mode()) && !windowsDrive(dir) {
		return &UnsafePathError{Path: path, Reason: fmt.Sprintf("%s is in %s, a folder anyone can write to (mode %#o, no sticky bit)", what, dir, fi.Mode().Perm())}
	}
	return nil
}

// mountinfo is read by windowsDrive; tests replace it.
var mountinfo = func() string {
	b, _ := os.ReadFile("/proc/self/mountinfo") // none outside Linux: no drive mounts
	return string(b)
}

// windowsDrive reports whether dir is on a Windows drive mounted by WSL
// (see onWindowsDrive): its mode 0777 says nothing of who may write. Read
// only for a folder that would be refused.
func windowsDrive(dir string) bool { return onWindowsDrive(mountinfo(), dir) }

// OnWindowsDrive reports whether path lies on a Windows drive that WSL
// mounts (/mnt/c): there modes are shown as 0777 and chmod does not hold,
// so a mode is no reason to warn or to tighten. Ask it only when a mode
// would be: it reads /proc/self/mountinfo.
func OnWindowsDrive(path string) bool {
	abs, err := filepath.Abs(path)
	return err == nil && windowsDrive(abs)
}

// resolveChecked follows path's symbolic links one by one (as the kernel
// does), checking the folder each link and each folder on the way sits in,
// then the final file and its folder.
func resolveChecked(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	resolved := "/"
	rest := abs
	links := 0
	followed := false
	for rest != "" {
		rest = strings.TrimLeft(rest, "/")
		if rest == "" {
			break
		}
		comp := rest
		rest = ""
		if i := strings.IndexByte(comp, '/'); i >= 0 {
			comp, rest = comp[:i], comp[i:]
		}
		switch comp {
		case ".":
			continue
		case "..":
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, comp)
		fi, err := os.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) {
			// Nothing further exists: the writer creates it, in a folder
			// that must be safe.
			final := filepath.Join(next, rest)
			if err := checkFolder(path, describe(path, final, followed), filepath.Dir(final)); err != nil {
				return "", err
			}
			return abs, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			// A folder on the way that anyone can write to lets anyone
			// rename what follows away and put their own in its place.
			if strings.Trim(rest, "/") != "" {
				if err := checkFolder(path, "the folder "+next, resolved); err != nil {
					return "", err
				}
			}
			resolved = next
			continue
		}
		if links++; links > maxLinks {
			return "", &UnsafePathError{Path: path, Reason: fmt.Sprintf("more than %d symbolic links", maxLinks)}
		}
		if err := checkFolder(path, "the symbolic link "+next, resolved); err != nil {
			return "", err
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", err
		}
		followed = true
		if filepath.IsAbs(target) {
			resolved = "/"
		}
		rest = target + "/" + rest
	}
	fi, err := os.Stat(resolved)
	if err != nil {
		return "", err
	}
	what := describe(path, resolved, followed)
	if fi.Mode().IsRegular() || fi.IsDir() { // a device or pipe is refused by CheckRegular, naming what it is
		if err := checkOwner(path, what, fi); err != nil {
			return "", err
		}
	}
	if err := checkFolder(path, what, filepath.Dir(resolved)); err != nil {
		return "", err
	}
	return resolved, nil
}

// describe names the final file for a message: "it", or "its target T"
// when links led elsewhere.
func describe(path, final string, followed bool) string {
	if !followed || final == path {
		return "it"
	}
	return "its target " + final
}

func ensurePrivateDir(path string) (fs.FileMode, bool, error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	real, err := resolveChecked(path)
	if err != nil {
		return 0, false, err
	}
	fi, err := os.Stat(real)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, false, nil // a dangling link: the writers report it
		}
		return 0, false, err
	}
	if !fi.IsDir() {
		return 0, false, nil
	}
	if !OpenToOthers(fi.Mode()) || windowsDrive(real) {
		return 0, false, nil
	}
	old := fi.Mode().Perm()
	if err := os.Chmod(real, PrivateDir); err != nil {
		return 0, false, fmt.Errorf("make %s private: %w", path, err)
	}
	return old, true, nil
}
