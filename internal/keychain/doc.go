// Package keychain keeps samlogin's secrets (the IdP password, and a kept IdP
// session) in the operating system's keychain: the Secret Service on Linux
// (GNOME Keyring, KWallet), the login Keychain on macOS, the Credential
// Manager on Windows.
//
// Everything goes through the small Store interface. OS returns the real one;
// Memory is the test double, usable by other packages' tests.
//
// OS is built on github.com/zalando/go-keyring: it is maintained, pure Go
// on every platform (godbus on Linux and the BSDs, /usr/bin/security on macOS,
// wincred on Windows), so samlogin keeps building with CGO_ENABLED=0 for all
// its targets. github.com/99designs/keyring, the other candidate, has been
// dormant for years and needs cgo for the macOS Keychain.
//
// A keychain can hang: a Secret Service that shows an unlock prompt nobody
// answers, a D-Bus that does not reply. Every call of the OS store is
// therefore bounded in time (Timeout); a call that runs out of time returns
// ErrUnavailable, like a keychain that is missing, locked or refuses. Callers
// treat ErrUnavailable as "go on without the keychain".
//
// Each secret is one item: service "samlogin", account
// "<kind> <idp> <username>" (for example "password adfs.example.com
// CORP\alice"). Kind and IdP hold no spaces, so the account names exactly one
// Key.
package keychain
