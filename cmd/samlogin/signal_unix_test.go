//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/samlogin/samlogin/idp/idptest"
)

// bound is how long a test waits for something that should happen at
// once; reaching it is a failure, not a measurement.
const bound = 30 * time.Second

// samloginCmd is the samlogin binary (testscript.Main puts it on PATH)
// with a fresh HOME and none of the caller's AWS or samlogin variables.
func samloginCmd(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	home := t.TempDir()
	c := exec.Command("samlogin", args...)
	c.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TZ=UTC", "AWS_EC2_METADATA_DISABLED=true"}
	return c, home
}

// finish waits (bounded) for c and returns its exit code.
func finish(t *testing.T, c *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(bound):
		_ = c.Process.Kill()
		<-done
		t.Fatal("samlogin did not end after the signal")
		return -1
	}
}

// openWriter opens the named pipe for writing, which blocks until samlogin
// opens it for reading: then samlogin is past its signal set-up.
func openWriter(t *testing.T, fifo string) *os.File {
	t.Helper()
	res := make(chan *os.File, 1)
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
		}
		res <- f
	}()
	select {
	case f := <-res:
		if f == nil {
			t.FailNow()
		}
		t.Cleanup(func() { f.Close() })
		return f
	case <-time.After(bound):
		t.Fatal("samlogin never opened " + fifo)
		return nil
	}
}

func assertCancelled(t *testing.T, code int, stderr, home string) {
	t.Helper()
	if code != exitCancelled {
		t.Errorf("exit %d, want %d; stderr: %s", code, exitCancelled, stderr)
	}
	if !strings.Contains(stderr, "samlogin: cancelled; no file was changed\n") {
		t.Errorf("stderr = %q", stderr)
	}
	if _, err := os.Stat(filepath.Join(home, ".aws", "credentials")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("credentials written: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, ".aws", "config")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("config written: %v", err)
	}
}

// TestSIGTERMWhileReadingAssertionPipe: SIGTERM while --assertion-file is
// a named pipe that never gets data: exit 3, nothing written.
func TestSIGTERMWhileReadingAssertionPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "assertion")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	c, home := samloginCmd(t, "login", "--assertion-file", fifo, "--profile", "p", "--sts-endpoint", "http://127.0.0.1:1")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	openWriter(t, fifo) // held open, never written
	if err := c.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	assertCancelled(t, finish(t, c), stderr.String(), home)
}

// TestSIGTERMWhileReadingPasswordStdin: SIGTERM while --password-stdin
// reads a pipe that never gets data: exit 3, nothing written. The policy
// file is a named pipe too, only so that the test knows when samlogin has
// started (it reads the policy before the password).
func TestSIGTERMWhileReadingPasswordStdin(t *testing.T) {
	policy := filepath.Join(t.TempDir(), "policy.json")
	if err := unix.Mkfifo(policy, 0o600); err != nil {
		t.Skip(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	c, home := samloginCmd(t, "--idp-url", "https://idp.example.invalid/sso", "--username", "u",
		"--password-stdin", "--policy-file", policy, "--profile", "p")
	var stderr bytes.Buffer
	c.Stdin, c.Stderr = r, &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	f := openWriter(t, policy)
	if _, err := f.WriteString(`{"Version":"2012-10-17","Statement":[]}`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := c.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	assertCancelled(t, finish(t, c), stderr.String(), home)
}

// openPTY opens a pseudo-terminal: the controller (the person) and the
// terminal samlogin runs on.
func openPTY(t *testing.T) (ctl, tty *os.File) {
	t.Helper()
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { ctl.Close() })
	if err := unix.IoctlSetPointerInt(int(ctl.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ctl.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pty number: %v", err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pty: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return ctl, tty
}

// TestSIGTERMAtPasswordPrompt: samlogin on a terminal, asking for the
// password (the survey prompt, in raw mode): SIGTERM ends it with exit 3,
// nothing written, and the terminal back in its normal mode.
func TestSIGTERMAtPasswordPrompt(t *testing.T) {
	adfs := idptest.NewADFS(t, idptest.ADFSOptions{Users: adfsUsers, SAMLResponse: freshAssertion, TLS: true})
	ctl, tty := openPTY(t)
	c, home := samloginCmd(t, "--adfs-host", adfs.Host(), "--ca-bundle", adfs.CACertFile(),
		"--username", `CORP\alice`, "--profile", "p")
	c.Stdin, c.Stdout, c.Stderr = tty, tty, tty
	c.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	// Read what samlogin draws until the password question.
	seen := make(chan string, 1)
	var screen bytes.Buffer
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := ctl.Read(b)
			screen.Write(b[:n])
			if strings.Contains(screen.String(), "Password") {
				seen <- screen.String()
				for { // keep draining
					if _, err := ctl.Read(b); err != nil {
						return
					}
				}
			}
			if err != nil {
				close(seen)
				return
			}
		}
	}()
	select {
	case _, ok := <-seen:
		if !ok {
			t.Fatal("samlogin ended before asking for the password")
		}
	case <-time.After(bound):
		_ = c.Process.Kill()
		t.Fatal("samlogin never asked for the password")
	}
	// The prompt is up: wait (bounded) for its raw mode, then SIGTERM.
	for i := 0; ; i++ {
		st, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err == nil && st.Lflag&unix.ICANON == 0 {
			break
		}
		if i == 3000 {
			t.Fatal("the prompt never set raw mode")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := c.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code := finish(t, c)
	if code != exitCancelled {
		t.Errorf("exit %d, want %d", code, exitCancelled)
	}
	st, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil || st.Lflag&unix.ICANON == 0 || st.Lflag&unix.ECHO == 0 {
		t.Errorf("the terminal was left in raw mode (%v)", err)
	}
	for _, f := range []string{"config", "credentials"} {
		if _, err := os.Stat(filepath.Join(home, ".aws", f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s written: %v", f, err)
		}
	}
}

// TestSecondSignalExitsAtOnce: the first signal cancels; the second exits
// with the shell's code for it.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	for sig, want := range map[os.Signal]int{syscall.SIGTERM: 143, os.Interrupt: 130} {
		sigs := make(chan os.Signal, 2)
		ctx, cancel := context.WithCancel(context.Background())
		exited := make(chan int, 1)
		go onSignals(sigs, cancel, func(code int) { exited <- code })
		sigs <- sig
		<-ctx.Done()
		select {
		case code := <-exited:
			t.Fatalf("exit %d on the first signal", code)
		default:
		}
		sigs <- sig
		if code := <-exited; code != want {
			t.Errorf("%v: exit %d, want %d", sig, code, want)
		}
	}
}

// TestSecondSignalWhileCommandRuns: while exec's command runs, a second
// signal is the command's (samlogin passes it on and stays); before and
// after, it exits at once.
func TestSecondSignalWhileCommandRuns(t *testing.T) {
	var exits []int
	exit := func(code int) { exits = append(exits, code) }
	childRunning.Store(true)
	exitUnlessCommand(130, exit)
	childRunning.Store(false)
	exitUnlessCommand(143, exit)
	if len(exits) != 1 || exits[0] != 143 {
		t.Errorf("exits %v, want [143]", exits)
	}
}
