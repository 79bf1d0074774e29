// Command samlogin signs in to AWS through a SAML identity provider (ADFS or
// any SAML portal) and writes temporary credentials to the AWS CLI's files.
package main

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/samlogin/samlogin/internal/prompt"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	// exec passes signals on to its command, which decides what a second
	// Ctrl-C means (terraform's forceful stop): while the command runs,
	// samlogin must not exit under it.
	exit := func(code int) { exitUnlessCommand(code, os.Exit) }
	go onSignals(sigs, cancel, exit)
	prompt.CancelOn(ctx.Done()) // a prompt, wherever it was built, ends on the first signal
	code := run(ctx, os.Args[1:], systemEnv())
	cancel()
	os.Exit(code)
}

// onSignals cancels the command at the first SIGINT or SIGTERM: every wait
// (network, prompt, lock, pipe) ends, nothing is written, and samlogin
// exits 3. A second signal exits at once, with the shell's code for it
// (130 for SIGINT, 143 for SIGTERM), for when something did not end.
func onSignals(sigs <-chan os.Signal, cancel context.CancelFunc, exit func(int)) {
	<-sigs
	cancel()
	for s := range sigs {
		code := 130
		if s == syscall.SIGTERM {
			code = 143
		}
		exit(code) // returns only while exec's command runs
	}
}

// childRunning is set while exec's command runs (runForwarding).
var childRunning atomic.Bool

// exitUnlessCommand exits, unless exec's command is running: then the
// signal is the command's to handle, and samlogin waits for its end.
func exitUnlessCommand(code int, exit func(int)) {
	if !childRunning.Load() {
		exit(code)
	}
}
