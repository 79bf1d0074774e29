//go:build windows

package prompt

// consoleNames are the files of the process's console: Windows has no
// /dev/tty; CONIN$ and CONOUT$ are the console's input and screen buffer,
// whatever the standard streams were redirected to.
func consoleNames() (in, out string) { return "CONIN$", "CONOUT$" }
