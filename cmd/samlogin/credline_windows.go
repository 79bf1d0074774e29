//go:build windows

package main

import "github.com/samlogin/samlogin/awsconfig"

// quoteArg quotes one word of the credential_process line: the AWS CLI on
// Windows splits it by the Microsoft C runtime's rules (double quotes; a
// single quote is a plain character there), and the Go SDK runs it
// through cmd.exe /C.
var quoteArg = awsconfig.WindowsQuote
