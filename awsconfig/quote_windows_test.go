//go:build windows

package awsconfig_test

import (
	"testing"

	"golang.org/x/sys/windows"

	"github.com/samlogin/samlogin/awsconfig"
)

// TestWindowsQuoteSystemSplit: Windows' own splitter (CommandLineToArgvW)
// reads the line samlogin writes back into its words.
func TestWindowsQuoteSystemSplit(t *testing.T) {
	words := []string{`C:\Program Files\samlogin\samlogin.exe`, "credential-process", "--profile", `R&D "x"\`}
	line := ""
	for i, w := range words {
		if i > 0 {
			line += " "
		}
		line += awsconfig.WindowsQuote(w)
	}
	argv, err := windows.DecomposeCommandLine(line) // CommandLineToArgvW
	if err != nil {
		t.Fatal(err)
	}
	if len(argv) != len(words) {
		t.Fatalf("%s splits to %q, want %q", line, argv, words)
	}
	for i, w := range words {
		if argv[i] != w {
			t.Errorf("word %d of %s = %q, want %q", i, line, argv[i], w)
		}
	}
}
