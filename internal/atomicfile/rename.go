package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// osFiles is what differs between systems in writing a file: Unix
// fsyncs the folder after a rename and can trust file modes; Windows
// cannot open a folder to sync it, and a rename over a file that another
// program holds open (a reader, an antivirus scan, a sync client) fails for
// as long as it is held.
type osFiles struct {
	// syncDir makes a rename in dir durable.
	syncDir func(dir string) error
	// busy reports whether a rename failed because another program holds
	// the file open: worth retrying for a while.
	busy func(err error) bool
	// modesTellAccess: a file's permission bits say who may read it.
	modesTellAccess bool
}

// RenameWait bounds how long Write retries a rename over a file that
// another program holds open, before it gives up with a *BusyError.
const RenameWait = 5 * time.Second

// BusyError is a file that another program held open for longer than
// RenameWait, so that it could not be replaced.
type BusyError struct {
	Path string
	Wait time.Duration
	Err  error
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("%s is held open by another program (an editor, an antivirus scan, a sync client) and could not be replaced within %s; close it and try again: %v", e.Path, e.Wait, e.Err)
}

func (e *BusyError) Unwrap() error { return e.Err }

// sleep and now are replaced by tests.
var (
	sleep = time.Sleep
	now   = time.Now
)

// rename renames tmp over path, retrying with a growing pause while
// platform.busy says another program holds path, for RenameWait at most.
func rename(tmp, path string) error {
	return renameRetry(func() error { return os.Rename(tmp, path) }, path, platform.busy)
}

func renameRetry(do func() error, path string, busy func(error) bool) error {
	deadline := now().Add(RenameWait)
	pause := 10 * time.Millisecond
	for {
		err := do()
		if err == nil || !busy(err) {
			return err
		}
		if !now().Before(deadline) {
			var le *os.LinkError
			if errors.As(err, &le) {
				err = le.Err
			}
			return &BusyError{Path: path, Wait: RenameWait, Err: err}
		}
		sleep(pause)
		pause = min(2*pause, 250*time.Millisecond)
	}
}
