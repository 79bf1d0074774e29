package atomicfile

import (
	"fmt"
	"io/fs"
)

// UnsafePathError is a path samlogin refuses to write through: a symbolic
// link to a file another user owns, a link or a file in a folder anyone can
// write to (no sticky bit), or a folder of samlogin's owned by someone
// else. Reason says which, in a few words.
type UnsafePathError struct {
	Path   string
	Reason string
}

func (e *UnsafePathError) Error() string {
	return fmt.Sprintf("refusing %s: %s", e.Path, e.Reason)
}

// Private is the mode of a file that holds a secret.
const Private fs.FileMode = 0o600

// PrivateDir is the mode of samlogin's own folders.
const PrivateDir fs.FileMode = 0o700

// OpenToOthers reports whether m lets users other than the owner read,
// write or enter. Always false on Windows, whose modes say nothing of
// that (a file's access list does): no "chmod 600" warning there.
func OpenToOthers(m fs.FileMode) bool { return platform.modesTellAccess && m.Perm()&0o077 != 0 }

// worldWritableNoSticky reports whether anyone may rename or replace the
// entries of a folder of mode m: written by all, without the sticky bit
// that keeps /tmp safe.
func worldWritableNoSticky(m fs.FileMode) bool {
	return m.IsDir() && m.Perm()&0o002 != 0 && m&fs.ModeSticky == 0
}

// Resolve returns the file that writing path replaces: path made absolute,
// its symbolic links followed to an existing target (a missing target: the
// absolute path itself, as before). It refuses, with an *UnsafePathError
// and before anything is written:
//
//   - a symbolic link, on the way, in a folder anyone can write to without
//     the sticky bit (anyone could point it elsewhere);
//   - a final file owned by another user than the current one;
//   - a final file whose folder anyone can write to without the sticky bit
//     (anyone could replace it between the check and the write).
//
// On Windows the checks are not made (see resolveChecked there): a user's
// files are protected by the profile folder's access list.
func Resolve(path string) (string, error) { return resolveChecked(path) }

// EnsurePrivateDir checks samlogin's own folder path: a folder (or a link
// to one, checked as Resolve does) owned by the current user. One that
// others can read or enter is made 0700, and its old mode returned with
// changed true. A missing folder is not created (the writers create it
// 0700); a path that is not a folder is left to the writers to report.
func EnsurePrivateDir(path string) (old fs.FileMode, changed bool, err error) {
	return ensurePrivateDir(path)
}
