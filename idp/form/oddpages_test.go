package form

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
)

const (
	oddLogin = `<form method="post" action="/login"><input name="username"><input type="password" name="password"></form>`
	oddSAML  = `<form method="post" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="c2FtbA=="></form>`
)

// oddPortal serves a sign-in form at /start, then page(n, method, path,
// body) for every later request; it records "METHOD PATH BODY".
func oddPortal(t *testing.T, page func(method, path, body string) string) (url string, requests func() []string) {
	var mu sync.Mutex
	var got []string
	srv, _ := pageServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/start" {
			fmt.Fprint(w, oddLogin)
			return
		}
		fmt.Fprint(w, page(r.Method, r.URL.Path, string(b)))
	})
	return srv.URL + "/start", func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

// Pages that real portals serve and that a first version of the rules got
// wrong (found by a review): each case says what a browser user would see.
func TestOddPages(t *testing.T) {
	for _, tc := range []struct {
		name   string
		page   func(method, path, body string) string
		in     idp.LoginInput
		want   error  // nil: signed in
		posted string // a request that must have been made
		never  string // a text no request may carry
	}{
		{"a method named backup is a method, not a back button",
			func(m, p, b string) string {
				if p == "/choice" {
					return oddSAML
				}
				return `<form method="post" action="/choice"><button type="submit" name="sf" value="totp">TOTP</button><button type="submit" name="sf" value="backup">Backup codes</button></form>`
			},
			idp.LoginInput{MFAMethod: "backup"}, nil, "POST /choice sf=backup", "sf=totp"},
		{"a choice page that also offers WebAuthn lets you pick TOTP",
			func(m, p, b string) string {
				switch p {
				case "/choice":
					return `<form method="post" action="/otp"><input name="otp"></form>`
				case "/otp":
					return oddSAML
				}
				return `<script>if (window.PublicKeyCredential) {}</script><form method="post" action="/choice"><button type="submit" name="sf" value="totp">TOTP</button><button type="submit" name="sf" value="webauthn">Security key</button></form>`
			},
			idp.LoginInput{MFAMethod: "totp", MFACode: secret.New("123456")}, nil, "POST /otp otp=123456", ""},
		{"a stored method does not break a consent page with its default checked",
			func(m, p, b string) string {
				if p == "/consent" {
					return oddSAML
				}
				return `<form method="post" action="/consent"><label><input type="radio" name="consent" value="yes" checked> Yes</label><label><input type="radio" name="consent" value="ask"> Ask me again</label><button type="submit" name="_eventId_proceed">Accept</button></form>`
			},
			idp.LoginInput{MFAMethod: "totp"}, nil, "POST /consent _eventId_proceed=&consent=yes", ""},
		{"a wrong code answered with the sign-in form blames the code",
			func(m, p, b string) string {
				if p == "/login" {
					return `<form method="post" action="/otp"><input name="otp"></form>`
				}
				return `<p class="error">Invalid one-time code</p>` + oddLogin
			},
			idp.LoginInput{MFACode: secret.New("999999")}, idp.ErrMFARejected, "POST /otp otp=999999", ""},
		{"a refresh with a notice after the password is followed",
			func(m, p, b string) string {
				if p == "/next" {
					return oddSAML
				}
				return `<meta http-equiv="refresh" content="0;url=/next"><div class="alert alert-info">Your password expires in 5 days.</div>`
			},
			idp.LoginInput{}, nil, "GET /next ", ""},
		{"a code form that moves to a new path each time is the code coming back",
			func(m, p, b string) string {
				return `<form method="post" action="/otp/tx` + fmt.Sprint(len(b)) + `"><p class="error">Wrong code</p><input name="otp"></form>`
			},
			idp.LoginInput{MFACode: secret.New("111111")}, idp.ErrMFARejected, "POST /otp/", ""},
		{"the sign-in form again with the password field renamed never gets the code",
			func(m, p, b string) string {
				return `<form method="post" action="/login2"><input type="hidden" name="user" value="alice"><input type="password" name="pw2"></form>`
			},
			idp.LoginInput{MFACode: secret.New("999999")}, idp.ErrRejected, "POST /login ", "999999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, requests := oddPortal(t, tc.page)
			d := newDriver(t, Config{URL: u}, nil, nil)
			in := tc.in
			in.Username, in.Password = "alice", secret.New("alice-pass")
			_, err := d.Login(t.Context(), in)
			if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			got := strings.Join(requests(), "\n")
			if !strings.Contains(got, tc.posted) {
				t.Errorf("no request %q in:\n%s", tc.posted, got)
			}
			if tc.never != "" && strings.Contains(got, tc.never) {
				t.Errorf("a request carried %q:\n%s", tc.never, got)
			}
			if n := strings.Count(got, "alice-pass"); n != 1 {
				t.Errorf("the password was posted %d times:\n%s", n, got)
			}
		})
	}
}

// A page that needs JavaScript usually has a footer link to elsewhere
// ("Privacy"): still a page only a browser goes on from.
func TestNeedsJavaScriptWithFooterLink(t *testing.T) {
	u, _ := oddPortal(t, func(m, p, b string) string {
		return `<html><head><title>Signing in</title><script src="/app.js"></script></head><body><div id="app"></div><footer><a href="https://www.example.org/privacy">Privacy</a></footer></body></html>`
	})
	d := newDriver(t, Config{URL: u}, nil, nil)
	_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("alice-pass")})
	if !errors.Is(err, idp.ErrNeedsBrowser) {
		t.Fatalf("err = %v, want ErrNeedsBrowser", err)
	}
}
