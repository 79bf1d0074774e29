//go:build unix

package main

import (
	"context"
	"os"
	"os/exec"
	"syscall"
)

// shellCommand runs the command line cmd through the system's shell:
// /bin/sh -c.
func shellCommand(ctx context.Context, cmd string) *exec.Cmd {
	return exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
}

// forwardSignal passes s, which samlogin received, on to exec's command.
func forwardSignal(p *os.Process, s os.Signal) error { return p.Signal(s) }

// commandExitCode is the exit code exec returns for its command's end: the
// command's own, or 128+N when signal N ended it (as a shell says).
func commandExitCode(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}

// forwardedSignals are passed on to exec's command. (SIGINT from a terminal
// reaches the whole foreground process group anyway; forwarding it too
// covers a kill -INT of samlogin alone.)
var forwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

// ownProcessGroup runs c in a process group of its own and makes its
// cancellation kill the whole group: a shell's children (`sleep 1000 &
// wait`, a pinentry) die with it instead of outliving samlogin.
func ownProcessGroup(c *exec.Cmd) {
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error {
		// The group's id is the leader's pid; a negative pid names the group.
		if err := syscall.Kill(-c.Process.Pid, syscall.SIGKILL); err != nil && err != syscall.ESRCH {
			return err
		}
		return nil
	}
}
