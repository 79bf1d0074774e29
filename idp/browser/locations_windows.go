//go:build windows

package browser

// candidates are the Chromium-family browsers looked for on Windows: PATH
// names, then the per-machine and per-user install folders.
var candidates = []string{
	"chrome.exe",
	"msedge.exe",
	"brave.exe",
	`${ProgramFiles}\Google\Chrome\Application\chrome.exe`,
	`${ProgramFiles(x86)}\Google\Chrome\Application\chrome.exe`,
	`${LocalAppData}\Google\Chrome\Application\chrome.exe`,
	`${ProgramFiles(x86)}\Microsoft\Edge\Application\msedge.exe`,
	`${ProgramFiles}\Microsoft\Edge\Application\msedge.exe`,
	`${ProgramFiles}\BraveSoftware\Brave-Browser\Application\brave.exe`,
	`${LocalAppData}\BraveSoftware\Brave-Browser\Application\brave.exe`,
	`${LocalAppData}\Chromium\Application\chrome.exe`,
}
