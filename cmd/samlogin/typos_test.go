package main

import (
	"errors"
	"slices"
	"testing"

	"github.com/spf13/pflag"
)

func TestLevenshtein(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"role", "role", 0},
		{"rol-arn", "role-arn", 1}, {"profle", "profile", 1}, {"kitten", "sitting", 3},
		{"formt", "force", 2}, {"ab", "ba", 2},
	} {
		if got := levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNearest(t *testing.T) {
	names := []string{"profile", "role", "role-arn", "region", "format", "force", "mfa-code", "mfa-method", "mfa-timeout", "output"}
	for _, tt := range []struct {
		typed string
		want  []string
	}{
		{"profle", []string{"profile"}},
		{"formt", []string{"format"}}, // not force, further away
		{"Region", []string{"region"}},
		{"reg", []string{"region"}},
		{"mfa", []string{"mfa-code", "mfa-method", "mfa-timeout"}},
		{"xyz", nil},
		{"no-such-flag", nil},
	} {
		if got := nearest(tt.typed, names); !slices.Equal(got, tt.want) {
			t.Errorf("nearest(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

func TestFlagErrorPeerOnlyUnderItsCommand(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.Bool("print", false, "")
	err := flagError("samlogin console", fs, errors.New("unknown flag: --link"))
	if got, want := err.Error(), "--link is --print in samlogin: samlogin console --print"; got != want {
		t.Errorf("console --link: %q, want %q", got, want)
	}
	err = flagError("samlogin login", fs, errors.New("unknown flag: --link"))
	if got, want := err.Error(), "unknown flag: --link"; got != want {
		t.Errorf("login --link: %q, want %q", got, want)
	}
	if exitCode(err) != exitUsage {
		t.Errorf("exit code %d, want %d", exitCode(err), exitUsage)
	}
}
