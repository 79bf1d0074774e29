//go:build unix

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// otherUID is the user the tests give files to: nobody.
const otherUID = 65534

// giveAway chowns path (not a link's target) to otherUID, or skips the test
// saying what it skipped: only root can give a file away.
func giveAway(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("skipped: giving %s to uid %d needs root (running as uid %d)", filepath.Base(path), otherUID, os.Geteuid())
	}
	if err := os.Lchown(path, otherUID, -1); err != nil {
		t.Fatal(err)
	}
}

func mkfile(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func chmod(t *testing.T, path string, m os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, m); err != nil {
		t.Fatal(err)
	}
}

// wantUnsafe checks that err is an *UnsafePathError naming path, whose
// reason contains reason.
func wantUnsafe(t *testing.T, err error, path, reason string) {
	t.Helper()
	var ue *UnsafePathError
	if !errors.As(err, &ue) || ue.Path != path || !strings.Contains(ue.Reason, reason) {
		t.Errorf("err = %v, want refusing %s: ...%s...", err, path, reason)
		return
	}
	if want := "refusing " + path + ": "; !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Errorf("message %q: want one line starting %q", err, want)
	}
}

func TestResolveOwnFiles(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(dir, "dotfiles", "aws", "credentials")
	mkfile(t, real)
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	symlink(t, "../dotfiles/aws", filepath.Join(home, ".aws")) // ~/.aws in a dotfiles repo
	symlink(t, real, filepath.Join(dir, "abs"))
	symlink(t, "abs", filepath.Join(dir, "rel")) // a chain of two
	for _, tc := range []struct{ path, want string }{
		{real, real},
		{filepath.Join(home, ".aws", "credentials"), real},
		{filepath.Join(dir, "rel"), real},
		{filepath.Join(home, ".aws", "missing"), filepath.Join(home, ".aws", "missing")}, // created by the writer
	} {
		if got, err := Resolve(tc.path); err != nil || got != tc.want {
			t.Errorf("Resolve(%s) = %q, %v; want %q", tc.path, got, err, tc.want)
		}
	}

	loop := filepath.Join(dir, "loop")
	symlink(t, "loop", loop)
	wantUnsafe(t, errOf(Resolve(loop)), loop, "more than 40 symbolic links")
}

func errOf(_ string, err error) error { return err }

func TestResolveWorldWritableFolder(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open")
	if err := os.Mkdir(open, 0o700); err != nil {
		t.Fatal(err)
	}
	chmod(t, open, 0o777)
	mine := filepath.Join(dir, "mine", "credentials")
	mkfile(t, mine)
	inOpen := filepath.Join(open, "credentials")
	mkfile(t, inOpen)

	// A file in such a folder, directly or through a link from a safe one.
	wantUnsafe(t, errOf(Resolve(inOpen)), inOpen, "it is in "+open+", a folder anyone can write to (mode 0777, no sticky bit)")
	link := filepath.Join(dir, "mine", "link")
	symlink(t, inOpen, link)
	wantUnsafe(t, errOf(Resolve(link)), link, "its target "+inOpen+" is in "+open+", a folder anyone can write to")
	// A file still to be created there.
	missing := filepath.Join(open, "new")
	wantUnsafe(t, errOf(Resolve(missing)), missing, "it is in "+open)
	// A link that sits in such a folder, even to the user's own file.
	hop := filepath.Join(open, "hop")
	symlink(t, mine, hop)
	wantUnsafe(t, errOf(Resolve(hop)), hop, "the symbolic link "+hop+" is in "+open+", a folder anyone can write to (mode 0777, no sticky bit)")

	// The sticky bit (as /tmp) makes the same folder safe.
	chmod(t, open, 0o777|os.ModeSticky)
	if got, err := Resolve(hop); err != nil || got != mine {
		t.Errorf("Resolve(%s) in a sticky folder = %q, %v; want %s", hop, got, err, mine)
	}
	if _, err := Resolve(inOpen); err != nil {
		t.Errorf("Resolve(%s) in a sticky folder: %v", inOpen, err)
	}
}

func TestResolveOtherOwner(t *testing.T) {
	dir := t.TempDir()
	theirs := filepath.Join(dir, "shared", "credentials")
	mkfile(t, theirs)
	giveAway(t, theirs)
	link := filepath.Join(dir, "credentials")
	symlink(t, theirs, link)
	wantUnsafe(t, errOf(Resolve(link)), link, "its target "+theirs+" is owned by uid 65534, not by you (uid 0)")
	wantUnsafe(t, errOf(Resolve(theirs)), theirs, "it is owned by uid 65534")

	// A link owned by someone else to the user's own file, in a safe
	// folder, is the user's own business (and root's links, e.g. /var on
	// macOS, are everywhere).
	mine := filepath.Join(dir, "mine")
	mkfile(t, mine)
	l2 := filepath.Join(dir, "l2")
	symlink(t, mine, l2)
	giveAway(t, l2)
	if got, err := Resolve(l2); err != nil || got != mine {
		t.Errorf("Resolve(%s) = %q, %v", l2, got, err)
	}
}

func TestEnsurePrivateDir(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "samlogin")
	if old, changed, err := EnsurePrivateDir(state); err != nil || changed || old != 0 {
		t.Errorf("missing folder: %v %v %v; want nothing done", old, changed, err)
	}
	if _, err := os.Stat(state); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing folder created: %v", err)
	}
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	chmod(t, state, 0o755)
	if old, changed, err := EnsurePrivateDir(state); err != nil || !changed || old != 0o755 {
		t.Errorf("0755 folder: %#o %v %v; want 0755 changed", old, changed, err)
	}
	if fi, _ := os.Stat(state); fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, want 0700", fi.Mode())
	}
	if _, changed, err := EnsurePrivateDir(state); err != nil || changed {
		t.Errorf("0700 folder: changed %v, %v", changed, err)
	}

	// A link to the user's own folder: its target is fixed.
	real := filepath.Join(dir, "real")
	if err := os.Mkdir(real, 0o750); err != nil {
		t.Fatal(err)
	}
	chmod(t, real, 0o750)
	link := filepath.Join(dir, "link")
	symlink(t, real, link)
	if old, changed, err := EnsurePrivateDir(link); err != nil || !changed || old != 0o750 {
		t.Errorf("link to a 0750 folder: %#o %v %v", old, changed, err)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o700 {
		t.Errorf("target mode %v, want 0700", fi.Mode())
	}

	// Another user's folder, or a link to one: refused, mode unchanged.
	theirs := filepath.Join(dir, "theirs")
	if err := os.Mkdir(theirs, 0o755); err != nil {
		t.Fatal(err)
	}
	chmod(t, theirs, 0o755)
	giveAway(t, theirs)
	wantUnsafe(t, errOf2(EnsurePrivateDir(theirs)), theirs, "it is owned by uid 65534, not by you (uid 0)")
	l2 := filepath.Join(dir, "l2")
	symlink(t, theirs, l2)
	wantUnsafe(t, errOf2(EnsurePrivateDir(l2)), l2, "its target "+theirs+" is owned by uid 65534")
	if fi, _ := os.Stat(theirs); fi.Mode().Perm() != 0o755 {
		t.Errorf("another user's folder changed to %v", fi.Mode())
	}
}

func errOf2(_ os.FileMode, _ bool, err error) error { return err }

// A folder higher on the way, open to anyone without the sticky bit, is
// refused too: anyone could rename the folder below it away and put their
// own (with their own config) in its place.
func TestResolveWorldWritableAncestor(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "ww")
	aws := filepath.Join(open, "aws")
	if err := os.MkdirAll(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "dotaws")
	if err := os.Symlink(aws, link); err != nil {
		t.Fatal(err)
	}
	_, err := Resolve(filepath.Join(link, "credentials"))
	var ue *UnsafePathError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "the folder "+aws+" is in "+open+", a folder anyone can write to") {
		t.Fatalf("err = %v", err)
	}
	if err := os.Chmod(open, 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if _, err := Resolve(filepath.Join(link, "credentials")); err != nil {
		t.Errorf("with the sticky bit: %v", err)
	}
}
