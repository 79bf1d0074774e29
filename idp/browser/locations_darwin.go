//go:build darwin

package browser

// candidates are the Chromium-family browsers looked for on macOS: the
// system Applications folder, then the user's.
var candidates = []string{
	"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
	"/Applications/Chromium.app/Contents/MacOS/Chromium",
	"/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
	"/Applications/Brave Browser.app/Contents/MacOS/Brave Browser",
	"${HOME}/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
	"${HOME}/Applications/Chromium.app/Contents/MacOS/Chromium",
	"${HOME}/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
	"${HOME}/Applications/Brave Browser.app/Contents/MacOS/Brave Browser",
}
