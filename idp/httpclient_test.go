package idp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samlogin/samlogin/internal/testtmp"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// noProxy keeps HTTPS_PROXY from the environment out of the tests.
func noProxy(*http.Request) (*url.URL, error) { return nil, nil }

func newClient(t *testing.T, o HTTPOptions) *http.Client {
	t.Helper()
	if o.Proxy == nil {
		o.Proxy = noProxy
	}
	c, err := NewHTTPClient(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func get(ctx context.Context, c *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://corp.example.com/adfs/ls", true},
		{"HTTPS://corp.example.com", true},
		{"http://corp.example.com/adfs/ls", false},
		{"http://localhost:8080/x", true},
		{"http://LOCALHOST/x", true},
		{"http://127.0.0.1:45039/", true},
		{"http://127.0.0.5/", true},
		{"http://[::1]:80/", true},
		{"http://[::1]/", true},
		{"http://10.0.0.1/", false},
		{"http://localhost.example.com/", false},
		{"http://128.0.0.1/", false},
		{"ftp://corp.example.com/", false},
		{"javascript:alert(1)", false},
		{"/relative", false},
		{"https:///nohost", false},
	}
	for _, tt := range tests {
		err := CheckURL(mustURL(t, tt.url))
		if (err == nil) != tt.ok {
			t.Errorf("CheckURL(%s) = %v, want ok=%v", tt.url, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInsecureURL) {
			t.Errorf("CheckURL(%s) = %v, not ErrInsecureURL", tt.url, err)
		}
	}
	err := CheckURL(mustURL(t, "http://corp.example.com/adfs/ls?x=1"))
	const want = "refusing plain http to corp.example.com: use https (plain http only to this machine: 127.0.0.1, ::1 or localhost)"
	if err == nil || err.Error() != want {
		t.Errorf("CheckURL error = %v, want %q", err, want)
	}
	if CheckURL(nil) == nil {
		t.Error("CheckURL(nil) = nil")
	}
}

// writeCABundle writes the certificate of a TLS test server as a PEM file.
func writeCABundle(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(testtmp.Dir(t), "ca.pem")
	block := &pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTLSWithCABundle(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	defer srv.Close()

	c := newClient(t, HTTPOptions{CABundle: writeCABundle(t, srv)})
	body, err := get(context.Background(), c, srv.URL)
	if err != nil || body != "hello" {
		t.Fatalf("with the CA bundle: %q, %v", body, err)
	}

	c = newClient(t, HTTPOptions{})
	_, err = get(context.Background(), c, srv.URL)
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Fatalf("without the CA bundle: %v, want x509.UnknownAuthorityError", err)
	}
}

func TestTLS12Minimum(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.TLS = &tls.Config{MaxVersion: tls.VersionTLS11}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake error is expected
	srv.StartTLS()
	defer srv.Close()
	c := newClient(t, HTTPOptions{CABundle: writeCABundle(t, srv)})
	if _, err := get(context.Background(), c, srv.URL); err == nil {
		t.Fatal("TLS 1.1 server accepted")
	}
}

func TestCABundleErrors(t *testing.T) {
	dir := testtmp.Dir(t)
	missing := filepath.Join(dir, "missing.pem")
	_, err := NewHTTPClient(HTTPOptions{CABundle: missing})
	if err == nil || !strings.Contains(err.Error(), missing) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing bundle: %v", err)
	}
	empty := filepath.Join(dir, "empty.pem")
	os.WriteFile(empty, []byte("not a certificate\n"), 0o600)
	_, err = NewHTTPClient(HTTPOptions{CABundle: empty})
	if err == nil || !strings.Contains(err.Error(), empty) || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("bundle without certificate: %v", err)
	}
}

func TestPlainHTTPToLoopback(t *testing.T) {
	var ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua = r.UserAgent()
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	c := newClient(t, HTTPOptions{})
	if body, err := get(context.Background(), c, srv.URL); err != nil || body != "ok" {
		t.Fatalf("http to %s: %q, %v", srv.URL, body, err)
	}
	if ua != DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", ua, DefaultUserAgent)
	}
}

// proxyRecorder records the hosts a transport is about to connect to (as
// its Proxy func, which never uses a proxy, or from a dial func).
type proxyRecorder struct {
	mu    sync.Mutex
	hosts []string
}

func (p *proxyRecorder) proxy(r *http.Request) (*url.URL, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hosts = append(p.hosts, r.URL.Host)
	return nil, nil
}

func TestRedirectToPlainHTTPRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.invalid/adfs/ls?SAMLRequest=x", http.StatusFound)
	}))
	defer srv.Close()
	rec := &proxyRecorder{}
	d := &net.Dialer{}
	c := newClient(t, HTTPOptions{dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
		rec.mu.Lock()
		rec.hosts = append(rec.hosts, addr)
		rec.mu.Unlock()
		return d.DialContext(ctx, network, addr)
	}})

	_, err := get(context.Background(), c, srv.URL+"/start")
	if !errors.Is(err, ErrInsecureURL) || !strings.Contains(err.Error(), "refusing plain http to example.invalid") {
		t.Fatalf("redirect to http: %v", err)
	}
	// Refused directly too (Submit to a foreign action, for instance).
	_, err = get(context.Background(), c, "http://example.invalid/")
	if !errors.Is(err, ErrInsecureURL) {
		t.Fatalf("http request: %v", err)
	}
	srvHost := strings.TrimPrefix(srv.URL, "http://")
	if len(rec.hosts) != 1 || rec.hosts[0] != srvHost {
		t.Errorf("dialled %q, want only %s", rec.hosts, srvHost)
	}
}

func TestCookiesKeptAcrossRedirects(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
			http.SetCookie(w, &http.Cookie{Name: "MSISAuth", Value: "session-1", Path: "/"})
			http.Redirect(w, r, "/next", http.StatusFound)
		case "/next":
			if c, err := r.Cookie("MSISAuth"); err == nil {
				got = c.Value
			}
		}
	}))
	defer srv.Close()
	c := newClient(t, HTTPOptions{})
	if _, err := get(context.Background(), c, srv.URL+"/login"); err != nil {
		t.Fatal(err)
	}
	if got != "session-1" {
		t.Errorf("cookie after the redirect = %q, want session-1", got)
	}
}

func TestRedirectLimit(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		http.Redirect(w, r, "/loop", http.StatusFound)
	}))
	defer srv.Close()
	c := newClient(t, HTTPOptions{})
	_, err := get(context.Background(), c, srv.URL+"/loop")
	if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
		t.Fatalf("redirect loop: %v", err)
	}
	if n != MaxRedirects {
		t.Errorf("%d requests, want %d", n, MaxRedirects)
	}
}

func TestConnectTimeout(t *testing.T) {
	var hadDeadline bool
	o := HTTPOptions{
		ConnectTimeout: 100 * time.Millisecond,
		Timeout:        -1, // only the connect timeout bounds this request
		dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			_, hadDeadline = ctx.Deadline()
			<-ctx.Done() // a host that never answers the SYN
			return nil, ctx.Err()
		},
	}
	c := newClient(t, o)
	_, err := get(context.Background(), c, "https://idp.example.com/")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stalled dial: %v, want a deadline error", err)
	}
	if !hadDeadline {
		t.Error("the dial had no deadline")
	}
}

// stalled is a server whose handler never answers.
func stalled(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestStalledServerBoundedByContext(t *testing.T) {
	srv := stalled(t)
	c := newClient(t, HTTPOptions{Timeout: -1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := get(ctx, c, srv.URL)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stalled server: %v, want context.DeadlineExceeded", err)
	}
}

func TestStalledServerBoundedByTimeout(t *testing.T) {
	srv := stalled(t)
	c := newClient(t, HTTPOptions{Timeout: 100 * time.Millisecond})
	_, err := get(context.Background(), c, srv.URL)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("stalled server: %v, want a timeout", err)
	}
}

func TestDefaults(t *testing.T) {
	c, err := NewHTTPClient(HTTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Timeout != DefaultTimeout || c.Jar == nil {
		t.Errorf("Timeout, Jar = %v, %v", c.Timeout, c.Jar)
	}
	tr := c.Transport.(*userAgent).base
	if tr.TLSClientConfig.InsecureSkipVerify || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 {
		t.Errorf("TLS config = %+v", tr.TLSClientConfig)
	}
	if tr.Proxy == nil {
		t.Error("no proxy function: HTTPS_PROXY ignored")
	}
}
