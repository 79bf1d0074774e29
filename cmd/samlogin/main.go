// Command samlogin signs in to AWS through a SAML identity provider (ADFS or
// any SAML portal) and writes temporary credentials to the AWS CLI's files.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/samlogin/samlogin/internal/prompt"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	exit := os.Exit
	if runsCommand(os.Args[1:]) {
		// exec passes signals on to its command, which decides what a
		// second Ctrl-C means (terraform's forceful stop): samlogin must
		// not exit under it.
		exit = func(int) {}
	}
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
	s := <-sigs
	code := 130
	if s == syscall.SIGTERM {
		code = 143
	}
	exit(code)
}

// runsCommand reports whether args may be `samlogin exec ... -- CMD`: any
// argument "exec" before a "--". It errs on the side of exec.
func runsCommand(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "exec" {
			return true
		}
	}
	return false
}
