// Package atomicfile replaces a file so that a reader, or a crash, sees the
// old file or the new one, never a mix: a temporary file in the same
// folder, fsync, rename over the file, fsync of the folder.
//
// It is the one file writer of samlogin: the AWS shared files, the
// credential cache, the assertion cache and the alias cache all go through
// Write.
package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TempInfix marks the temporary files Write creates next to the file it
// replaces: "credentials.samlogin-tmp-123456".
const TempInfix = ".samlogin-tmp-"

// Write replaces path with data, in a file of mode perm. A missing folder
// is created 0700. On error the temporary file is removed and path is
// left as it was; errors name path.
func Write(path string, data []byte, perm fs.FileMode) (err error) {
	dir := filepath.Dir(path)
	defer func() {
		if err != nil {
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+TempInfix+"*") // 0600
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = rename(tmp.Name(), path); err != nil {
		return err
	}
	return platform.syncDir(dir)
}

// RemoveStale removes the temporary files that a writer of path which died
// between creating and renaming them left behind. Call it only while
// holding a lock that keeps every other writer of path out.
func RemoveStale(path string) {
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), globEscape(filepath.Base(path))+TempInfix+"*"))
	for _, s := range stale {
		_ = os.Remove(s)
	}
}

// globEscape makes s match only itself in filepath.Glob: each of * ? [
// in a class of its own ([*]), which works on Windows too, where the
// backslash is a separator and not an escape.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '*' || r == '?' || r == '[':
			b.WriteString("[" + string(r) + "]")
		case r == '\\' && filepath.Separator == '/':
			b.WriteString(`\\`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
