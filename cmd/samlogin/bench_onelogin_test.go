package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

// BenchmarkLoginOneLogin is a whole `samlogin --onelogin-subdomain` login
// against the in-repo OneLogin API (TLS, loopback) and the test STS, and
// prints the OneLogin requests per login and the wall time per login:
// no MFA, an authenticator code (--mfa-code), a OneLogin Protect push
// approved at the first poll (the poll waits OneLogin's 1 s floor), each
// with the access token fetched every time and kept between runs.
func BenchmarkLoginOneLogin(b *testing.B) {
	for _, bc := range []struct {
		name    string
		devices []string
		code    string
	}{
		{"no-mfa", nil, ""},
		{"otp", []string{"Google Authenticator"}, olCode},
		{"push", []string{"OneLogin Protect"}, ""},
	} {
		for _, keep := range []bool{false, true} {
			name := bc.name + map[bool]string{false: "/new-token", true: "/kept-token"}[keep]
			b.Run(name, func(b *testing.B) {
				o := olOptions(bc.devices...)
				o.TLS, o.PushPolls = true, 1
				srv := idptest.NewOneLogin(b, o)
				sts := ststest.New(b, ststest.Options{})
				env, _, errb := testEnv(b, "", map[string]string{
					"SAMLOGIN_ONELOGIN_CLIENT_SECRET": olSecret, "SAMLOGIN_PASSWORD": olPassword, "SAMLOGIN_MFA_CODE": bc.code,
				})
				args := []string{"--onelogin-subdomain", "corp", "--onelogin-app-id", "123456", "--onelogin-api-url", srv.URL(),
					"--ca-bundle", srv.CACertFile(), "--onelogin-client-id", olClientID, "-u", olUser, "--role", "Admin",
					"--profile", "bench", "--sts-endpoint", sts.URL(), "--force", "--no-prompt"}
				n := 0
				var elapsed time.Duration
				for b.Loop() {
					if !keep {
						newOneLoginTokens(env, hostOfURL(srv.URL())).Put(olClientID, secret.String{}, time.Time{})
					}
					start := time.Now()
					if code := run(context.Background(), args, env); code != 0 {
						b.Fatalf("exit %d: %s", code, errb)
					}
					elapsed += time.Since(start)
					n++
				}
				reqs := float64(len(srv.Requests())) / float64(n)
				b.ReportMetric(reqs, "onelogin-requests/op")
				fmt.Printf("samlogin onelogin %-18s %.2f OneLogin requests per login, %v wall per login (TLS loopback, STS and files included)\n",
					name, reqs, (elapsed / time.Duration(n)).Round(100*time.Microsecond))
			})
		}
	}
}

func hostOfURL(u string) string {
	o := &oneLoginOptions{apiURL: u}
	return o.apiHost()
}
