//go:build unix

package prompt

// consoleNames are the files of the process's terminal: the controlling
// terminal, read and written.
func consoleNames() (in, out string) { return "/dev/tty", "/dev/tty" }
