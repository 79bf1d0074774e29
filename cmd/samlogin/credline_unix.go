//go:build unix

package main

import "github.com/samlogin/samlogin/awsconfig"

// quoteArg quotes one word of the credential_process line: POSIX quoting,
// which the AWS CLI's shlex and the Go SDK's sh -c read.
var quoteArg = awsconfig.ShellQuote
