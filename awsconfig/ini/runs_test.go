package ini_test

import (
	"testing"

	"github.com/samlogin/samlogin/awsconfig/ini"
)

// TestRunsOfBlankAndCommentLines: a run of blank and comment lines is one
// entry inside the parser (memory), but edits around it behave as they
// did line by line: DeleteSection drops the blank lines before the next
// section's comment and keeps the comment; a new section after a run
// that ends with a blank line gets no second blank line. (The outputs
// were checked against the line-by-line parser with a differential fuzz.)
func TestRunsOfBlankAndCommentLines(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		edit     func(*ini.File)
	}{
		{"[a]\nk=v\n\n# about b\n\n[b]\nx=y\n", "# about b\n\n[b]\nx=y\n", func(f *ini.File) { f.DeleteSection("a") }},
		{"[b]\nx=y\n# note\n\n\n[a]\nk=v\n", "[b]\nx=y\n# note\n", func(f *ini.File) { f.DeleteSection("a") }},
		{"# c\n\n", "# c\n\n[s]\nk = v\n", func(f *ini.File) { _ = f.Set("s", "k", "v") }},
		{"# c\n# d", "# c\n# d\n\n[s]\nk = v\n", func(f *ini.File) { _ = f.Set("s", "k", "v") }},
	} {
		f, err := ini.Parse([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		tc.edit(f)
		if got := string(f.Bytes()); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
	// Line numbers of errors count every line of a run.
	_, err := ini.Parse([]byte("\n\n# a\n\n[s]\nbroken\n"))
	if pe, ok := err.(*ini.ParseError); !ok || pe.Line != 6 {
		t.Errorf("err = %v, want line 6", err)
	}
}
