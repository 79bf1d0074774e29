//go:build windows

package main

import (
	"os"
	"os/exec"
)

// forwardedSignals are passed on to exec's command: Windows has only the
// console's Ctrl-C (os.Interrupt).
var forwardedSignals = []os.Signal{os.Interrupt}

// ownProcessGroup leaves c as it is on Windows: its cancellation kills the
// process (exec's default), and WaitDelay stops samlogin from waiting on
// children that keep its output open.
func ownProcessGroup(c *exec.Cmd) {}
