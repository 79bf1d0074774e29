package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/htmlform"
	"github.com/samlogin/samlogin/internal/testbed"
)

// BenchmarkTestbedSignIn signs in at the test bed's real IdPs (`make test`
// starts them; go test -run '^$' -bench TestbedSignIn ./cmd/samlogin with the
// env file sourced) and reports, per sign-in:
//
//   - idp-requests/op: the HTTP requests samlogin sent to the IdP (counted
//     from its --debug log, in one extra sign-in before the timed ones);
//   - ref-requests/op and idp-ms/op: the same walk done by a bare scripted
//     client (net/http, a cookie jar, the IdP's forms filled in by name)
//     after each timed sign-in, and the time the IdP took to answer those
//     requests (each round trip with its body read), which is what any
//     client has to wait for;
//   - ratio: samlogin's wall time for a whole sign-in (its run function, in
//     process: flags, the IdP walk, the in-repo STS on loopback, the files
//     written) over idp-ms. 1.0 would be a samlogin that costs nothing
//     beyond the IdP's answers.
//
// The cases: SimpleSAMLphp and LemonLDAP::NG with a password only, LLNG
// with a password and a TOTP code, LLNG with the method-choice page and
// TOTP, and two of them over https. Where the current driver cannot walk
// the pages, only the bare client's figures are reported, saying why.
func BenchmarkTestbedSignIn(b *testing.B) {
	tb := testbed.Require(b, false)
	l := testbed.RequireLLNG(b)
	sts := ststest.New(b, ststest.Options{})
	totp := func(secret string) func() string {
		return func() string { c, _ := testbed.TOTP(secret, time.Now()); return c }
	}
	for _, bc := range []struct {
		name, url, ca, user, password string
		code                          func() string // nil: no second factor
		method                        string        // the choice, when the portal asks
	}{
		{name: "ssp/password", url: tb.IdPLoginURL, user: "bob", password: "bob-pass"},
		{name: "llng/password", url: l.LoginURL, user: "bob", password: "bob-pass"},
		{name: "llng/password+totp", url: l.LoginURL, user: "tom", password: "tom-pass", code: totp(testbed.LLNGTOTPSecret)},
		{name: "llng/choice+totp", url: l.LoginURL, user: "cho", password: "cho-pass", code: totp(testbed.LLNGChoiceTOTPSecret), method: "totp"},
		{name: "ssp-https/password", url: tb.IdPHTTPSLoginURL, ca: tb.IdPCA, user: "bob", password: "bob-pass"},
		{name: "llng-https/password+totp", url: l.HTTPSLoginURL, ca: l.CA, user: "tom", password: "tom-pass", code: totp(testbed.LLNGTOTPSecret)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			args := func(debug bool) []string {
				a := []string{"--idp-url", bc.url, "--username", bc.user, "--password-stdin", "--profile", "bench",
					"--sts-endpoint", sts.URL(), "--force"}
				if bc.code != nil {
					a = append(a, "--mfa-code", bc.code())
				}
				if bc.method != "" {
					a = append(a, "--mfa-method", bc.method)
				}
				if bc.ca != "" {
					a = append(a, "--ca-bundle", bc.ca)
				}
				if debug {
					a = append(a, "--debug")
				}
				return a
			}
			env, _, errb := testEnv(b, "", map[string]string{"SAMLOGIN_NO_CACHE": "1"})
			// One sign-in with --debug, to count samlogin's requests.
			env.Stdin = stringsReader(bc.password + "\n")
			if code := run(context.Background(), args(true), env); code != 0 {
				// The IdP's own figures still tell what a sign-in costs.
				b.Logf("samlogin cannot sign in here yet (exit %d): %s; only the bare client's figures", code, lastLine(errb.String()))
				var ref refResult
				var idp time.Duration
				for i := 0; i < b.N; i++ {
					var err error
					if ref, err = refWalk(bc.url, bc.ca, bc.user, bc.password, bc.method, bc.code); err != nil {
						b.Fatalf("reference walk: %v", err)
					}
					idp += ref.wait
				}
				b.ReportMetric(float64(ref.requests), "ref-requests/op")
				b.ReportMetric(float64(idp)/float64(b.N)/float64(time.Millisecond), "idp-ms/op")
				return
			}
			idpReqs := strings.Count(errb.String(), `msg="http exchange"`)
			// Each timed sign-in is followed by the same walk by a bare
			// client (untimed), so that both see the same load on the
			// machine and the IdP.
			var ref refResult
			var took, idp time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				errb.Reset()
				env.Stdin = stringsReader(bc.password + "\n")
				start := time.Now()
				if code := run(context.Background(), args(false), env); code != 0 {
					b.Fatalf("exit %d: %s", code, errb)
				}
				took += time.Since(start)
				b.StopTimer()
				var err error
				if ref, err = refWalk(bc.url, bc.ca, bc.user, bc.password, bc.method, bc.code); err != nil {
					b.Fatalf("reference walk: %v", err)
				}
				idp += ref.wait
				b.StartTimer()
			}
			b.StopTimer()
			b.ReportMetric(float64(idpReqs), "idp-requests/op")
			b.ReportMetric(float64(ref.requests), "ref-requests/op")
			b.ReportMetric(float64(idp)/float64(b.N)/float64(time.Millisecond), "idp-ms/op")
			b.ReportMetric(float64(took)/float64(idp), "ratio")
		})
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndex(s, "\n")+1:]
}

// refResult is one reference walk: its requests and the time spent waiting
// for the IdP's answers.
type refResult struct {
	requests int
	wait     time.Duration
}

// timingTransport times each round trip until its body is read.
type timingTransport struct {
	next http.RoundTripper
	res  *refResult
}

func (t timingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	t.res.requests++
	t.res.wait += time.Since(start)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, err
}

// refWalk signs in at loginURL the way a scripted client does: open the
// page; fill in the form that has a password field (user name in the text
// field before it); on a page whose form has named submit buttons, press
// the one whose value is method; fill a form with a "code" field with
// code(); until a page carries a SAMLResponse.
func refWalk(loginURL, caFile, user, password, method string, code func() string) (refResult, error) {
	var res refResult
	jar, _ := cookiejar.New(nil)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return res, err
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	defer tr.CloseIdleConnections()
	c := &http.Client{Jar: jar, Transport: timingTransport{tr, &res}}
	resp, err := c.Get(loginURL)
	for step := 0; ; step++ {
		if err != nil {
			return res, err
		}
		page, err := htmlform.ReadPage(resp, 1<<20)
		if err != nil {
			return res, err
		}
		if _, _, ok := page.SAMLResponse(); ok {
			return res, nil
		}
		if step == 6 || len(page.Forms) == 0 {
			return res, fmt.Errorf("no SAMLResponse at %s (%q, step %d)", page.URL, page.Title, step)
		}
		f := page.Forms[0]
		v := url.Values{}
		text := ""
		for _, in := range f.Inputs {
			switch {
			case in.Name == "":
			case in.Type == "password":
				if text != "" {
					v.Set(text, user)
				}
				v.Set(in.Name, password)
			case in.Name == "code" || in.Name == "otp":
				v.Set(in.Name, code())
			case in.IsButton():
				if in.Value == method {
					v.Set(in.Name, in.Value)
				}
			case in.Type == "text" || in.Type == "email" || in.Type == "":
				text = in.Name
				v.Set(in.Name, in.Value)
			case in.Type == "checkbox" || in.Type == "radio":
				if in.Checked {
					v.Add(in.Name, in.Value)
				}
			default:
				v.Add(in.Name, in.Value)
			}
		}
		resp, err = c.PostForm(f.Action.String(), v)
	}
}
