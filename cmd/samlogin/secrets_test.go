package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// testEnv is an Env with buffers and an isolated HOME.
func testEnv(t testing.TB, stdin string, vars map[string]string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	home := testtmp.Dir(t)
	var out, errb bytes.Buffer
	vars["HOME"] = home
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	return &Env{
		Stdin:     strings.NewReader(stdin),
		Stdout:    &out,
		Stderr:    &errb,
		Getenv:    func(k string) string { return vars[k] },
		LookupEnv: lookup,
		Now:       time.Now,
		Home:      home,
	}, &out, &errb
}

// TestDebugLogLeaksNoSecret runs a whole ADFS login with MFA in --debug mode
// and checks that the password, the MFA code, the SAMLResponse, the secret
// key and the session token appear nowhere in stdout or stderr, while the
// debug log does show the exchanges.
func TestDebugLogLeaksNoSecret(t *testing.T) {
	sts := ststest.New(t, ststest.Options{})
	var issued []string
	adfs := idptest.NewADFS(t, idptest.ADFSOptions{
		Users: adfsUsers, TLS: true, MFA: idptest.MFACode, MFACode: "918273",
		SAMLResponse: func(user string) string { s := freshAssertion(user); issued = append(issued, s); return s },
	})
	for _, output := range []string{"text", "json"} {
		t.Run(output, func(t *testing.T) {
			env, out, errb := testEnv(t, adfsUsers[`CORP\alice`]+"\n", map[string]string{})
			code := run(context.Background(), []string{
				"--adfs-host", adfs.Host(), "--ca-bundle", adfs.CACertFile(), "--username", `CORP\alice`,
				"--password-stdin", "--mfa-code", "918273", "--role", "Admin", "--profile", "p",
				"--sts-endpoint", sts.URL(), "--debug", "--output", output,
			}, env)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errb)
			}
			creds, err := os.ReadFile(filepath.Join(env.Home, ".aws", "credentials"))
			if err != nil {
				t.Fatal(err)
			}
			reqs := sts.Requests()
			last := reqs[len(reqs)-1]
			secrets := map[string]string{
				"password":      adfsUsers[`CORP\alice`],
				"MFA code":      "918273",
				"SAMLResponse":  issued[len(issued)-1],
				"SAML (sent)":   last.SAMLAssertion,
				"secret key":    ststest.SecretAccessKey(last.N),
				"session token": ststest.SessionToken(last.N),
			}
			// The secrets are real: the files hold the keys, STS got the assertion.
			for _, k := range []string{"secret key", "session token"} {
				if !bytes.Contains(creds, []byte(secrets[k])) {
					t.Fatalf("credentials file lacks the %s: the test checks nothing", k)
				}
			}
			all := out.String() + errb.String()
			if !strings.Contains(errb.String(), "level=DEBUG") {
				t.Fatalf("no debug log in stderr:\n%s", errb)
			}
			for name, s := range secrets {
				if s == "" {
					t.Fatalf("%s is empty", name)
				}
				probe := s
				if len(probe) > 40 {
					probe = probe[(len(probe)-40)/2:][:40] // a 40-byte slice from its middle
				}
				if strings.Contains(all, probe) {
					t.Errorf("the %s appears in the output", name)
				}
			}
		})
	}
}

// TestDebugLogHidesPortalState runs a whole login with --debug through a
// portal that keeps its state in URLs (;jsessionid, sid, lt, execution,
// RelayState, a token in the path) and names its password field pw: no
// value of them, nor the password, the assertion or the keys, appears in
// stdout or stderr, while their names do.
func TestDebugLogHidesPortalState(t *testing.T) {
	const password = "pw-Portal-Secret-9"
	sts := ststest.New(t, ststest.Options{})
	var issued string
	portal := &idptest.StatePortal{Users: map[string]string{"alice": password},
		SAMLResponse: func(user string) string { issued = freshAssertion(user); return issued }}
	srv := httptest.NewServer(portal)
	defer srv.Close()
	env, out, errb := testEnv(t, password+"\n", map[string]string{})
	code := run(context.Background(), []string{
		"--idp-url", srv.URL + "/start", "--username", "alice", "--password-stdin", "--role", "Admin",
		"--profile", "p", "--sts-endpoint", sts.URL(), "--debug",
	}, env)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	reqs := sts.Requests()
	last := reqs[len(reqs)-1]
	all := out.String() + errb.String()
	for _, s := range append([]string{password, issued[len(issued)/2:][:40], ststest.SecretAccessKey(last.N),
		ststest.SessionToken(last.N)[:40]}, idptest.StateSecrets...) {
		if strings.Contains(all, s) {
			t.Errorf("the output shows %q", s)
		}
	}
	for _, want := range []string{"jsessionid=[redacted]", "sid=[redacted]", "lt=[redacted]", "execution=[redacted]",
		"RelayState=[redacted]", "pw=[redacted]", "/sso/[redacted]/"} {
		if !strings.Contains(all, want) {
			t.Errorf("the debug log lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("stderr:\n%s", errb)
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// TestShownIdPURL: an --idp-url copied from a browser may carry state; the
// messages and the step other processes read show it redacted, while the
// caches keep the setting as given.
func TestShownIdPURL(t *testing.T) {
	so := &signinOptions{idpURL: "https://idp.example.com/sso;jsessionid=J1?SAMLRequest=abc&spentityid=urn:amazon:webservices"}
	if got, want := so.shown(), "https://idp.example.com/sso;jsessionid=[redacted]?SAMLRequest=[redacted]&spentityid=urn:amazon:webservices"; got != want {
		t.Errorf("shown = %s, want %s", got, want)
	}
	if so.describe() != so.idpURL {
		t.Errorf("describe = %s", so.describe())
	}
	if so := (&signinOptions{adfsHost: "adfs.example.com"}); so.shown() != "adfs.example.com" {
		t.Errorf("shown = %s", so.shown())
	}
}
