package form

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

const hostilePassword = "hunter2-Route-Secret"

// The password and codes go only to the IdP's site: each hostile page is
// refused before the user is asked for anything, nothing carrying a secret
// reaches either server, and the debug log does not hold it either.
func TestSecretsStayOnRoute(t *testing.T) {
	h := idptest.NewHostile(t, idptest.HostileOptions{})
	for _, tc := range []struct {
		name, path string
		password   bool // given up front (else the prompter would be asked)
		code       bool
		want       string
	}{
		{"form action on another site", "/offsite", false, false, "would send the password to 127.0.0.2, which is not on the site of the IdP you named (127.0.0.1)"},
		{"login page behind a cross-site redirect", "/redirect", false, false, "would send the password to 127.0.0.2"},
		{"GET form with a pw field", "/get-form", true, false, "the sign-in form at 127.0.0.1 would send the password in the URL"},
		{"code form on another site", "/code-offsite", true, true, "would send the verification code to 127.0.0.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.Reset()
			var logBuf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			p := &fakePrompter{}
			d := newDriver(t, Config{URL: h.IdPURL(tc.path)}, p, log)
			in := idp.LoginInput{Username: "alice"}
			if tc.password {
				in.Password = secret.New(hostilePassword)
			}
			in.MFACode = secret.New("424242")
			_, err := d.Login(t.Context(), in)
			if !errors.Is(err, idp.ErrOffRoute) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want an off-route error with %q", err, tc.want)
			}
			if len(p.asked) != 0 {
				t.Errorf("asked %v before refusing", p.asked)
			}
			for _, r := range h.Carrying(hostilePassword) {
				if r.Server != "idp" || r.Method != "POST" || strings.Contains(r.Query, hostilePassword) {
					t.Errorf("the password was sent in %v", r)
				}
			}
			if got := h.Carrying("424242"); len(got) != 0 {
				t.Errorf("the code was sent: %v", got)
			}
			for _, r := range h.Requests() {
				if r.Server == "evil" && r.Method != "GET" {
					t.Errorf("the other site got %v", r)
				}
			}
			if strings.Contains(logBuf.String(), hostilePassword) || strings.Contains(err.Error(), hostilePassword) {
				t.Errorf("the password is in the log or error:\n%s\n%v", logBuf.String(), err)
			}
		})
	}
}

// --idp-allow-host is the way to a login on another site: the password
// goes there, the prompt names that host.
func TestAllowedHostGetsThePassword(t *testing.T) {
	h := idptest.NewHostile(t, idptest.HostileOptions{})
	p := &fakePrompter{secrets: []secret.String{secret.New(hostilePassword)}}
	d := newDriver(t, Config{URL: h.IdPURL("/offsite"), AllowHosts: []string{h.EvilHost()}}, p, nil)
	saml, err := d.Login(t.Context(), idp.LoginInput{Username: "alice"})
	if err != nil || saml.Empty() {
		t.Fatalf("login with the host allowed: %v", err)
	}
	if want := []string{"secret:Password for alice at 127.0.0.2"}; len(p.asked) != 1 || p.asked[0] != want[0] {
		t.Errorf("asked %q, want %q", p.asked, want)
	}
	got := h.Carrying(hostilePassword)
	if len(got) != 1 || got[0].Server != "evil" || got[0].Method != "POST" || got[0].Query != "" {
		t.Errorf("password sent in %v, want one POST body to the allowed host", got)
	}
}

// The debug log shows the values of a few fields (the user name, under its
// usual names), but never of the field that carries the password or the
// code, whatever the portal names it.
func TestDebugRedactsSecretFieldsByRole(t *testing.T) {
	srv, _ := pageServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			fmt.Fprint(w, `<form method="post" action="/login"><input name="username"><input type="password" name="login"></form>`)
		case 2:
			fmt.Fprint(w, `<form method="post" action="/code"><input name="user" autocomplete="one-time-code"></form>`)
		default:
			fmt.Fprint(w, `<form method="post" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="c2FtbA=="></form>`)
		}
	})
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d := newDriver(t, Config{URL: srv.URL + "/start"}, nil, log)
	_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("S3cretPW-login"), MFACode: secret.New("775533")})
	if err != nil {
		t.Fatal(err)
	}
	out := logBuf.String()
	if strings.Contains(out, "S3cretPW-login") || strings.Contains(out, "775533") {
		t.Errorf("the debug log holds a secret:\n%s", out)
	}
	if !strings.Contains(out, "login=[redacted]") || !strings.Contains(out, "username=alice") || !strings.Contains(out, "user=[redacted]") {
		t.Errorf("the debug log does not show the redaction expected:\n%s", out)
	}
}

// A sign-in URL with user info is refused: the password would be stored
// in the profile and sent wherever the URL goes.
func TestNewRefusesUserInfo(t *testing.T) {
	_, err := New(Config{URL: "https://alice:UIPASS@idp.example.com/start"}, idp.Deps{Client: newClient(t, nil)})
	if err == nil || !strings.Contains(err.Error(), "holds a user name or password") || strings.Contains(err.Error(), "UIPASS") {
		t.Fatalf("err = %v", err)
	}
}
