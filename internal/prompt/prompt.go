// Package prompt is the one place samlogin talks to a person at a terminal.
// It is the only package that imports survey/v2. Everything is written to the
// terminal's error stream (or the controlling TTY), never to stdout, so that
// `samlogin ... --output json > file` and credential_process keep a clean
// stdout.
package prompt

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
	"golang.org/x/term"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
)

// Terminal prompts on a terminal through survey/v2.
type Terminal struct {
	In  terminal.FileReader
	Out terminal.FileWriter // the terminal's error stream or /dev/tty
	Err io.Writer
	// Done, when closed, ends a question that is waiting for the user: the
	// terminal's mode is restored and the question returns
	// idp.ErrCancelled (a SIGTERM, or Ctrl-C outside the prompt's own raw
	// mode). nil: the channel given to CancelOn.
	Done <-chan struct{}
}

// interrupted is the process's cancellation, set once by main before any
// prompt (see CancelOn).
var interrupted atomic.Pointer[<-chan struct{}]

// CancelOn makes every Terminal without its own Done end its questions
// when done is closed. cmd/samlogin's main calls it with the context that
// the first SIGINT or SIGTERM cancels, so that prompters built anywhere
// (the login flow, credential_process's /dev/tty) end on the signal.
func CancelOn(done <-chan struct{}) { interrupted.Store(&done) }

func (t *Terminal) done() <-chan struct{} {
	if t.Done != nil {
		return t.Done
	}
	if p := interrupted.Load(); p != nil {
		return *p
	}
	return nil
}

// ask runs one survey question; it returns idp.ErrCancelled as soon as
// done is closed, with the terminal's mode restored. The abandoned read
// ends with the process.
func (t *Terminal) ask(q func() error) error {
	done := t.done()
	if done == nil {
		return mapErr(q())
	}
	select {
	case <-done:
		return idp.ErrCancelled
	default:
	}
	fd := int(t.In.Fd())
	state, stateErr := term.GetState(fd)
	res := make(chan error, 1)
	go func() { res <- q() }()
	select {
	case err := <-res:
		return mapErr(err)
	case <-done:
		if stateErr == nil {
			_ = term.Restore(fd, state)
		}
		_, _ = io.WriteString(t.Out, "\x1b[?25h\n") // show the cursor a picker hid; end the question's line
		return idp.ErrCancelled
	}
}

var _ idp.Prompter = (*Terminal)(nil)

func (t *Terminal) opts() survey.AskOpt {
	return survey.WithStdio(t.In, t.Out, t.Err)
}

func mapErr(err error) error {
	if errors.Is(err, terminal.InterruptErr) {
		return idp.ErrCancelled
	}
	return err
}

// Input asks for a visible value.
func (t *Terminal) Input(message string) (string, error) {
	var v string
	err := t.ask(func() error { return survey.AskOne(&survey.Input{Message: message}, &v, t.opts()) })
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(v), nil
}

// Secret asks for a value without echo.
func (t *Terminal) Secret(message string) (secret.String, error) {
	var v string
	err := t.ask(func() error { return survey.AskOne(&survey.Password{Message: message}, &v, t.opts()) })
	if err != nil {
		return secret.String{}, err
	}
	return secret.New(v), nil
}

// Select asks the user to pick one option; typing filters the list.
func (t *Terminal) Select(message string, options []string) (int, error) {
	var i int
	err := t.ask(func() error {
		return survey.AskOne(&survey.Select{Message: message, Options: options, PageSize: 15}, &i, t.opts())
	})
	if err != nil {
		return 0, err
	}
	return i, nil
}

// Never is the Prompter used with --no-prompt or without a terminal: every
// question becomes an error naming what to use instead.
type Never struct {
	// Hint maps a prompt message to the flag or variable that supplies it;
	// the message itself is used when absent.
	Hint func(message string) string
}

var _ idp.Prompter = Never{}

func (n Never) err(message string) error {
	h := message
	if n.Hint != nil {
		h = n.Hint(message)
	}
	return fmt.Errorf("%w: %s", idp.ErrNoPrompt, h)
}

// Input fails with ErrNoPrompt.
func (n Never) Input(message string) (string, error) { return "", n.err(message) }

// Secret fails with ErrNoPrompt.
func (n Never) Secret(message string) (secret.String, error) { return secret.String{}, n.err(message) }

// Select fails with ErrNoPrompt.
func (n Never) Select(message string, _ []string) (int, error) { return 0, n.err(message) }

// Console is the terminal samlogin asks on when its standard streams are
// taken (credential_process runs with stdout, and under the AWS CLI stderr,
// captured): In is read, Out is written.
type Console struct{ In, Out *os.File }

// OpenConsole opens the console of the process: /dev/tty on Unix, CONIN$
// and CONOUT$ on Windows (see consoleNames). The caller closes it. An
// error means there is none (a service, a CI job): do not prompt.
func OpenConsole() (*Console, error) {
	in, out := consoleNames()
	return openConsole(in, out)
}

// openConsole opens the files named in and out, once when they are the
// same. Both are opened read-write: Windows needs that to change or read a
// console's mode.
func openConsole(in, out string) (*Console, error) {
	fi, err := os.OpenFile(in, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	if out == in {
		return &Console{In: fi, Out: fi}, nil
	}
	fo, err := os.OpenFile(out, os.O_RDWR, 0)
	if err != nil {
		fi.Close()
		return nil, err
	}
	return &Console{In: fi, Out: fo}, nil
}

// Close closes the console's files.
func (c *Console) Close() error {
	err := c.In.Close()
	if c.Out != c.In {
		if e := c.Out.Close(); err == nil {
			err = e
		}
	}
	return err
}
