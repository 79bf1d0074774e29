package ini_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/awsconfig/ini"
)

func TestParseError(t *testing.T) {
	for _, tc := range []struct {
		in   string
		line int
	}{
		{"[default]\nregion = x\nnot a key\n", 3},
		{"[profile a#b]\n", 1},
		{"[default\n", 1},
		{"\ufeff[default]\n", 1}, // the SDK does not skip a BOM either
	} {
		_, err := ini.Parse([]byte(tc.in))
		var pe *ini.ParseError
		if !errors.As(err, &pe) || pe.Line != tc.line {
			t.Errorf("Parse(%q) = %v, want ParseError on line %d", tc.in, err, tc.line)
			continue
		}
		if !strings.HasPrefix(err.Error(), "line ") || !strings.Contains(err.Error(), "expected [section] or key = value, found") {
			t.Errorf("message %q", err)
		}
	}
	_, err := ini.Parse([]byte("[x]\nAKIAAAAAAAAAAAAAAAAAAAAAAAASECRETSECRET\n"))
	if strings.Contains(err.Error(), "SECRETSECRET") {
		t.Errorf("message shows the whole line: %q", err)
	}
}

func TestSetEmptyWouldNest(t *testing.T) {
	// After a key with a value, an indented key is a key of the section;
	// emptying the value would make it a nested key instead.
	in := "[p]\na = 1\n  b = 2\n"
	f, err := ini.Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Get("p", "b"); v != "2" {
		t.Fatalf("b = %q", v)
	}
	if err := f.Set("p", "a", ""); !errors.Is(err, ini.ErrValue) {
		t.Fatalf("Set empty = %v", err)
	}
	if string(f.Bytes()) != in {
		t.Fatalf("file changed")
	}
}

func TestZeroFile(t *testing.T) {
	var f ini.File
	if err := f.Set("default", "region", "us-east-1"); err != nil {
		t.Fatal(err)
	}
	if got := string(f.Bytes()); got != "[default]\nregion = us-east-1\n" {
		t.Fatalf("got %q", got)
	}
}
