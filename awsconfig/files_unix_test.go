//go:build unix

package awsconfig_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gofrs/flock"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/ini"
	"github.com/samlogin/samlogin/internal/atomicfile"
)

// TestFilesNotRegular: a named pipe, a device or a folder where the config
// file should be is an error naming the path, returned at once (opening a
// pipe would block until a writer came), and no lock is taken.
func TestFilesNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "config")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	folder := filepath.Join(dir, "credentials")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, what string }{
		{fifo, "a named pipe"},
		{folder, "a folder"},
		{os.DevNull, "a character device"},
	} {
		want := tc.path + " is " + tc.what + ", not a file"
		_, err := awsconfig.Read(tc.path)
		var nr *atomicfile.NotRegularError
		if !errors.As(err, &nr) || !strings.Contains(err.Error(), want) {
			t.Errorf("Read(%s) = %v, want %q", tc.path, err, want)
		}
		called := false
		err = awsconfig.Update(tc.path, func(*ini.File) error { called = true; return nil })
		if !errors.As(err, &nr) || called {
			t.Errorf("Update(%s) = %v (fn called: %v), want NotRegularError", tc.path, err, called)
		}
		if tc.path != os.DevNull {
			if _, err := os.Stat(tc.path + ".lock"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s.lock exists: the lock was taken", tc.path)
			}
		}
	}
}

// TestFilesTooLarge: a file over 16 MiB is refused with a line that names
// it and the cap.
func TestFilesTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(atomicfile.MaxSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	_, err = awsconfig.Read(path)
	var tl *atomicfile.TooLargeError
	if !errors.As(err, &tl) || !strings.Contains(err.Error(), path+" is 17 MiB, larger than the 16 MiB") {
		t.Errorf("Read = %v, want TooLargeError", err)
	}
	if err := awsconfig.Update(path, func(*ini.File) error { return nil }); !errors.As(err, &tl) {
		t.Errorf("Update = %v, want TooLargeError", err)
	}
}

// TestUpdateManyContextCancelled: the wait for a lock held by another
// process ends when the context is cancelled (Ctrl-C), with the
// cancellation, and nothing is written.
func TestUpdateManyContextCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	l := flock.New(path + ".lock")
	if err := l.Lock(); err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := awsconfig.UpdateManyContext(ctx, []string{path}, func([]*ini.File) error {
		t.Error("fn ran without the lock")
		return nil
	})
	if !errors.Is(err, context.Canceled) || errors.Is(err, awsconfig.ErrLockTimeout) {
		t.Errorf("err = %v, want the cancellation", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("config written: %v", err)
	}
}
