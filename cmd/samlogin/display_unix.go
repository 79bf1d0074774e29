//go:build unix && !darwin

package main

// hasDisplay reports whether a browser window can be shown: an X11 or
// Wayland display is named in the environment.
func hasDisplay(env *Env) bool {
	return env.Getenv("DISPLAY") != "" || env.Getenv("WAYLAND_DISPLAY") != ""
}
