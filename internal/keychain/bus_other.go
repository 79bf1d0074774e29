//go:build darwin || windows

package keychain

// busReachable is nil: the macOS Keychain and the Windows Credential Manager
// need no bus.
func busReachable() error { return nil }
