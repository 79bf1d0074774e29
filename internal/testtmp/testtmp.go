// Package testtmp gives tests a temporary folder that also works under Wine,
// and tells tests whether they run under Wine (scripts/wine.sh).
//
// Under Wine 8 the cleanup of t.TempDir() fails ("unlinkat ...: Invalid
// function": os.RemoveAll deletes through a file-information class Wine does
// not implement), which fails every test that made one. Dir removes its
// folder file by file instead when that happens. Imported by tests only.
package testtmp

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// UnderWine reports whether the test binary runs under Wine:
// scripts/wine.sh sets SAMLOGIN_WINE=1.
func UnderWine() bool { return os.Getenv("SAMLOGIN_WINE") == "1" }

// SkipUnderWine skips t, giving why, when it runs under Wine.
func SkipUnderWine(t testing.TB, why string) {
	t.Helper()
	if UnderWine() {
		t.Skip("skipped under Wine: " + why)
	}
}

// Dir is t.TempDir, with a cleanup that tolerates Wine: when os.RemoveAll
// fails, the entries are removed one by one, deepest first.
func Dir(t testing.TB) string {
	t.Helper()
	if !UnderWine() {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp("", "samlogin-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeAll(t, dir) })
	return dir
}

func removeAll(t testing.TB, dir string) {
	if err := RemoveAll(dir); err != nil {
		t.Logf("testtmp: %v", err)
	}
}

// RemoveAll is os.RemoveAll, falling back under Wine to removing the
// entries one by one, deepest first.
func RemoveAll(dir string) error {
	if err := os.RemoveAll(dir); err == nil {
		return nil
	}
	var paths []string
	_ = filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		paths = append(paths, p)
		return nil
	})
	slices.Reverse(paths) // children before their folder
	for _, p := range paths {
		_ = os.Chmod(p, 0o700)
		_ = os.Remove(p)
	}
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("could not remove %s", dir)
	}
	return nil
}
