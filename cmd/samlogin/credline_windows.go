//go:build windows

package main

import (
	"golang.org/x/sys/windows"

	"github.com/samlogin/samlogin/awsconfig"
)

// quoteArg quotes one word of the credential_process line: the AWS CLI on
// Windows splits it by the Microsoft C runtime's rules (double quotes; a
// single quote is a plain character there).
var quoteArg = awsconfig.WindowsQuote

// plainExe is samlogin's path for the credential_process line: its short
// (8.3) form when the long one needs quotes (C:\PROGRA~1\samlogin\...)
// and the volume has short names. aws-sdk-go-v2 runs the line through
// cmd.exe /C with Go's quoting of it, under which a quoted path does not
// survive; a path without quotes does, and the AWS CLI reads it as well.
func plainExe(exe string) string {
	if awsconfig.WindowsQuote(exe) == exe {
		return exe
	}
	long, err := windows.UTF16PtrFromString(exe)
	if err != nil {
		return exe
	}
	buf := make([]uint16, 1024)
	n, err := windows.GetShortPathName(long, &buf[0], uint32(len(buf)))
	if err != nil || n == 0 || int(n) > len(buf) {
		return exe
	}
	if short := windows.UTF16ToString(buf[:n]); awsconfig.WindowsQuote(short) == short {
		return short
	}
	return exe
}
