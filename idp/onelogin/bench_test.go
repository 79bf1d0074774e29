package onelogin

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

// BenchmarkOneLoginLogin signs in at the in-repo OneLogin API on loopback
// (TLS, a new HTTP client per sign-in, as one samlogin run has) and prints
// the API requests per sign-in and the wall time:
//
//   - no-mfa: token, saml_assertion;
//   - otp: token, saml_assertion, verify_factor with the code;
//   - push: token, saml_assertion, the push, one poll (approved at the
//     first poll). The pause between polls is OneLogin's 1 s floor; the
//     benchmark replaces that sleep so that the figure is the client's
//     own cost: add 1 s per poll for a real sign-in;
//   - otp-cached-token: otp with the access token cached (one request less).
func BenchmarkOneLoginLogin(b *testing.B) {
	for _, bc := range []struct {
		name    string
		devices []string
		polls   int
		code    string
		cached  bool
	}{
		{"no-mfa", nil, 0, "", false},
		{"otp", []string{"Google Authenticator"}, 0, code, false},
		{"push", []string{"OneLogin Protect"}, 1, "", false},
		{"otp-cached-token", []string{"Google Authenticator"}, 0, code, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			o := opts(bc.devices...)
			o.TLS = true
			o.PushPolls = bc.polls
			srv := idptest.NewOneLogin(b, o)
			tokens := &memTokens{}
			var slept time.Duration
			n := 0
			start := time.Now()
			for b.Loop() {
				cfg := Config{APIURL: srv.URL(), Subdomain: "corp", AppID: "123456", ClientID: "cid-42", ClientSecret: secret.New(clientS)}
				if bc.cached {
					cfg.Tokens = tokens
				}
				d, err := New(cfg, idp.Deps{Client: newTLSClient(b, srv), Log: slog.New(slog.DiscardHandler), Prompt: &fakePrompt{}})
				if err != nil {
					b.Fatal(err)
				}
				d.sleep = func(_ context.Context, t time.Duration) error { slept += t; return nil }
				if _, err := d.Login(context.Background(), idp.LoginInput{Username: user, Password: secret.New(password), MFACode: secret.New(bc.code)}); err != nil {
					b.Fatal(err)
				}
				n++
			}
			wall := time.Since(start) / time.Duration(n)
			reqs := float64(len(srv.Requests())) / float64(n)
			b.ReportMetric(reqs, "requests/op")
			fmt.Printf("onelogin %-17s %.2f requests per sign-in, %v wall per sign-in on loopback (TLS, new client)%s\n",
				bc.name, reqs, wall.Round(time.Microsecond), pollNote(slept, n))
		})
	}
}

func pollNote(slept time.Duration, n int) string {
	if slept == 0 {
		return ""
	}
	return fmt.Sprintf(" + %v of poll pauses", slept/time.Duration(n))
}
