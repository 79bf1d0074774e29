package main

import "strings"

// browserSys is what the Unix opener looks at (browserCommand on Linux and
// the BSDs): the environment, the PATH, and whether this is WSL.
type browserSys struct {
	getenv   func(string) string
	lookPath func(string) (string, error)
	wsl      bool
}

// xdgBrowserCommand is the opener on Linux and the BSDs: xdg-open, which
// honours $BROWSER and the desktop's default. On WSL with no Linux
// browser set ($BROWSER empty) the Windows browser opens the page, the
// loopback address being shared with Windows: wslview (wslu) when it is
// installed, else cmd.exe /c start through WSL's interop.
func xdgBrowserCommand(sys browserSys, u string) []string {
	if sys.wsl && sys.getenv("BROWSER") == "" {
		if _, err := sys.lookPath("wslview"); err == nil {
			return []string{"wslview", u}
		}
		if _, err := sys.lookPath("cmd.exe"); err == nil {
			// start's first quoted argument is a window title.
			return []string{"cmd.exe", "/c", "start", `""`, u}
		}
	}
	return []string{"xdg-open", u}
}

// isWSLRelease reports whether a kernel release string (uname -r,
// /proc/sys/kernel/osrelease) is WSL's: "5.15.153.1-microsoft-standard-WSL2"
// or, for WSL 1, "4.4.0-19041-Microsoft".
func isWSLRelease(release string) bool {
	r := strings.ToLower(release)
	return strings.Contains(r, "microsoft") || strings.Contains(r, "wsl")
}
