package adfs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

// serverClock is the test ADFS's clock, moved by hand.
type serverClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *serverClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *serverClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// TestKeepMeSignedIn: Kmsi=true is posted only with RememberSession, and
// the KMSI cookie then signs the next Login in with no password, no code
// and no password source called, until the server's lifetime ends.
func TestKeepMeSignedIn(t *testing.T) {
	for _, tc := range []struct {
		name     string
		remember bool
		lazy     bool // the first sign-in reads the password from the form (PasswordSource)
	}{
		{"no remember", false, false},
		{"remember, credentials POST", true, false},
		{"remember, through the page's form", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &serverClock{t: time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)}
			e := newEnv(t, idptest.ADFSOptions{TLS: true, MFA: idptest.MFACode, KMSILifetime: time.Hour, Now: clock.Now},
				envOptions{prompt: &fakePrompt{secrets: []string{"123456", "123456", "123456"}}})
			in := idp.LoginInput{Username: alice, Password: secret.New(alicePW), RememberSession: tc.remember}
			if tc.lazy {
				in.Password = secret.String{}
				in.PasswordSource = func(context.Context) (secret.String, error) { return secret.New(alicePW), nil }
			}
			if _, err := e.drv.Login(context.Background(), in); err != nil {
				t.Fatal(err)
			}
			kmsi := formPosts(e.srv.Requests(), "Kmsi")
			if tc.remember && (len(kmsi) != 1 || !hasValue(kmsi[0], "Kmsi", "true")) {
				t.Errorf("Kmsi posts: %+v, want one Kmsi=true", kmsi)
			}
			if !tc.remember && len(kmsi) != 0 {
				t.Errorf("Kmsi posted without RememberSession: %+v", kmsi)
			}

			// The next Login, same jar: with the KMSI cookie, nothing is asked.
			called := 0
			again := idp.LoginInput{Username: alice, RememberSession: tc.remember,
				PasswordSource: func(context.Context) (secret.String, error) { called++; return secret.New(alicePW), nil }}
			before := e.srv.PasswordPosts(alice)
			if _, err := e.drv.Login(context.Background(), again); err != nil {
				t.Fatal(err)
			}
			if tc.remember {
				if called != 0 || e.srv.PasswordPosts(alice) != before || e.srv.KMSILogins() != 1 {
					t.Errorf("kept session: password source called %d times, %d password posts, %d KMSI sign-ins; want 0, 0, 1",
						called, e.srv.PasswordPosts(alice)-before, e.srv.KMSILogins())
				}
			} else if called != 1 || e.srv.KMSILogins() != 0 {
				t.Errorf("no kept session: password source called %d times, %d KMSI sign-ins; want 1, 0", called, e.srv.KMSILogins())
			}
			if !tc.remember {
				return
			}
			// After the server's lifetime, the form again.
			clock.Add(time.Hour + time.Second)
			called = 0
			if _, err := e.drv.Login(context.Background(), again); err != nil {
				t.Fatal(err)
			}
			if called != 1 || e.srv.KMSILogins() != 1 {
				t.Errorf("after the KMSI lifetime: password source called %d times, %d KMSI sign-ins; want 1, 1", called, e.srv.KMSILogins())
			}
		})
	}
}

func hasValue(r idptest.Recorded, name, value string) bool {
	v, ok := r.Value(name)
	return ok && v == value
}

// BenchmarkKeptSession compares a refresh through a kept session
// (--remember-session: the KMSI cookie replayed from a new process's jar)
// with a full sign-in (password and verification code, both asked) at the
// test ADFS with 50 ms added to every answer. It reports, per operation:
// full-requests and kept-requests (requests to the IdP), full-prompts and
// kept-prompts (goal: 0), full-ms and kept-ms, and ratio (kept over full
// wall time). No timing is asserted.
func BenchmarkKeptSession(b *testing.B) {
	srv := idptest.NewADFS(b, idptest.ADFSOptions{Users: users, TLS: true, MFA: idptest.MFACode,
		KMSILifetime: 24 * time.Hour, Latency: 50 * time.Millisecond})
	walk := func(jar *idp.SessionJar, p *fakePrompt, remember bool) (time.Duration, int) {
		client, err := idp.NewHTTPClient(idp.HTTPOptions{CABundle: srv.CACertFile(), Jar: jar})
		if err != nil {
			b.Fatal(err)
		}
		d, err := adfs.New(adfs.Config{Host: srv.Host()}, idp.Deps{Client: client, Prompt: p})
		if err != nil {
			b.Fatal(err)
		}
		before := srv.Count()
		start := time.Now()
		if _, err := d.Login(context.Background(), idp.LoginInput{Username: alice, RememberSession: remember}); err != nil {
			b.Fatal(err)
		}
		return time.Since(start), srv.Count() - before
	}
	u, _ := adfs.SignInURL(srv.Host(), "")
	route, err := idp.NewRoute(u, nil)
	if err != nil {
		b.Fatal(err)
	}
	var full, kept time.Duration
	var fullReq, keptReq, fullPrompts, keptPrompts int
	for b.Loop() {
		jar := idp.NewSessionJar(route, nil, nil)
		p := &fakePrompt{secrets: []string{alicePW, "123456"}}
		d, n := walk(jar, p, true)
		full, fullReq, fullPrompts = full+d, fullReq+n, fullPrompts+len(p.Asked())

		next := idp.NewSessionJar(route, jar.Kept(), nil) // the next process, from the store
		p = &fakePrompt{}
		d, n = walk(next, p, true)
		kept, keptReq, keptPrompts = kept+d, keptReq+n, keptPrompts+len(p.Asked())
	}
	ops := float64(b.N)
	b.ReportMetric(float64(fullReq)/ops, "full-requests/op")
	b.ReportMetric(float64(keptReq)/ops, "kept-requests/op")
	b.ReportMetric(float64(fullPrompts)/ops, "full-prompts/op")
	b.ReportMetric(float64(keptPrompts)/ops, "kept-prompts/op")
	b.ReportMetric(float64(full.Milliseconds())/ops, "full-ms/op")
	b.ReportMetric(float64(kept.Milliseconds())/ops, "kept-ms/op")
	b.ReportMetric(float64(kept)/float64(full), "ratio")
}
