package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/samlogin/samlogin/internal/testtmp"
)

func TestWrite(t *testing.T) {
	dir := filepath.Join(testtmp.Dir(t), "new", "folder")
	name := "f[1]*.json" // glob characters: RemoveStale must match them literally
	if runtime.GOOS == "windows" {
		name = "f[1].json" // * is not allowed in a Windows file name
	}
	path := filepath.Join(dir, name)
	if err := Write(path, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("two"), 0o640); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Errorf("content = %q", b)
	}
	unixModes := runtime.GOOS != "windows"
	if fi, err := os.Stat(path); err != nil || unixModes && fi.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, %v; want 0640", fi.Mode(), err)
	}
	if fi, err := os.Stat(dir); err != nil || unixModes && fi.Mode().Perm() != 0o700 {
		t.Errorf("folder mode = %v, %v; want 0700", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d files, want 1 (no temporary file left)", len(entries))
	}

	stale := path + TempInfix + "123"
	other := filepath.Join(dir, "f1.json"+TempInfix+"9") // the glob must not match it
	for _, p := range []string{stale, other} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	RemoveStale(path)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file's temporary file removed: %v", err)
	}
}

func TestWriteErrorLeavesFile(t *testing.T) {
	dir := testtmp.Dir(t)
	path := filepath.Join(dir, "target")
	if err := os.Mkdir(path, 0o700); err != nil { // rename over a folder fails
		t.Fatal(err)
	}
	if err := Write(path, []byte("x"), 0o600); err == nil {
		t.Fatal("Write over a folder: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries after a failed write, want 1", len(entries))
	}
}

func TestReadRegular(t *testing.T) {
	dir := testtmp.Dir(t)
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadRegular(p); err != nil || string(b) != "x" {
		t.Errorf("ReadRegular(file) = %q, %v", b, err)
	}
	if _, err := ReadRegular(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadRegular(missing) = %v, want ErrNotExist", err)
	}
	var nr *NotRegularError
	if _, err := ReadRegular(dir); !errors.As(err, &nr) || err.Error() != dir+" is a folder, not a file: samlogin reads and writes only regular files there" {
		t.Errorf("ReadRegular(dir) = %v", err)
	}
}
