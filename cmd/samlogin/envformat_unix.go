//go:build unix

package main

// envFormatDefault is env's format without --format: bash (export K='V'),
// which every POSIX shell reads; fish users pass --format fish.
func envFormatDefault(getenv func(string) string) string {
	return envFormatFor(false, "", getenv)
}

// parentName is not looked up on Unix.
func parentName() string { return "" }
