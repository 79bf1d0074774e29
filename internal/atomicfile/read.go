package atomicfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxSize is the largest file ReadRegular reads: an AWS config file, a
// credentials file or a cache entry is kilobytes; a file of this size is a
// mistake, and reading it would cost memory for nothing.
const MaxSize = 16 << 20

// NotRegularError is a path that names a named pipe, a device, a socket or
// a folder where samlogin expects a file. Opening a named pipe blocks until
// someone writes to it, so the check comes before the open.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a file: samlogin reads and writes only regular files there", e.Path, describeMode(e.Mode))
}

// TooLargeError is a file larger than MaxSize.
type TooLargeError struct {
	Path string
	Size int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %d MiB, larger than the %d MiB samlogin reads: is it the right file?",
		e.Path, (e.Size+(1<<20)-1)>>20, MaxSize>>20)
}

func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// CheckRegular returns nil when path is a regular file of at most MaxSize
// bytes, or does not exist (the error then wraps fs.ErrNotExist); else a
// *NotRegularError or *TooLargeError. It does not open the file.
func CheckRegular(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return checkInfo(path, fi)
}

func checkInfo(path string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	if fi.Size() > MaxSize {
		return &TooLargeError{Path: path, Size: fi.Size()}
	}
	return nil
}

// ReadRegular reads the file at path, which must be a regular file of at
// most MaxSize bytes: it checks before opening (a named pipe would block the
// open) and again on the open file (the path may have changed between),
// and reads at most MaxSize bytes whatever the file grows to. A missing
// file is an error wrapping fs.ErrNotExist.
func ReadRegular(path string) ([]byte, error) {
	if err := CheckRegular(path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := checkInfo(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return nil, &TooLargeError{Path: path, Size: int64(len(data))}
	}
	return data, nil
}
