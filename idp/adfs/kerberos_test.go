package adfs_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/idp/kerberos"
)

// stubTokens is a kerberos.TokenSource without a KDC: it hands out tok
// (or err) and records the service principals asked for.
type stubTokens struct {
	mu   sync.Mutex
	tok  string
	err  error
	spns []string
}

func (s *stubTokens) Token(spn string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.spns = append(s.spns, spn)
	if s.err != nil {
		return nil, s.err
	}
	return []byte(s.tok), nil
}

// wiaAccepts maps the stub's token to a user, as a KDC-checked ticket would.
func wiaAccepts(tok []byte) string {
	if string(tok) == "ticket-for-alice" {
		return alice
	}
	return ""
}

func newKerberosEnv(t *testing.T, o idptest.ADFSOptions, ts kerberos.TokenSource, auto bool) (*idptest.ADFS, *adfs.Driver, *fakePrompt) {
	t.Helper()
	o.TLS = true
	if o.Users == nil {
		o.Users = users
	}
	srv := idptest.NewADFS(t, o)
	client, err := idp.NewHTTPClient(idp.HTTPOptions{CABundle: srv.CACertFile()})
	if err != nil {
		t.Fatal(err)
	}
	p := &fakePrompt{secrets: []string{alicePW}}
	d, err := adfs.New(adfs.Config{Host: srv.Host(), Kerberos: ts, KerberosAuto: auto}, idp.Deps{
		Client: client, Prompt: p, Log: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv, d, p
}

func TestKerberosSignIn(t *testing.T) {
	ts := &stubTokens{tok: "ticket-for-alice"}
	srv, d, p := newKerberosEnv(t, idptest.ADFSOptions{WIA: wiaAccepts}, ts, false)
	got, err := d.Login(context.Background(), idp.LoginInput{}) // no user name: the ticket's
	if err != nil {
		t.Fatal(err)
	}
	if got.Reveal() != idptest.FakeSAMLResponse(alice) {
		t.Errorf("SAMLResponse = %q", got.Reveal())
	}
	if a := p.Asked(); len(a) != 0 {
		t.Errorf("asked %q, want nothing", a)
	}
	host := strings.Split(srv.Host(), ":")[0]
	if len(ts.spns) != 1 || ts.spns[0] != "HTTP/"+host {
		t.Errorf("service principals asked for: %q", ts.spns)
	}
	reqs := srv.Requests()
	var paths []string
	for _, r := range reqs {
		paths = append(paths, r.Method+" "+r.Path)
	}
	want := []string{"GET /adfs/ls/IdpInitiatedSignOn.aspx", "GET /adfs/ls/wia", "GET /adfs/ls/wia", "GET /adfs/ls/IdpInitiatedSignOn.aspx"}
	if strings.Join(paths, ",") != strings.Join(want, ",") {
		t.Fatalf("requests %q, want %q", paths, want)
	}
	for i, r := range reqs {
		if i < 3 && !strings.Contains(r.UserAgent, "Trident/7.0") {
			t.Errorf("request %d: user agent %q, want IE 11's", i, r.UserAgent)
		}
		hasAuth := r.Authorization != ""
		if hasAuth != (i == 2) {
			t.Errorf("request %d (%s): Authorization %q; only the answer to the 401 carries it", i, r.Path, r.Authorization)
		}
	}
	if a := reqs[2].Authorization; a != kerberos.Header([]byte("ticket-for-alice")) {
		t.Errorf("Authorization = %q", a)
	}
	if len(formPosts(reqs, "Password")) != 0 {
		t.Error("a password was posted")
	}
}

func TestKerberosFailures(t *testing.T) {
	noTicket := &kerberos.NoTicketError{Realm: "CORP.EXAMPLE.COM", Reason: "no ticket cache /tmp/krb5cc_1"}
	for _, tc := range []struct {
		name string
		o    idptest.ADFSOptions
		ts   *stubTokens
		want error
	}{
		{"ticket refused", idptest.ADFSOptions{WIA: wiaAccepts}, &stubTokens{tok: "ticket-for-mallory"}, adfs.ErrKerberosRefused},
		{"no ticket", idptest.ADFSOptions{WIA: wiaAccepts}, &stubTokens{err: noTicket}, kerberos.ErrNoTicket},
		{"no integrated sign-in", idptest.ADFSOptions{}, &stubTokens{tok: "ticket-for-alice"}, adfs.ErrNoWIA},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, d, p := newKerberosEnv(t, tc.o, tc.ts, false)
			_, err := d.Login(context.Background(), idp.LoginInput{Username: alice})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if a := p.Asked(); len(a) != 0 {
				t.Errorf("asked %q: --kerberos never asks for a password", a)
			}
			if n := len(formPosts(srv.Requests(), "Password")); n != 0 {
				t.Errorf("%d password posts", n)
			}
			if tc.want == kerberos.ErrNoTicket && !strings.Contains(err.Error(), "no Kerberos ticket for CORP.EXAMPLE.COM") {
				t.Errorf("err = %v", err)
			}
		})
		t.Run(tc.name+" auto", func(t *testing.T) {
			srv, d, p := newKerberosEnv(t, tc.o, tc.ts, true)
			got, err := d.Login(context.Background(), idp.LoginInput{Username: alice})
			if err != nil {
				t.Fatal(err)
			}
			if got.Reveal() != idptest.FakeSAMLResponse(alice) {
				t.Errorf("SAMLResponse = %q", got.Reveal())
			}
			if a := p.Asked(); len(a) != 1 || !strings.HasPrefix(a[0], "secret: Password") {
				t.Errorf("asked %q, want the password once (forms)", a)
			}
			if n := len(formPosts(srv.Requests(), "Password")); n != 1 {
				t.Errorf("%d password posts, want 1", n)
			}
		})
	}
}

// TestKerberosOnlyToTheADFSHost: a redirect to another host that asks for
// Negotiate gets no ticket.
func TestKerberosOnlyToTheADFSHost(t *testing.T) {
	var other sync.Map
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Store(r.Header.Get("Authorization"), true)
		w.Header().Set("WWW-Authenticate", "Negotiate")
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(elsewhere.Close)
	adfsSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/adfs/ls/wia", http.StatusFound)
	}))
	t.Cleanup(adfsSrv.Close)
	ts := &stubTokens{tok: "ticket-for-alice"}
	client, err := idp.NewHTTPClient(idp.HTTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := adfs.New(adfs.Config{Host: adfsSrv.URL, Kerberos: ts}, idp.Deps{Client: client})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = d.Login(ctx, idp.LoginInput{})
	if err == nil || !strings.Contains(err.Error(), "no ticket sent") {
		t.Fatalf("err = %v", err)
	}
	if len(ts.spns) != 0 {
		t.Errorf("a token was made for %q", ts.spns)
	}
	other.Range(func(k, _ any) bool {
		if k.(string) != "" {
			t.Errorf("the other host got Authorization %q", k)
		}
		return true
	})
}

// TestKerberosDebugLogHasNoTicket: --debug logs the steps, never the
// token nor its header.
func TestKerberosDebugLogHasNoTicket(t *testing.T) {
	srv := idptest.NewADFS(t, idptest.ADFSOptions{Users: users, TLS: true, WIA: wiaAccepts})
	var buf strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	client, err := idp.NewHTTPClient(idp.HTTPOptions{CABundle: srv.CACertFile(), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	d, err := adfs.New(adfs.Config{Host: srv.Host(), Kerberos: &stubTokens{tok: "ticket-for-alice"}}, idp.Deps{Client: client, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Login(context.Background(), idp.LoginInput{}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if !strings.Contains(out, "answer Negotiate") {
		t.Errorf("debug log lacks the Negotiate step:\n%s", out)
	}
	for _, s := range []string{"ticket-for-alice", kerberos.Header([]byte("ticket-for-alice"))[len("Negotiate "):], idptest.FakeSAMLResponse(alice)} {
		if strings.Contains(out, s) {
			t.Errorf("debug log shows %q:\n%s", s, out)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
