package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/samlogin/samlogin/awsconfig/ini"
	"github.com/samlogin/samlogin/internal/atomicfile"
)

// LockTimeout bounds how long Update and UpdateMany wait for another
// process to release a file.
var LockTimeout = 30 * time.Second

// ErrLockTimeout is returned (wrapped, naming the lock file) when a lock is
// not free after LockTimeout.
var ErrLockTimeout = errors.New("timed out waiting for lock")

// Paths are the two AWS shared files.
type Paths struct {
	Config, Credentials string
}

// DefaultPaths returns the files the AWS tools use: AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE when set, else ~/.aws/config and
// ~/.aws/credentials under home. A leading "~" or "~/" in the variables is
// expanded to home, as the aws CLI (botocore) does; aws-sdk-go-v2 itself
// takes the value literally, but a literal "~" directory is never what a
// user means.
func DefaultPaths(getenv func(string) string, home string) Paths {
	pick := func(env, def string) string {
		v := getenv(env)
		switch {
		case v == "":
			return filepath.Join(home, ".aws", def)
		case v == "~":
			return home
		case strings.HasPrefix(v, "~/") || strings.HasPrefix(v, "~"+string(filepath.Separator)):
			return filepath.Join(home, v[2:])
		}
		return v
	}
	return Paths{
		Config:      pick("AWS_CONFIG_FILE", "config"),
		Credentials: pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
	}
}

// Read parses the file at path without locking it: writers replace files by
// rename, so a reader sees the old or the new file whole. A missing file is
// an empty File.
//
// A path that is not a regular file (a named pipe, a device, a folder) or
// is larger than 16 MiB is an error naming the path
// (*atomicfile.NotRegularError, *atomicfile.TooLargeError), returned
// without blocking.
func Read(path string) (*ini.File, error) {
	data, err := atomicfile.ReadRegular(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &ini.File{}, nil
	}
	if err != nil {
		return nil, err
	}
	f, err := ini.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Update edits one file: see UpdateMany.
func Update(path string, fn func(f *ini.File) error) error {
	return UpdateMany([]string{path}, func(files []*ini.File) error { return fn(files[0]) })
}

// UpdateMany edits several files together. It takes each file's lock (the
// file "PATH.lock", created 0600 and left in place: removing a lock file
// races with the next process to open it), in the order of the files' real
// paths, so two processes never wait on each other crosswise. Then it reads
// and parses every file (missing = empty) and calls fn with them in the
// order of paths. A parse error or an error from fn returns before anything
// is written. Each file whose bytes changed is then replaced atomically: a
// temporary file in the same folder, fsync, rename over the file, fsync of
// the folder. A file that holds keys once edited (aws_secret_access_key or
// aws_session_token in any section: the credentials file) is written 0600;
// when it was open to other users before, UpdateManyContext says so
// through the context's notices (WithNotices), once. Any other existing
// file keeps its mode (the config file); a new one is 0600, in folders
// created 0700.
//
// A path that is a symbolic link is resolved, so the link stays and its
// target is updated. Two paths naming the same file get the same *ini.File.
// A link to a file another user owns, a link in a folder anyone can write
// to (no sticky bit), or a file in such a folder is refused before
// anything is locked or written (*atomicfile.UnsafePathError, naming the
// path and why); on Windows these checks are not made (see
// atomicfile.Resolve).
//
// The files are replaced one after the other: if writing the second fails,
// the first is already written (the error says which).
//
// A writer that dies between creating its temporary file and renaming it
// leaves the temporary file behind. The next UpdateMany on that file, which
// holds the lock and so knows no writer is running, removes it.
//
// A path that is not a regular file, or is larger than 16 MiB, is an error
// naming it (see Read), found before any lock is taken.
func UpdateMany(paths []string, fn func(files []*ini.File) error) error {
	return UpdateManyContext(context.Background(), paths, fn)
}

// UpdateManyContext is UpdateMany whose wait for the locks also ends when
// ctx is done (Ctrl-C, the command's --timeout); nothing is written then.
func UpdateManyContext(ctx context.Context, paths []string, fn func(files []*ini.File) error) error {
	resolved := make([]string, len(paths))
	for i, p := range paths {
		r, err := atomicfile.Resolve(p)
		if err != nil {
			return err
		}
		if err := atomicfile.CheckRegular(r); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		resolved[i] = r
	}
	order := slices.Clone(resolved)
	slices.Sort(order)
	order = slices.Compact(order)

	lctx, cancel := context.WithTimeout(ctx, LockTimeout)
	defer cancel()
	for _, p := range order {
		unlock, err := lock(ctx, lctx, p)
		if err != nil {
			return err
		}
		defer unlock()
	}

	type state struct {
		file *ini.File
		orig []byte
		mode fs.FileMode
		ok   bool // the file exists
	}
	states := map[string]*state{}
	for _, p := range order {
		atomicfile.RemoveStale(p)
		st := &state{mode: 0o600}
		data, err := atomicfile.ReadRegular(p)
		switch {
		case err == nil:
			st.ok = true
			if fi, err := os.Stat(p); err == nil {
				st.mode = fi.Mode().Perm()
			}
		case errors.Is(err, fs.ErrNotExist):
		default:
			return err
		}
		if st.file, err = ini.Parse(data); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		st.orig = data
		states[p] = st
	}
	files := make([]*ini.File, len(resolved))
	for i, p := range resolved {
		files[i] = states[p].file
	}
	if err := fn(files); err != nil {
		return err
	}
	for _, p := range order {
		st := states[p]
		data := st.file.Bytes()
		if st.ok && string(data) == string(st.orig) {
			continue
		}
		if !st.ok && len(data) == 0 {
			continue
		}
		mode := st.mode
		if holdsKeys(st.file) {
			if st.ok && atomicfile.OpenToOthers(mode) && !atomicfile.OnWindowsDrive(p) {
				notify(ctx, fmt.Sprintf("%s was readable by other users (mode %#o); it is now %#o", p, mode, atomicfile.Private))
			}
			mode = atomicfile.Private
		}
		if err := atomicfile.Write(p, data, mode); err != nil {
			return err
		}
	}
	return nil
}

// secretKeys are the keys whose values are secrets in an AWS shared file.
var secretKeys = []string{KeySecretAccessKey, KeySessionToken, "aws_security_token"}

// holdsKeys reports whether any section of f holds a secret key.
func holdsKeys(f *ini.File) bool {
	for _, s := range f.Sections() {
		for _, k := range f.Keys(s) {
			if slices.Contains(secretKeys, strings.ToLower(k)) {
				return true
			}
		}
	}
	return false
}

type noticesKey struct{}

// WithNotices returns a context through which UpdateManyContext (and
// CheckStateDir's callers) report what samlogin changed on its own, such
// as a mode it tightened: fn receives one line, without a prefix. Without
// it, notices are dropped.
func WithNotices(ctx context.Context, fn func(string)) context.Context {
	return context.WithValue(ctx, noticesKey{}, fn)
}

// notify passes msg to the context's notices, if any.
func notify(ctx context.Context, msg string) {
	if fn, ok := ctx.Value(noticesKey{}).(func(string)); ok && fn != nil {
		fn(msg)
	}
}

// lock takes the cross-process lock of path, waiting until ctx (the bound
// of the wait: LockTimeout, or less) is done. When the caller's own context
// parent ends first (a signal, the command's --timeout), its error is
// returned.
func lock(parent, ctx context.Context, path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	name := path + ".lock"
	l := flock.New(name)
	ok, err := l.TryLockContext(ctx, 5*time.Millisecond)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if !ok && parent.Err() != nil {
		return nil, fmt.Errorf("wait for lock %s: %w", name, parent.Err())
	}
	if !ok {
		// The lock is the OS's (flock), released when its holder exits,
		// even on a crash: the file itself means nothing, and taking it
		// away would let two writers in at once.
		return nil, fmt.Errorf("lock %s: %w after %v: another samlogin is still writing this file; wait for it to finish, or stop it (its lock goes with it)", name, ErrLockTimeout, LockTimeout)
	}
	return func() { _ = l.Unlock() }, nil
}
