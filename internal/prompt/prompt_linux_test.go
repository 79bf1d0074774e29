package prompt

import (
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/samlogin/samlogin/idp"
)

// openPTY opens a pseudo-terminal: the controller (the "person") and the
// terminal side that samlogin prompts on.
func openPTY(t *testing.T) (ctl, tty *os.File) {
	t.Helper()
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	fd := int(ctl.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		ctl.Close()
		t.Skipf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		ctl.Close()
		t.Skipf("pty number: %v", err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		ctl.Close()
		t.Skipf("open pty: %v", err)
	}
	t.Cleanup(func() { tty.Close(); ctl.Close() })
	go func() { // drain what the prompt draws
		b := make([]byte, 4096)
		for {
			if _, err := ctl.Read(b); err != nil {
				return
			}
		}
	}()
	return ctl, tty
}

// TestTerminalCancelled: a question waiting at a real terminal ends when
// Done is closed (SIGTERM), returns ErrCancelled, and leaves the terminal
// in the mode it found it in (not raw).
func TestTerminalCancelled(t *testing.T) {
	for name, ask := range map[string]func(*Terminal) error{
		"input":  func(p *Terminal) error { _, err := p.Input("Code"); return err },
		"secret": func(p *Terminal) error { _, err := p.Secret("Password"); return err },
		"select": func(p *Terminal) error { _, err := p.Select("Role", []string{"a", "b"}); return err },
	} {
		t.Run(name, func(t *testing.T) {
			_, tty := openPTY(t)
			if !term.IsTerminal(int(tty.Fd())) {
				t.Fatal("the pty is no terminal")
			}
			done := make(chan struct{})
			p := &Terminal{In: tty, Out: tty, Err: tty, Done: done}
			res := make(chan error, 1)
			go func() { res <- ask(p) }()
			// Wait (bounded) until the prompt has put the terminal in raw
			// mode, then cancel.
			for i := 0; ; i++ {
				st, _ := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
				if st != nil && st.Lflag&unix.ICANON == 0 {
					break
				}
				if i == 1000 {
					t.Fatal("the prompt never set raw mode")
				}
				time.Sleep(5 * time.Millisecond)
			}
			close(done)
			select {
			case err := <-res:
				if !errors.Is(err, idp.ErrCancelled) {
					t.Fatalf("err = %v, want ErrCancelled", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the question did not end on Done")
			}
			after, _ := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
			if after.Lflag&unix.ICANON == 0 {
				t.Error("the terminal was left in raw mode")
			}
		})
	}
}

// TestTerminalCancelOn: a Terminal without Done follows CancelOn.
func TestTerminalCancelOn(t *testing.T) {
	done := make(chan struct{})
	close(done)
	CancelOn(done)
	defer interrupted.Store(nil)
	_, tty := openPTY(t)
	p := &Terminal{In: tty, Out: tty, Err: tty}
	if _, err := p.Secret("Password"); !errors.Is(err, idp.ErrCancelled) {
		t.Fatalf("err = %v, want ErrCancelled", err)
	}
}
