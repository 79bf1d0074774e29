//go:build unix && !darwin

package browser

import "os"

// HasDisplay reports whether a browser window can be shown: on Linux and the
// BSDs, an X11 or Wayland display is named in the environment.
func HasDisplay() bool {
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

func hasDisplay() bool { return HasDisplay() }
