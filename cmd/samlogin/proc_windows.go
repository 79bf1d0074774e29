//go:build windows

package main

import (
	"context"
	"os"
	"os/exec"
	"syscall"
)

// shellCommand runs the command line cmd through the system's shell:
// cmd.exe /d /s /c "cmd" (%ComSpec%), given as the raw command line so
// that Go's argument quoting, which cmd.exe does not read, stays out of
// it: with /s, cmd.exe drops the outer quotes and runs the rest as typed.
func shellCommand(ctx context.Context, cmd string) *exec.Cmd {
	comspec := os.Getenv("ComSpec")
	if comspec == "" {
		comspec = "cmd.exe"
	}
	c := exec.CommandContext(ctx, comspec)
	c.SysProcAttr = &syscall.SysProcAttr{CmdLine: `cmd.exe /d /s /c "` + cmd + `"`}
	return c
}

// forwardedSignals are the signals exec watches while its command runs:
// the console's Ctrl-C and Ctrl-Break, which Go delivers as os.Interrupt.
var forwardedSignals = []os.Signal{os.Interrupt}

// forwardSignal does nothing on Windows: Ctrl-C and Ctrl-Break go to every
// process attached to the console, the command included, which handles
// them as it likes; samlogin only stays alive (main's exitUnlessCommand)
// until the command ends and returns its exit code.
func forwardSignal(*os.Process, os.Signal) error { return nil }

// commandExitCode is the command's own exit code (a command ended by
// Ctrl-C usually exits with STATUS_CONTROL_C_EXIT, 0xC000013A).
func commandExitCode(ee *exec.ExitError) int { return ee.ExitCode() }

// ownProcessGroup leaves c as it is on Windows: its cancellation kills the
// process (exec's default), and WaitDelay stops samlogin from waiting on
// children that keep its output open.
func ownProcessGroup(c *exec.Cmd) {}
