//go:build !unix || darwin

package browser

// HasDisplay reports whether a browser window can be shown: on macOS and
// Windows a desktop session always has one.
func HasDisplay() bool { return true }

func hasDisplay() bool { return HasDisplay() }
