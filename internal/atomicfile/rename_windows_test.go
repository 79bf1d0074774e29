//go:build windows

package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// TestWriteWhileReaderHoldsFile: a reader holds the file open (Go's
// os.Open shares no delete access, like most Windows programs); Write
// retries the rename and succeeds once the reader lets go.
func TestWriteWhileReaderHoldsFile(t *testing.T) {
	path := filepath.Join(testtmp.Dir(t), "config")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	retries := 0
	oldSleep := sleep
	sleep = func(time.Duration) {
		if retries++; retries == 2 {
			r.Close() // the reader is done
		}
	}
	t.Cleanup(func() { sleep = oldSleep; r.Close() })
	if err := Write(path, []byte("new"), 0o600); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if retries < 2 {
		t.Errorf("rename over an open file succeeded after %d retries; want it held until the reader closed", retries)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("content %q, want new", b)
	}
}

// TestModesSayNothing: Windows reports 0666 for an ordinary file; that is
// no reason for a "readable by others" warning.
func TestModesSayNothing(t *testing.T) {
	if OpenToOthers(0o666) {
		t.Error("OpenToOthers(0666) on Windows: want false")
	}
}
