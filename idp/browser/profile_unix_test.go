//go:build unix

package browser

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrepareProfile(t *testing.T) {
	base := t.TempDir()
	// New: made 0700.
	dir := filepath.Join(base, "new")
	if err := prepareProfile(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("new profile folder mode %v, want 0700", fi.Mode().Perm())
	}
	// Its parents are made too.
	deep := filepath.Join(base, "a", "b", "profile")
	if err := prepareProfile(deep); err != nil {
		t.Fatalf("prepareProfile(%s): %v", deep, err)
	}
	// Ours, open to others: made 0700.
	open := filepath.Join(base, "open")
	if err := os.Mkdir(open, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := prepareProfile(open); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(open); fi.Mode().Perm() != 0o700 {
		t.Errorf("open profile folder mode %v, want 0700", fi.Mode().Perm())
	}
	// A link, a file: refused.
	link := filepath.Join(base, "link")
	if err := os.Symlink(open, link); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, want string }{{link, "is a link"}, {file, "is not a folder"}} {
		if err := prepareProfile(c.dir); !errors.Is(err, ErrProfile) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("prepareProfile(%s) = %v, want %q", c.dir, err, c.want)
		}
	}
	// In use by a live process (the test's parent stands in for a
	// browser): refused; by a process that is gone: used.
	host, _ := os.Hostname()
	inUse := filepath.Join(base, "inuse")
	if err := os.Mkdir(inUse, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(fmt.Sprintf("%s-%d", host, os.Getppid()), filepath.Join(inUse, "SingletonLock")); err != nil {
		t.Fatal(err)
	}
	if err := prepareProfile(inUse); !errors.Is(err, ErrProfile) || !strings.Contains(err.Error(), "in use by another browser") {
		t.Errorf("prepareProfile(in use) = %v", err)
	}
	stale := filepath.Join(base, "stale")
	if err := os.Mkdir(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(host+"-999999999", filepath.Join(stale, "SingletonLock")); err != nil {
		t.Fatal(err)
	}
	if err := prepareProfile(stale); err != nil {
		t.Errorf("prepareProfile(stale lock) = %v, want nil", err)
	}
	// Another user's (as root: chown to nobody).
	if os.Geteuid() == 0 {
		other := filepath.Join(base, "other")
		if err := os.Mkdir(other, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(other, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if err := prepareProfile(other); !errors.Is(err, ErrProfile) || !strings.Contains(err.Error(), "belongs to another user") {
			t.Errorf("prepareProfile(another user's) = %v", err)
		}
	}
}
