//go:build unix && !darwin

package main

import (
	"os"
	"os/exec"
)

// browserCommand opens u with xdg-open, or on WSL in the Windows browser
// (see xdgBrowserCommand).
func browserCommand(u string) []string {
	return xdgBrowserCommand(browserSys{getenv: os.Getenv, lookPath: exec.LookPath, wsl: isWSL()}, u)
}

// isWSL reports whether this Linux runs under WSL.
func isWSL() bool {
	if os.Getenv("WSL_DISTRO_NAME") != "" {
		return true
	}
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	return err == nil && isWSLRelease(string(b))
}
