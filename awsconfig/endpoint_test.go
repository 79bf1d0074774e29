package awsconfig_test

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/signin"
	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/internal/secret"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// dialRecorder is a transport that resolves every name to one loopback
// server and records each address it was asked to dial: a refused
// endpoint must show no dial at all.
type dialRecorder struct {
	target string // host:port of the loopback server
	mu     sync.Mutex
	dials  []string
}

func (d *dialRecorder) client(tlsServer *httptest.Server) *http.Client {
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		d.mu.Lock()
		d.dials = append(d.dials, addr)
		d.mu.Unlock()
		return (&net.Dialer{}).DialContext(ctx, network, d.target)
	}}
	if tlsServer != nil {
		tr.TLSClientConfig = tlsServer.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	}
	return &http.Client{Transport: tr}
}

func (d *dialRecorder) Dials() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.dials...)
}

func hostPort(u string) string {
	return strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://")
}

// TestPlainHTTPEndpointRefusedWithoutDial: STS (AssumeRoleWithSAML and
// AssumeRole), the federation endpoint and the sign-in page, given as plain
// http to a name that is not this machine, are refused before any dial,
// although the test's dialer would have reached a server.
func TestPlainHTTPEndpointRefusedWithoutDial(t *testing.T) {
	srv := newSTS(t, ststest.Options{})
	rec := &dialRecorder{target: hostPort(srv.URL())}
	ctx := context.Background()

	// The control: the same dialer reaches the test STS under a name, over
	// loopback-resolved plain http only when the name is localhost.
	in := baseInput(srv)
	in.Endpoint = "http://localhost:1"
	in.HTTPClient = rec.client(nil)
	if _, err := awsconfig.AssumeRoleWithSAML(ctx, in); err != nil {
		t.Fatalf("control through the recording dialer: %v", err)
	}
	if d := rec.Dials(); len(d) != 1 || d[0] != "localhost:1" || srv.Count() != 1 {
		t.Fatalf("control: dials %v, STS saw %d requests", d, srv.Count())
	}

	in.Endpoint = "http://sts.example.com"
	_, err := awsconfig.AssumeRoleWithSAML(ctx, in)
	var se *awsconfig.STSError
	if !errors.As(err, &se) || se.Kind != awsconfig.KindInvalidInput || !errors.Is(err, awsconfig.ErrInsecureURL) ||
		!strings.Contains(err.Error(), "http://sts.example.com") || !strings.Contains(se.Hint, "https") {
		t.Errorf("AssumeRoleWithSAML: err = %v (hint %q), want an invalid input matching ErrInsecureURL", err, hintOf(se))
	}
	_, err = awsconfig.AssumeChainedRole(ctx, awsconfig.RoleChainInput{RoleARN: otherRole, AccessKeyID: "ASIAX",
		SecretAccessKey: secret.New("s"), SessionToken: secret.New("t"), Endpoint: "http://sts.example.com:8080", HTTPClient: rec.client(nil)})
	if !errors.Is(err, awsconfig.ErrInsecureURL) {
		t.Errorf("AssumeChainedRole: err = %v, want ErrInsecureURL", err)
	}
	_, err = awsconfig.SigninURL(ctx, awsconfig.SigninInput{AccessKeyID: "ASIAX", SecretAccessKey: secret.New("s"),
		SessionToken: secret.New("t"), Endpoint: "http://signin.example.com/federation", HTTPClient: rec.client(nil)})
	if !errors.Is(err, awsconfig.ErrInsecureURL) || strings.Contains(err.Error(), "Session") {
		t.Errorf("SigninURL: err = %v, want ErrInsecureURL without the query", err)
	}
	_, err = signin.Fetch(ctx, rec.client(nil), "http://signin.example.com/saml", secret.New("PHNhbWw+"))
	if !errors.Is(err, awsconfig.ErrInsecureURL) {
		t.Errorf("signin.Fetch: err = %v, want ErrInsecureURL", err)
	}
	if d := rec.Dials(); len(d) != 1 || srv.Count() != 1 {
		t.Errorf("refused endpoints were dialled: %v; STS saw %d requests", d[1:], srv.Count())
	}
}

func hintOf(se *awsconfig.STSError) string {
	if se == nil {
		return ""
	}
	return se.Hint
}

// TestRedirectToPlainHTTPRefused: an endpoint on this machine that
// redirects to plain http elsewhere: the redirect is not followed (no dial
// to it), for STS and the federation endpoint.
func TestRedirectToPlainHTTPRefused(t *testing.T) {
	var hits sync.Map
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host == "evil.example.com" {
			hits.Store(r.URL.Path, true)
			http.Error(w, "should not be reached", http.StatusTeapot)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		code := http.StatusTemporaryRedirect // a GET is re-sent as is
		if r.Method == http.MethodPost {
			code = http.StatusFound // net/http follows a 307 POST only with a re-readable body
		}
		http.Redirect(w, r, "http://evil.example.com"+r.URL.Path, code)
	}))
	defer redirector.Close()
	rec := &dialRecorder{target: hostPort(redirector.URL)}
	ctx := context.Background()

	in := baseInput(newSTS(t, ststest.Options{}))
	in.Endpoint = redirector.URL + "/sts"
	in.HTTPClient = rec.client(nil)
	_, err := awsconfig.AssumeRoleWithSAML(ctx, in)
	var se *awsconfig.STSError
	if !errors.As(err, &se) || se.Kind != awsconfig.KindNetwork || !errors.Is(err, awsconfig.ErrInsecureURL) ||
		!strings.Contains(se.Hint, "https") {
		t.Errorf("STS: err = %v (hint %q), want a network error matching ErrInsecureURL", err, hintOf(se))
	}
	_, err = awsconfig.SigninURL(ctx, awsconfig.SigninInput{AccessKeyID: "ASIAX", SecretAccessKey: secret.New("s"),
		SessionToken: secret.New("t"), Endpoint: redirector.URL + "/federation", HTTPClient: rec.client(nil)})
	if !errors.Is(err, awsconfig.ErrInsecureURL) || strings.Contains(err.Error(), "sessionKey") {
		t.Errorf("federation: err = %v, want ErrInsecureURL without the query", err)
	}
	for _, d := range rec.Dials() {
		if strings.HasPrefix(d, "evil.example.com") {
			t.Errorf("dialled %s", d)
		}
	}
	hits.Range(func(k, _ any) bool { t.Errorf("the redirect target got %s", k); return true })
	if len(rec.Dials()) == 0 {
		t.Error("no dial at all: the redirector was not reached, the test proves nothing")
	}
}

// writeCABundle writes the certificate of a TLS test server as a PEM file.
func writeCABundle(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(testtmp.Dir(t), "ca.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCABundleForAWSEndpoints: a private CA given as CABundle (as
// --ca-bundle or AWS_CA_BUNDLE do) is trusted by STS, the federation
// endpoint and the alias fetch; without it each fails on the certificate.
func TestCABundleForAWSEndpoints(t *testing.T) {
	ctx := context.Background()
	sts := newSTS(t, ststest.Options{TLS: true})
	bundle := filepath.Join(testtmp.Dir(t), "sts.pem")
	if err := os.WriteFile(bundle, sts.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	in := baseInput(sts)
	in.CABundle = bundle
	if c, err := awsconfig.AssumeRoleWithSAML(ctx, in); err != nil || c.AccessKeyID != ststest.AccessKeyID(1) {
		t.Errorf("STS with the CA bundle: %v", err)
	}
	in.CABundle = ""
	if _, err := awsconfig.AssumeRoleWithSAML(ctx, in); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("STS without the CA bundle: err = %v, want a certificate error", err)
	}
	in.CABundle = filepath.Join(testtmp.Dir(t), "missing.pem")
	var se *awsconfig.STSError
	if _, err := awsconfig.AssumeRoleWithSAML(ctx, in); !errors.As(err, &se) || se.Kind != awsconfig.KindInvalidInput ||
		!strings.Contains(err.Error(), "read CA bundle") {
		t.Errorf("STS with a missing CA bundle: err = %v, want invalid input", err)
	}
	if sts.Count() != 1 {
		t.Errorf("STS saw %d requests, want 1 (with the bundle)", sts.Count())
	}

	fed := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"SigninToken":"tok"}`)
	}))
	defer fed.Close()
	si := awsconfig.SigninInput{AccessKeyID: "ASIAX", SecretAccessKey: secret.New("s"), SessionToken: secret.New("t"),
		Endpoint: fed.URL + "/federation", CABundle: writeCABundle(t, fed)}
	if u, err := awsconfig.SigninURL(ctx, si); err != nil || !strings.Contains(u.Reveal(), "SigninToken=tok") {
		t.Errorf("federation with the CA bundle: %v", err)
	}
	si.CABundle = ""
	if _, err := awsconfig.SigninURL(ctx, si); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("federation without the CA bundle: err = %v, want a certificate error", err)
	}

	page, err := os.ReadFile(filepath.Join("signin", "testdata", "aws-saml-rolechooser-legacy.html"))
	if err != nil {
		t.Fatal(err)
	}
	aliases := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(page) }))
	defer aliases.Close()
	client, err := awsconfig.NewHTTPClient(awsconfig.HTTPOptions{CABundle: writeCABundle(t, aliases), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := signin.Fetch(ctx, client, aliases.URL+"/saml", secret.New("PHNhbWw+")); err != nil || got["012345678901"] != "testaccount1" {
		t.Errorf("alias fetch with the CA bundle: %v, %v", got, err)
	}
	plain, _ := awsconfig.NewHTTPClient(awsconfig.HTTPOptions{})
	if _, err := signin.Fetch(ctx, plain, aliases.URL+"/saml", secret.New("PHNhbWw+")); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("alias fetch without the CA bundle: err = %v, want a certificate error", err)
	}
}
