//go:build unix && !linux

package browser

import "syscall"

// setPdeathsig: only Linux has it.
func setPdeathsig(*syscall.SysProcAttr) {}
