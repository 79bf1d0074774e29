//go:build unix

package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

var platform = osFiles{
	syncDir:         syncDir,
	busy:            func(error) bool { return false }, // a rename replaces an open file
	modesTellAccess: true,
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) && !errors.Is(err, fs.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
