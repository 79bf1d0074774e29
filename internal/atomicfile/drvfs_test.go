//go:build unix

package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// mountinfo lines as WSL 2 and WSL 1 show them, and an ordinary Linux.
const wslMounts = `63 1 8:32 / / rw,relatime - ext4 /dev/sdc rw,discard,errors=remount-ro,data=ordered
84 63 0:46 / /mnt/c rw,noatime - 9p C:\134 rw,dirsync,aname=drvfs;path=C:\;uid=1000;gid=1000;symlinkroot=/mnt/,mmap,access=client,msize=65536,trans=fd,rfd=5,wfd=5
85 63 0:47 / /mnt/d rw,noatime - drvfs D:\134 rw,noatime,uid=1000,gid=1000
86 63 0:48 / /mnt/share rw,noatime - 9p share rw,trans=virtio
87 84 0:49 / /mnt/c/linux\040tmp rw - tmpfs tmpfs rw
`

func TestOnWindowsDrive(t *testing.T) {
	for dir, want := range map[string]bool{
		"/mnt/c/Users/jo/.aws":     true,
		"/mnt/c":                   true,
		"/mnt/d/aws":               true,
		"/mnt/share/aws":           false, // 9p, but not drvfs
		"/mnt/c/linux tmp/x":       false, // a tmpfs mounted inside the drive
		"/mnt/cc/x":                false,
		"/home/jo/.aws":            false,
		"/mnt/c/../../home/jo/aws": false,
	} {
		if got := onWindowsDrive(wslMounts, filepath.Clean(dir)); got != want {
			t.Errorf("onWindowsDrive(%s) = %v, want %v", dir, got, want)
		}
	}
}

// TestResolveLinkIntoWindowsDrive: on WSL, ~/.aws linked into the Windows
// profile (mode 0777 on drvfs) is accepted; the same folder elsewhere is
// refused.
func TestResolveLinkIntoWindowsDrive(t *testing.T) {
	dir := testtmp.Dir(t)
	drive := filepath.Join(dir, "mnt", "c", "Users", "jo", ".aws")
	mkfile(t, filepath.Join(drive, "credentials"))
	chmod(t, drive, 0o777)
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	symlink(t, drive, filepath.Join(home, ".aws"))
	path := filepath.Join(home, ".aws", "credentials")

	old := mountinfo
	t.Cleanup(func() { mountinfo = old })
	mountinfo = func() string { return "" }
	wantUnsafe(t, errOf(Resolve(path)), path, "a folder anyone can write to")

	mountinfo = func() string {
		return "84 63 0:46 / " + filepath.Join(dir, "mnt", "c") + " rw,noatime - 9p C:\\134 rw,aname=drvfs;path=C:\\\n"
	}
	if got, err := Resolve(path); err != nil || got != filepath.Join(drive, "credentials") {
		t.Errorf("Resolve through a link into a Windows drive = %q, %v", got, err)
	}
}

// TestEnsurePrivateDirOnWindowsDrive: samlogin's folder on a Windows drive
// (mode 0777, which chmod cannot change there) is left alone, without a
// notice at every run.
func TestEnsurePrivateDirOnWindowsDrive(t *testing.T) {
	dir := testtmp.Dir(t)
	state := filepath.Join(dir, "mnt", "c", "Users", "jo", ".aws", "samlogin")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	chmod(t, state, 0o755)
	old := mountinfo
	t.Cleanup(func() { mountinfo = old })
	mountinfo = func() string {
		return "85 63 0:47 / " + filepath.Join(dir, "mnt", "c") + " rw,noatime - drvfs C:\\134 rw,noatime,uid=0\n"
	}
	if _, changed, err := EnsurePrivateDir(state); err != nil || changed {
		t.Errorf("EnsurePrivateDir on a Windows drive: changed %v, %v; want left alone", changed, err)
	}
	if !OnWindowsDrive(filepath.Join(state, "x")) || OnWindowsDrive(filepath.Join(dir, "home")) {
		t.Error("OnWindowsDrive does not follow the mount table")
	}
}
