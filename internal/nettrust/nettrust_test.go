package nettrust_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/samlogin/samlogin/internal/nettrust"

	"github.com/samlogin/samlogin/internal/testtmp"
)

func TestCheck(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://sts.amazonaws.com":         true,
		"https://10.0.0.1:8443/x":           true,
		"HTTPS://sts.amazonaws.com":         true,
		"http://127.0.0.1:5000":             true,
		"http://127.8.9.10/":                true,
		"http://[::1]:5000":                 true,
		"http://localhost:5000":             true,
		"http://LOCALHOST":                  true,
		"http://sts.example.com":            false,
		"http://localhost.example.com":      false,
		"http://127.0.0.1.nip.io":           false,
		"http://10.0.0.1":                   false,
		"http://[::2]":                      false,
		"http://0.0.0.0":                    false,
		"ftp://sts.example.com":             false,
		"sts.example.com":                   false,
		"https:///path":                     false,
		"http://sts.example.com/?Session=x": false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		err = nettrust.Check(u)
		if (err == nil) != ok {
			t.Errorf("Check(%s) = %v, want ok %v", raw, err, ok)
		}
		if err != nil && !errors.Is(err, nettrust.ErrInsecureURL) {
			t.Errorf("Check(%s) = %v, does not match ErrInsecureURL", raw, err)
		}
		if err != nil && strings.Contains(err.Error(), "Session") {
			t.Errorf("Check(%s) = %v: shows the query", raw, err)
		}
	}
	if err := nettrust.Check(nil); !errors.Is(err, nettrust.ErrInsecureURL) {
		t.Errorf("Check(nil) = %v", err)
	}
	u, _ := url.Parse("http://sts.example.com/p?Session=secret")
	var ie *nettrust.InsecureURLError
	if err := nettrust.Check(u); !errors.As(err, &ie) || ie.URL != "http://sts.example.com/p" ||
		!strings.Contains(err.Error(), "refusing plain http to sts.example.com: use https") {
		t.Errorf("Check = %v (URL %q)", err, ie.URL)
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "Localhost.": true, "127.0.0.1": true, "127.255.0.3": true, "::1": true,
		"": false, "[::1]": false, "::": false, "10.1.1.1": false, "localhost.evil": false, "example.com": false,
	} {
		if got := nettrust.IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

// countingTransport counts the requests that reached it.
type countingTransport struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

func TestSecureRefusesBeforeSending(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "http://sts.example.com/landing", http.StatusFound)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	ct := &countingTransport{next: srv.Client().Transport}
	own := 0
	c := nettrust.Secure(&http.Client{Transport: ct, CheckRedirect: func(*http.Request, []*http.Request) error { own++; return nil }})

	// Plain http to another host: refused, nothing reaches the transport.
	_, err := c.Get("http://sts.example.com/")
	if !errors.Is(err, nettrust.ErrInsecureURL) || ct.n.Load() != 0 {
		t.Fatalf("err = %v, requests sent %d; want ErrInsecureURL and none", err, ct.n.Load())
	}
	// Loopback: allowed.
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// A redirect to plain http elsewhere: the client's own check runs,
	// then the redirect is refused, and only the first request was sent.
	before := ct.n.Load()
	_, err = c.Get(srv.URL + "/redirect")
	if !errors.Is(err, nettrust.ErrInsecureURL) || ct.n.Load() != before+1 || own != 1 {
		t.Fatalf("redirect: err = %v, sent %d (want 1), own check ran %d times", err, ct.n.Load()-before, own)
	}
	// Secure does not change the client it was given, and guards once.
	plain := &http.Client{}
	s := nettrust.Secure(plain)
	if plain.Transport != nil || plain.CheckRedirect != nil {
		t.Error("Secure changed its argument")
	}
	if nettrust.Secure(s).Transport != s.Transport {
		t.Error("Secure wrapped a guarded transport again")
	}
}

func TestCertPool(t *testing.T) {
	if p, err := nettrust.CertPool(""); p != nil || err != nil {
		t.Errorf(`CertPool("") = %v, %v; want nil, nil`, p, err)
	}
	dir := testtmp.Dir(t)
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := nettrust.CertPool(junk); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("CertPool(junk) = %v", err)
	}
	if _, err := nettrust.CertPool(filepath.Join(dir, "missing.pem")); err == nil || !strings.Contains(err.Error(), "read CA bundle") {
		t.Errorf("CertPool(missing) = %v", err)
	}
}

// A request to this machine never goes through a proxy, however "localhost"
// is spelled; others ask the wrapped function.
func TestDirectToLoopback(t *testing.T) {
	proxy := &url.URL{Scheme: "http", Host: "proxy.example.com:3128"}
	p := nettrust.DirectToLoopback(func(*http.Request) (*url.URL, error) { return proxy, nil })
	for host, direct := range map[string]bool{
		"localhost:5000": true, "localhost.:5000": true, "LOCALHOST:5000": true, "127.0.0.2:80": true, "[::1]:80": true,
		"sts.amazonaws.com": false, "localhost.evil.com": false, "127.0.0.1.evil.com": false,
	} {
		req, _ := http.NewRequest(http.MethodPost, "http://"+host+"/", nil)
		got, err := p(req)
		if err != nil || (got == nil) != direct {
			t.Errorf("%s: proxy %v, %v; want direct=%v", host, got, err, direct)
		}
	}
}

// Secure's redirects follow the body rule too: an API call answered with a
// 307 to another origin is not re-sent there.
func TestSecureBodyRedirect(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := nettrust.Secure(&http.Client{})
	_, err := c.Post(srv.URL, "application/x-www-form-urlencoded", strings.NewReader("SAMLAssertion=SECRET"))
	if !errors.Is(err, nettrust.ErrBodyRedirect) {
		t.Fatalf("err = %v, want nettrust.ErrBodyRedirect", err)
	}
	if hits.Load() != 0 {
		t.Error("the other origin got the body")
	}
}
