//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package keychain

import (
	"errors"

	keyring "github.com/zalando/go-keyring"
)

// Stored reads the item: the macOS Keychain and the Windows Credential
// Manager have no cheaper question through go-keyring.
func (osBackend) Stored(service, user string) (bool, error) {
	_, err := keyring.Get(service, user)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, keyring.ErrNotFound):
		return false, nil
	}
	return false, err
}
