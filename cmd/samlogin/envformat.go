package main

import (
	"path/filepath"
	"strings"
)

// shellFormat is env's format for the shell named name ("pwsh", "cmd"),
// "" for a program that is not a known shell. (A function, not a map:
// credential-process's start pays nothing for it.)
func shellFormat(name string) string {
	switch name {
	case "powershell", "pwsh":
		return "powershell"
	case "cmd":
		return "cmd"
	case "bash", "sh", "zsh", "dash", "ksh":
		return "bash"
	case "fish":
		return "fish"
	}
	return ""
}

// envFormatFor is env's format when --format is not given. parent is the
// program that started samlogin (a path or a name, "" when unknown; see
// parentProgram, Windows only). On Windows: the format of that shell when
// it is one (samlogin env | Invoke-Expression runs samlogin from
// PowerShell; for /f from cmd), else powershell when PSModulePath holds a
// user's module folder (PowerShell adds it to its own environment at
// start; the system-wide value has none), else cmd. Elsewhere: bash, the
// POSIX format, unless the parent is a known shell.
func envFormatFor(windows bool, parent string, getenv func(string) string) string {
	name := strings.ToLower(filepath.Base(strings.ReplaceAll(parent, `\`, "/")))
	name = strings.TrimSuffix(name, ".exe")
	if f := shellFormat(name); f != "" {
		return f
	}
	if !windows {
		return "bash"
	}
	for _, p := range strings.Split(getenv("PSModulePath"), ";") { // Windows list separator
		p = strings.ToLower(strings.ReplaceAll(p, `\`, "/"))
		if strings.HasSuffix(strings.TrimSuffix(p, "/"), "/documents/powershell/modules") ||
			strings.HasSuffix(strings.TrimSuffix(p, "/"), "/documents/windowspowershell/modules") {
			return "powershell"
		}
	}
	return "cmd"
}
