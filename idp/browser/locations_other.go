//go:build !darwin && !windows

package browser

// candidates are the Chromium-family browsers looked for on Linux and the
// BSDs: PATH names first, then the fixed places of Debian and snap.
var candidates = []string{
	"google-chrome",
	"google-chrome-stable",
	"chromium",
	"chromium-browser",
	"microsoft-edge",
	"microsoft-edge-stable",
	"brave-browser",
	"brave",
	"/usr/bin/chromium",
	"/snap/bin/chromium",
}
