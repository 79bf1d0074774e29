//go:build !darwin && !windows

package keychain

import (
	"errors"
	"fmt"
	"os"
)

// busReachable reports why there is no D-Bus session bus to talk to the
// Secret Service over. Without this check godbus would run dbus-launch and
// leave a new bus daemon behind on a headless box.
func busReachable() error {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	dir := fmt.Sprintf("/run/user/%d", os.Getuid())
	for _, f := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(dir + "/" + f); err == nil {
			return nil
		}
	}
	return errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
}
