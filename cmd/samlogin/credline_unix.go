//go:build unix

package main

import "github.com/samlogin/samlogin/awsconfig"

// quoteArg quotes one word of the credential_process line: POSIX quoting,
// which the AWS CLI's shlex and the Go SDK's sh -c read.
var quoteArg = awsconfig.ShellQuote

// plainExe is samlogin's path as it is: POSIX quoting survives every
// reader of the line.
func plainExe(exe string) string { return exe }
