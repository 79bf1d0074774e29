//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package keychain

// busReachable is nil: the macOS Keychain and the Windows Credential Manager
// need no bus (elsewhere go-keyring answers that the platform is
// unsupported, which is ErrUnavailable too).
func busReachable() error { return nil }
