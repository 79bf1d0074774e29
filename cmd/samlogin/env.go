package main

import (
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/keychain"
)

// Env is everything the commands take from the outside world. Tests build
// one with buffers and a fixed environment; main builds the real one.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// StdinTTY and StderrTTY report whether the streams are terminals: a
	// prompt is possible only when both are.
	StdinTTY, StderrTTY bool
	Getenv              func(string) string
	LookupEnv           func(string) (string, bool)
	Now                 func() time.Time
	Home                string
	// Prompter, when set, answers every question (tests); otherwise
	// samlogin prompts on the terminal when it can.
	Prompter idp.Prompter
	// Keychain opens the OS keychain (keychain.OS), called at the first
	// use: a credential_process cache hit never calls it. Nil: there is
	// none (tests that do not set one).
	Keychain func() keychain.Store
	// kc is the keychain as this run uses it (keychainUse), made at its
	// first use.
	kc *keychainUse
	// line is the progress line of the terminal behind Stderr (set by run
	// when StderrTTY); nil: no progress is shown.
	line *termLine
	// fromEnv maps the flags that applyEnv set from their SAMLOGIN_* twins
	// to those variables, for error lines.
	fromEnv map[string]string
	// ends are waited for before run returns (the browser a sign-in
	// started, closing while samlogin calls STS); shared by copies.
	ends *endWaits
}

// endWaits are what run waits for before it returns.
type endWaits struct {
	mu  sync.Mutex
	fns []func()
}

// atEnd has run call fn before it returns; with no run (a test that calls
// a step directly), fn is called now.
func (e *Env) atEnd(fn func()) {
	if e.ends == nil {
		fn()
		return
	}
	e.ends.mu.Lock()
	defer e.ends.mu.Unlock()
	e.ends.fns = append(e.ends.fns, fn)
}

func (w *endWaits) wait() {
	w.mu.Lock()
	fns := w.fns
	w.fns = nil
	w.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

func systemEnv() *Env {
	home, _ := os.UserHomeDir()
	return &Env{
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		StdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Getenv:    os.Getenv,
		LookupEnv: os.LookupEnv,
		Now:       time.Now,
		Home:      home,
		Keychain:  keychain.OS,
	}
}

// CanPrompt reports whether a person can be asked at this terminal.
func (e *Env) CanPrompt() bool { return e.StdinTTY && e.StderrTTY }
