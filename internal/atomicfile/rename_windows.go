//go:build windows

package atomicfile

import (
	"errors"

	"golang.org/x/sys/windows"
)

var platform = osFiles{
	// Windows cannot open a folder for FlushFileBuffers (access denied);
	// NTFS journals the rename itself.
	syncDir:         func(string) error { return nil },
	busy:            busy,
	modesTellAccess: false,
}

// busy reports the errors of a rename over a file that another program has
// open without FILE_SHARE_DELETE (most readers, Go's os.Open included) or
// is scanning.
func busy(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
		errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}
