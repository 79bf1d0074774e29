package main

import (
	"bytes"
	"context"
	"errors"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/internal/secret"
)

// consoleEnv is an Env with a home holding one samlogin profile "p" whose
// credentials expire an hour after now.
func consoleEnv(t *testing.T, now time.Time, vars map[string]string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	home := t.TempDir()
	aws := filepath.Join(home, ".aws")
	if err := os.MkdirAll(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"config": "[profile p]\nsamlogin_role_arn = arn:aws-cn:iam::123456789012:role/Admin\nsamlogin_adfs_host = adfs.corp.example\n",
		"credentials": "[p]\naws_access_key_id = ASIAP\naws_secret_access_key = secret/key\naws_session_token = session-token\n" +
			"x_security_token_expires = " + now.Add(time.Hour).UTC().Format(time.RFC3339) + "\n",
	}
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(aws, name), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	return &Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv:    func(k string) string { return vars[k] },
		LookupEnv: lookup,
		Now:       func() time.Time { return now },
		Home:      home,
	}, &out, &errOut
}

func TestConsoleOpensBrowser(t *testing.T) {
	fed := ststest.NewFederation(t)
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env, out, errOut := consoleEnv(t, now, map[string]string{"SAMLOGIN_FEDERATION_URL": fed.URL()})

	var opened []string
	old := browserOpener
	t.Cleanup(func() { browserOpener = old })
	browserOpener = func(_ context.Context, u secret.String) error {
		opened = append(opened, u.Reveal())
		return nil
	}
	if code := run(context.Background(), []string{"console", "--profile", "p"}, env); code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	want := fed.URL() + "?Action=login&Destination=https%3A%2F%2Fconsole.amazonaws.cn%2F" +
		"&Issuer=https%3A%2F%2Fadfs.corp.example%2Fadfs%2Fls%2FIdpInitiatedSignOn.aspx&SigninToken=" + ststest.SigninToken(1, 0)
	page := filepath.Join(env.Home, ".aws", "samlogin", "console.html")
	if len(opened) != 1 || opened[0] != "file://"+page {
		t.Fatalf("opened %q, want the redirect page file://%s", opened, page)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `content="0;url=`+html.EscapeString(want)+`"`) {
		t.Errorf("redirect page %s does not send the browser to %s", b, want)
	}
	if fi, err := os.Stat(page); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("redirect page mode: %v, %v", fi.Mode(), err)
	}
	if out.Len() != 0 {
		t.Errorf("stdout %q, want nothing (the URL is a secret)", out)
	}
	if got := errOut.String(); got != "samlogin: federation: "+fed.URL()+" from SAMLOGIN_FEDERATION_URL\nsamlogin: opened the AWS console for profile p in your browser\n" || strings.Contains(got, "SigninToken") {
		t.Errorf("stderr %q", got)
	}

	// The opener fails: exit 1, a hint, and still no URL anywhere.
	errOut.Reset()
	browserOpener = func(context.Context, secret.String) error {
		return errors.New("open the browser with xdg-open: not found")
	}
	if code := run(context.Background(), []string{"console", "-p", "p"}, env); code != exitError {
		t.Fatalf("exit %d, want 1", code)
	}
	if got := errOut.String(); !strings.Contains(got, "use --print and open the URL yourself") || strings.Contains(got, "SigninToken") {
		t.Errorf("stderr %q", got)
	}
}

func TestConsoleExpiresByInjectedClock(t *testing.T) {
	fed := ststest.NewFederation(t)
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env, _, errOut := consoleEnv(t, now, map[string]string{"SAMLOGIN_FEDERATION_URL": fed.URL()})
	env.Now = func() time.Time { return now.Add(61 * time.Minute) }
	// Expired, with an IdP to sign in at again, and no way to ask for the
	// password: the sign-in it needs is a usage error naming the inputs.
	if code := run(context.Background(), []string{"console", "--profile", "p", "--print"}, env); code != exitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), "profile p needs a sign-in") || len(fed.Requests()) != 0 {
		t.Errorf("stderr %q, federation calls %d", errOut, len(fed.Requests()))
	}
}

func TestStatusOf(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name              string
		managed           string
		cached            time.Duration
		state, text, note string
	}{
		{"valid", "valid", 0, "valid", "1h00m left (" + clock(now.Add(time.Hour)) + ")", ""},
		{"expired", "expired", 0, "expired", "expired 2h00m ago", ""},
		{"no credentials", "none", 0, "none", "none", ""},
		{"credential_process, cached", "cp", 30 * time.Minute,
			"valid", "30m left (" + clock(now.Add(30*time.Minute)) + ")", ""},
		{"credential_process, no cache", "cp", 0,
			"none", "none", "no cached credentials; the next AWS call signs in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := statusOf(statusFixture(tc.managed, now, tc.cached), now)
			if len(st) != 1 || st[0].State != tc.state || st[0].Note != tc.note {
				t.Fatalf("status %+v", st)
			}
			if got := credentialsText(st[0], now); got != tc.text {
				t.Errorf("text %q, want %q", got, tc.text)
			}
		})
	}
}

func clock(t time.Time) string { return t.Local().Format("15:04 MST") }

// TestStatusFits100Columns: long names are cut, the IdP is its host, and a
// row of the usual shape fits 100 columns.
func TestStatusFits100Columns(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env, out, _ := consoleEnv(t, now, map[string]string{})
	st := []profileStatus{{Profile: "prod-administrator-eu-central", AccountID: "123456789012", RoleName: "AWSReservedSSO_AdministratorAccess",
		IdP: "https://sso.corp.example.com/saml2/idp/SSOService.php?spentityid=urn:amazon:webservices", Source: "credential_process",
		State: "valid", Expiration: now.Add(11*time.Hour + 59*time.Minute).Format(time.RFC3339),
		Chains: []chainStatus{{Profile: "prod-deploy"}, {Profile: "prod-readonly"}, {Profile: "prod-billing"}}}}
	printStatus(env, st)
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if n := len([]rune(line)); n > 100 {
			t.Errorf("%d columns: %q", n, line)
		}
	}
	if !strings.Contains(out.String(), " sso.corp.…") || !strings.Contains(out.String(), " process ") {
		t.Errorf("table:\n%s", out)
	}
}
