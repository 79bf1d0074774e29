package main

import (
	"errors"
	"runtime"
	"slices"
	"testing"
)

const testURL = "http://127.0.0.1:4711/abc"

// TestBrowserCommand: the opener of the system the test runs on.
func TestBrowserCommand(t *testing.T) {
	got := browserCommand(testURL)
	switch runtime.GOOS {
	case "darwin":
		if !slices.Equal(got, []string{"open", testURL}) {
			t.Errorf("macOS: %q", got)
		}
	case "windows":
		if !slices.Equal(got, []string{"rundll32", "url.dll,FileProtocolHandler", testURL}) {
			t.Errorf("Windows: %q", got)
		}
	default:
		if got[len(got)-1] != testURL || !slices.Contains([]string{"xdg-open", "wslview", "cmd.exe"}, got[0]) {
			t.Errorf("%s: %q", runtime.GOOS, got)
		}
	}
}

// TestXDGBrowserCommand: on WSL without $BROWSER the Windows browser opens
// the page (wslview, else cmd.exe /c start); everywhere else, xdg-open.
func TestXDGBrowserCommand(t *testing.T) {
	path := func(have ...string) func(string) (string, error) {
		return func(name string) (string, error) {
			if slices.Contains(have, name) {
				return "/usr/bin/" + name, nil
			}
			return "", errors.New("not found")
		}
	}
	env := func(browser string) func(string) string {
		return func(k string) string {
			if k == "BROWSER" {
				return browser
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name string
		sys  browserSys
		want []string
	}{
		{"linux", browserSys{env(""), path("xdg-open", "cmd.exe"), false}, []string{"xdg-open", testURL}},
		{"wsl with wslu", browserSys{env(""), path("wslview", "cmd.exe"), true}, []string{"wslview", testURL}},
		{"wsl interop", browserSys{env(""), path("cmd.exe"), true}, []string{"cmd.exe", "/c", "start", `""`, testURL}},
		{"wsl with $BROWSER", browserSys{env("firefox"), path("wslview", "cmd.exe"), true}, []string{"xdg-open", testURL}},
		{"wsl without interop", browserSys{env(""), path(), true}, []string{"xdg-open", testURL}},
	} {
		if got := xdgBrowserCommand(tc.sys, testURL); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	for rel, want := range map[string]bool{
		"5.15.153.1-microsoft-standard-WSL2": true,
		"4.4.0-19041-Microsoft":              true,
		"6.1.0-27-amd64":                     false,
	} {
		if isWSLRelease(rel) != want {
			t.Errorf("isWSLRelease(%q) = %v", rel, !want)
		}
	}
}
