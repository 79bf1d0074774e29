package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/assertion"
)

// TestBrowserIdentity: after a sign-in in the browser, the assertion names
// the user when none is known; a known one must be the same user; a name
// that cannot be printed is refused with a line naming --username.
func TestBrowserIdentity(t *testing.T) {
	long := strings.Repeat("a", 257) + "@corp"
	for _, c := range []struct {
		name     string
		known    string // --username given now
		a        assertion.Assertion
		wantUser string
		wantErr  string
	}{
		{"none known: from the assertion", "", assertion.Assertion{SessionName: "bob@corp"}, "bob@corp", ""},
		{"known, same user in another case", "Bob@Corp", assertion.Assertion{SessionName: "bob@corp"}, "Bob@Corp", ""},
		{"known, same user as the opaque NameID", "a1b2c3", assertion.Assertion{Subject: "a1b2c3", SubjectFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", SessionName: "bob@corp"}, "a1b2c3", ""},
		{"known, another user", "alice@corp", assertion.Assertion{SessionName: "bob@corp"}, "alice@corp",
			"signed in as bob@corp in the browser, but --username names alice@corp; sign in there as alice@corp, or give --username bob@corp"},
		{"new line", "", assertion.Assertion{SessionName: "bob@corp\nroot"}, "", "give --username"},
		{"carriage return", "", assertion.Assertion{SessionName: "bob\r@corp"}, "", "give --username"},
		{"escape", "", assertion.Assertion{SessionName: "bob\x1b[31m@corp"}, "", "give --username"},
		{"too long", "", assertion.Assertion{SessionName: long}, "", "give --username"},
		{"unprintable, another user given", "alice@corp", assertion.Assertion{SessionName: "bob\x1b[31m@corp"}, "alice@corp", "signed in as bob"},
		{"long ordinary name", "", assertion.Assertion{SessionName: "christopher.johnson2@corp.example.com"}, "christopher.johnson2@corp.example.com", ""},
		{"token-like name, another user given", "alice@corp", assertion.Assertion{SessionName: "a1b2c3d4e5f6a7b8c9d0e1f2"}, "alice@corp", "signed in as"},
		{"two spaces", "", assertion.Assertion{SessionName: "bob  smith"}, "bob  smith", ""},
		{"ADFS DOMAIN\\user known, user@domain signed in", `CORP\alice`, assertion.Assertion{SessionName: "alice@corp.example.com"}, `CORP\alice`, ""},
		{"ADFS DOMAIN\\user known, another user", `CORP\alice`, assertion.Assertion{SessionName: "bob@corp.example.com"}, `CORP\alice`, "signed in as bob@corp.example.com"},
		{"none named", "", assertion.Assertion{}, "", "names no user"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("samlogin", pflag.ContinueOnError)
			lo := &loginOptions{}
			addLoginFlags(fs, lo)
			args := []string{"--idp-url", "https://sso.example.com/", "--browser"}
			if c.known != "" {
				args = append(args, "--username", c.known)
			}
			if err := fs.Parse(args); err != nil {
				t.Fatal(err)
			}
			var errb bytes.Buffer
			f := &flow{env: &Env{Stderr: &errb}, lo: lo, fs: fs, profile: "p"}
			if c.known != "" {
				f.userFrom = "--username"
			}
			err := f.browserIdentity(&c.a)
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("error %v, want one with %q", err, c.wantErr)
			}
			if err != nil && strings.ContainsAny(err.Error(), "\r\n\x1b") {
				t.Errorf("error %q is not one printable line", err)
			}
			if lo.username != c.wantUser {
				t.Errorf("username %q, want %q", lo.username, c.wantUser)
			}
		})
	}
}
