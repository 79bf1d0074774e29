//go:build windows

package main

import "os/exec"

// ownProcessGroup leaves c as it is on Windows: its cancellation kills the
// process (exec's default), and WaitDelay stops samlogin from waiting on
// children that keep its output open.
func ownProcessGroup(c *exec.Cmd) {}
