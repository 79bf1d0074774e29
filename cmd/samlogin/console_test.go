package main

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/internal/secret"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// consoleEnv is an Env with a home holding one samlogin profile "p" whose
// credentials expire an hour after now.
func consoleEnv(t *testing.T, now time.Time, vars map[string]string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	home := testtmp.Dir(t)
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
	want := fed.URL() + "?Action=login&Destination=https%3A%2F%2Fconsole.amazonaws.cn%2F" +
		"&Issuer=https%3A%2F%2Fadfs.corp.example%2Fadfs%2Fls%2FIdpInitiatedSignOn.aspx&SigninToken=" + ststest.SigninToken(1, 0)

	// The opener is the browser: it fetches what it was given, as a
	// browser would, while console waits.
	var opened []string
	old := browserOpener
	t.Cleanup(func() { browserOpener = old })
	browserOpener = func(_ context.Context, u secret.String) error {
		opened = append(opened, u.Reveal())
		base := u.Reveal()[:strings.LastIndex(u.Reveal(), "/")]
		if code, _, _ := get(t, base+"/other"); code != http.StatusNotFound {
			t.Errorf("another path: %d, want 404", code)
		}
		code, h, body := get(t, u.Reveal())
		if code != http.StatusOK || !strings.Contains(body, `content="0;url=`+html.EscapeString(want)+`"`) ||
			!strings.Contains(body, `href="`+html.EscapeString(want)+`"`) {
			t.Errorf("page: %d %q, want a redirect to %s", code, body, want)
		}
		for k, v := range map[string]string{"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "Content-Type": "text/html; charset=utf-8"} {
			if h.Get(k) != v {
				t.Errorf("%s: %q, want %q", k, h.Get(k), v)
			}
		}
		// Once only: a second fetch (another local user who read the
		// port and path) gets nothing, or no server at all.
		if code, _, body := get(t, u.Reveal()); code == http.StatusOK || strings.Contains(body, "SigninToken") {
			t.Errorf("second fetch: %d %q", code, body)
		}
		return nil
	}
	if code := run(context.Background(), []string{"console", "--profile", "p"}, env); code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if len(opened) != 1 || !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]{43}$`).MatchString(opened[0]) {
		t.Fatalf("opened %q, want one http://127.0.0.1:PORT/RANDOM", opened)
	}
	if code, _, _ := get(t, opened[0]); code != 0 {
		t.Errorf("after console: the server still answers (%d)", code)
	}
	noTokenUnder(t, env.Home, ststest.SigninToken(1, 0))
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

// TestConsoleBrowserNeverCame: a browser that never asks for the page
// ends the wait at its bound, with a line that says what to do, and the
// server is closed.
func TestConsoleBrowserNeverCame(t *testing.T) {
	fed := ststest.NewFederation(t)
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env, out, errOut := consoleEnv(t, now, map[string]string{"SAMLOGIN_FEDERATION_URL": fed.URL()})
	oldOpener, oldWait := browserOpener, consoleBrowserWait
	t.Cleanup(func() { browserOpener, consoleBrowserWait = oldOpener, oldWait })
	consoleBrowserWait = 20 * time.Millisecond
	var opened string
	browserOpener = func(_ context.Context, u secret.String) error { opened = u.Reveal(); return nil }
	if code := run(context.Background(), []string{"console", "--profile", "p"}, env); code != exitError {
		t.Fatalf("exit %d, want 1; stderr %s", code, errOut)
	}
	if got := errOut.String(); got != "samlogin: federation: "+fed.URL()+" from SAMLOGIN_FEDERATION_URL\nsamlogin: console: the browser did not open the console within 20ms; use --print\n" {
		t.Errorf("stderr %q", got)
	}
	if code, _, _ := get(t, opened); code != 0 {
		t.Errorf("after the wait: the server still answers (%d)", code)
	}
	noTokenUnder(t, env.Home, ststest.SigninToken(1, 0))
	if out.Len() != 0 {
		t.Errorf("stdout %q", out)
	}
}

// TestConsoleWaitBoundByTimeout: --timeout shorter than the wait ends it,
// named.
func TestConsoleWaitBoundByTimeout(t *testing.T) {
	fed := ststest.NewFederation(t)
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env, _, errOut := consoleEnv(t, now, map[string]string{"SAMLOGIN_FEDERATION_URL": fed.URL()})
	old := browserOpener
	t.Cleanup(func() { browserOpener = old })
	browserOpener = func(context.Context, secret.String) error { return nil }
	if code := run(context.Background(), []string{"console", "--profile", "p", "--timeout", "300ms"}, env); code != exitError {
		t.Fatalf("exit %d, want 1; stderr %s", code, errOut)
	}
	if got := errOut.String(); got != "samlogin: federation: "+fed.URL()+" from SAMLOGIN_FEDERATION_URL\nsamlogin: console: the browser did not open the console within --timeout 300ms; use --print\n" {
		t.Errorf("stderr %q", got)
	}
}

// TestLogoutRemovesConsolePage: a console.html an older console left (a
// live sign-in token) goes with logout.
func TestLogoutRemovesConsolePage(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env, _, errOut := consoleEnv(t, now, map[string]string{})
	page := filepath.Join(env.Home, ".aws", "samlogin", "console.html")
	if err := os.MkdirAll(filepath.Dir(page), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, []byte("SigninToken=old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := run(context.Background(), []string{"logout", "--all"}, env); code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, errOut)
	}
	if _, err := os.Stat(page); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("console.html kept: %v", err)
	}
	if !strings.Contains(errOut.String(), "samlogin: removed ~/.aws/samlogin/console.html, a console sign-in page an older samlogin left there\n") {
		t.Errorf("stderr %q", errOut)
	}
}

// get fetches u without keep-alive; code 0: no server answered.
func get(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		return 0, nil, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// noTokenUnder fails when a file under dir holds token.
func noTokenUnder(t *testing.T, dir, token string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, _ := os.ReadFile(p); strings.Contains(string(b), token) {
			t.Errorf("%s holds the sign-in token", p)
		}
		return nil
	})
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
		Chains:      []chainStatus{{Profile: "prod-deploy"}, {Profile: "prod-readonly"}, {Profile: "prod-billing"}},
		SessionKept: true, SessionUntil: now.Add(30 * 24 * time.Hour).Format(time.RFC3339)}}
	printStatus(env, st)
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if n := len([]rune(line)); n > 100 {
			t.Errorf("%d columns: %q", n, line)
		}
	}
	if !strings.Contains(out.String(), " sso.corp.…") || !strings.Contains(out.String(), " process ") ||
		!strings.Contains(out.String(), " to Dec 21") {
		t.Errorf("table:\n%s", out)
	}
}

// The Issuer goes to AWS and into the console URL: no user info, and only
// the query parameters that say which relying party.
func TestIssuerOfKeepsNoSecret(t *testing.T) {
	got := issuerOf(map[string]string{"samlogin_idp_url": "https://alice:UIPASS@sso.example.com/saml2/idp/SSOService.php?spentityid=urn:amazon:webservices&AuthState=st-SECRET"})
	if want := "https://sso.example.com/saml2/idp/SSOService.php?spentityid=urn%3Aamazon%3Awebservices"; got != want {
		t.Errorf("issuerOf = %q, want %q", got, want)
	}
}
