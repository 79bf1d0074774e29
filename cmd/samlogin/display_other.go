//go:build !unix || darwin

package main

// hasDisplay: a desktop session on macOS or Windows always has one.
func hasDisplay(*Env) bool { return true }
