package main

import (
	"os"
	"runtime"
	"testing"
)

// TestSystemHome: the AWS files live under the home folder the AWS CLI
// uses: $HOME on Unix, %USERPROFILE% on Windows.
func TestSystemHome(t *testing.T) {
	want := os.Getenv("HOME")
	if runtime.GOOS == "windows" {
		want = os.Getenv("USERPROFILE")
	}
	if want == "" {
		t.Skip("no home variable set")
	}
	if got := systemEnv().Home; got != want {
		t.Errorf("home = %q, want %q", got, want)
	}
}
