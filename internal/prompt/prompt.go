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

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
)

// Terminal prompts on a terminal through survey/v2.
type Terminal struct {
	In  terminal.FileReader
	Out terminal.FileWriter // the terminal's error stream or /dev/tty
	Err io.Writer
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
	err := survey.AskOne(&survey.Input{Message: message}, &v, t.opts())
	return strings.TrimSpace(v), mapErr(err)
}

// Secret asks for a value without echo.
func (t *Terminal) Secret(message string) (secret.String, error) {
	var v string
	err := survey.AskOne(&survey.Password{Message: message}, &v, t.opts())
	return secret.New(v), mapErr(err)
}

// Select asks the user to pick one option; typing filters the list.
func (t *Terminal) Select(message string, options []string) (int, error) {
	var i int
	err := survey.AskOne(&survey.Select{Message: message, Options: options, PageSize: 15}, &i, t.opts())
	return i, mapErr(err)
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

// OpenTTY opens the controlling terminal for prompting when stdin/stderr
// are not usable (credential_process runs with stdout captured by the AWS
// CLI). The caller closes it.
func OpenTTY() (*os.File, error) {
	return os.OpenFile("/dev/tty", os.O_RDWR, 0)
}
