package keychain

import (
	"errors"

	keyring "github.com/zalando/go-keyring"
)

// osBackend is go-keyring's provider for this platform.
type osBackend struct{}

func (osBackend) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (osBackend) Set(service, user, pw string) error       { return keyring.Set(service, user, pw) }
func (osBackend) Delete(service, user string) error        { return keyring.Delete(service, user) }

func mapError(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrTooBig
	default:
		return unavailable("%s: %v", op, err)
	}
}
