package signin_test

import (
	"regexp"
	"testing"

	"github.com/samlogin/samlogin/awsconfig/signin"
)

// FuzzParseAccounts: any page parses without panic, and what comes out is
// safe to put in a profile name: 12-digit ids, plain aliases.
func FuzzParseAccounts(f *testing.F) {
	// The whole fixtures (30 and 130 kB) are tested in
	// TestParseAccountsFixtures; as seeds they make the fuzzer crawl. The
	// seeds here and in testdata/fuzz carry their shapes.
	f.Add([]byte(`<div class="saml-account-name">Account: a (111111111111)</div>`))
	f.Add([]byte(nextPage(`{"roles_accounts":{"dev (444444444444)":[]}}`)))
	id := regexp.MustCompile(`^[0-9]{12}$`)
	alias := regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)?$`)
	f.Fuzz(func(t *testing.T, page []byte) {
		got, err := signin.ParseAccounts(page)
		if err != nil {
			return
		}
		if len(got) == 0 {
			t.Fatal("no error and no account")
		}
		for k, v := range got {
			if !id.MatchString(k) || !alias.MatchString(v) {
				t.Fatalf("unsafe account %q alias %q", k, v)
			}
		}
	})
}
