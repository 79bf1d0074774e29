//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package keychain

import (
	dbus "github.com/godbus/dbus/v5"
)

// Stored asks the Secret Service whether an item of go-keyring's
// attributes (service, username) exists, locked or not: SearchItems of the
// service neither unlocks nor prompts.
func (osBackend) Stored(service, user string) (bool, error) {
	conn, err := dbus.SessionBus()
	if err != nil {
		return false, err
	}
	var unlocked, locked []dbus.ObjectPath
	err = conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
		Call("org.freedesktop.Secret.Service.SearchItems", 0, map[string]string{"service": service, "username": user}).
		Store(&unlocked, &locked)
	if err != nil {
		return false, err
	}
	return len(unlocked)+len(locked) > 0, nil
}
