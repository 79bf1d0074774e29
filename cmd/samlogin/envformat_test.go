package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestEnvFormatFor(t *testing.T) {
	psUser := `C:\Users\jo\Documents\PowerShell\Modules;C:\Program Files\PowerShell\Modules;c:\program files\powershell\7\Modules`
	psSystem := `%ProgramFiles%\WindowsPowerShell\Modules;C:\Windows\system32\WindowsPowerShell\v1.0\Modules`
	for _, tc := range []struct {
		windows        bool
		parent, psPath string
		want           string
	}{
		{true, "pwsh.exe", psSystem, "powershell"},
		{true, `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, "", "powershell"},
		{true, "cmd.exe", psUser, "cmd"}, // cmd started from PowerShell inherits its PSModulePath
		{true, "CMD.EXE", "", "cmd"},
		{true, "bash.exe", "", "bash"}, // Git Bash
		{true, "", psUser, "powershell"},
		{true, "scoop-shim.exe", `C:\Users\jo\Documents\WindowsPowerShell\Modules;` + psSystem, "powershell"},
		{true, "explorer.exe", psSystem, "cmd"},
		{true, "", "", "cmd"},
		{false, "", psUser, "bash"},
		{false, "fish", "", "fish"},
		{false, "/usr/bin/zsh", "", "bash"},
	} {
		got := envFormatFor(tc.windows, tc.parent, func(k string) string {
			if k == "PSModulePath" {
				return tc.psPath
			}
			return ""
		})
		if got != tc.want {
			t.Errorf("envFormatFor(windows %v, %q, %q) = %s, want %s", tc.windows, tc.parent, tc.psPath, got, tc.want)
		}
	}
}

// TestEnvFormatDefault: on Windows, from the process that started it
// (here the test binary, not a shell, and PSModulePath empty: cmd);
// elsewhere bash.
func TestEnvFormatDefault(t *testing.T) {
	c := exec.Command("samlogin-testchild", "envformat")
	c.Env = append(os.Environ(), "PSModulePath=")
	out, err := c.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "bash"
	if runtime.GOOS == "windows" {
		want = "cmd " + strings.ToLower(filepath.Base(os.Args[0]))
	}
	if got := strings.ToLower(strings.TrimSpace(string(out))); got != want {
		t.Errorf("default format from the test binary: %q, want %q", got, want)
	}
}
