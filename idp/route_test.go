package idp

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

func TestRoute(t *testing.T) {
	for _, tc := range []struct {
		idp    string
		allow  []string
		method string
		action string
		ok     bool
		want   string // in the error
	}{
		{"https://sso.corp.example.com/start", nil, "POST", "https://sso.corp.example.com/login", true, ""},
		{"https://sso.corp.example.com/start", nil, "POST", "https://login.corp.example.com/x", true, ""}, // same registrable domain
		{"https://sso.corp.example.com/start", nil, "POST", "https://SSO.Corp.Example.COM./x", true, ""},
		{"https://sso.corp.example.com/start", nil, "POST", "https://evil.example.net/collect", false, "to evil.example.net, which is not on the site of the IdP you named (sso.corp.example.com)"},
		{"https://sso.corp.example.com/start", []string{"evil.example.net"}, "POST", "https://evil.example.net/collect", true, ""},
		{"https://sso.corp.example.com/start", []string{"login.other.net:443"}, "POST", "https://login.other.net/", true, ""},
		{"https://sso.corp.example.com/start", []string{"login.other.net"}, "POST", "https://x.other.net/", false, "not on the site"}, // a host, not its site
		{"https://a.github.io/", nil, "POST", "https://b.github.io/", false, "not on the site"},                                       // a public suffix is no site
		{"https://idp.corp.co.uk/", nil, "POST", "https://evil.co.uk/", false, "not on the site"},
		{"https://idp.corp.co.uk/", nil, "POST", "https://login.corp.co.uk/", true, ""},
		{"https://sso.corp.example.com/start", nil, "GET", "https://sso.corp.example.com/login", false, "the sign-in form at sso.corp.example.com would send the password in the URL"},
		{"https://sso.corp.example.com/start", nil, "POST", "http://sso.corp.example.com/login", false, "plain http"},
		{"http://127.0.0.1:8080/", nil, "POST", "http://127.0.0.1:9090/login", true, ""}, // an IP is its own site, whatever the port
		{"http://127.0.0.1:8080/", nil, "POST", "http://127.0.0.2:8080/login", false, "not on the site"},
		{"http://localhost:8080/", nil, "POST", "http://127.0.0.1:8080/login", false, "not on the site"},
	} {
		r, err := NewRoute(mustURL(t, tc.idp), tc.allow)
		if err != nil {
			t.Fatal(err)
		}
		err = r.Check(tc.method, mustURL(t, tc.action), "password")
		if tc.ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s allow %v: %s %s: %v, want ok=%v %q", tc.idp, tc.allow, tc.method, tc.action, err, tc.ok, tc.want)
		}
		if err != nil && !errors.Is(err, ErrOffRoute) {
			t.Errorf("%v does not match ErrOffRoute", err)
		}
	}
}

func TestAllowedHost(t *testing.T) {
	for in, want := range map[string]string{"Login.Corp.Example.COM": "login.corp.example.com", "login.x.net:8443": "login.x.net", "[::1]:443": "::1"} {
		if got, err := AllowedHost(in); err != nil || got != want {
			t.Errorf("AllowedHost(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "https://login.x.net", "login.x.net/path", "*.x.net", "a.net,b.net", "user@x.net"} {
		if _, err := AllowedHost(bad); err == nil {
			t.Errorf("AllowedHost(%q) accepted", bad)
		}
	}
}

// A 307 or 308 keeps the method and body: to another origin, the client
// stops before anything reaches it. A 302 (the body dropped) is followed,
// and so is a 307 on the same origin.
func TestBodyRedirect(t *testing.T) {
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		w.Write([]byte("other"))
	}))
	defer other.Close()
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/307":
			http.Redirect(w, r, other.URL+"/x", http.StatusTemporaryRedirect)
		case "/308":
			http.Redirect(w, r, other.URL+"/x", http.StatusPermanentRedirect)
		case "/302":
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
		case "/307-same":
			http.Redirect(w, r, "/done", http.StatusTemporaryRedirect)
		default:
			w.Write([]byte("done"))
		}
	}))
	defer idp.Close()
	c := newClient(t, HTTPOptions{})
	post := func(path string) (string, error) {
		resp, err := c.Post(idp.URL+path, "application/x-www-form-urlencoded", strings.NewReader("Password=hunter2"))
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b := make([]byte, 16)
		n, _ := resp.Body.Read(b)
		return string(b[:n]), nil
	}
	for _, path := range []string{"/307", "/308"} {
		_, err := post(path)
		if !errors.Is(err, ErrBodyRedirect) || !strings.Contains(err.Error(), "would re-send the form to "+other.URL) {
			t.Errorf("POST %s: %v, want a body-redirect error naming %s", path, err, other.URL)
		}
	}
	if n := otherHits.Load(); n != 0 {
		t.Fatalf("the other origin got %d requests after 307/308", n)
	}
	if got, err := post("/302"); err != nil || got != "other" {
		t.Errorf("POST /302: %q, %v; want the other origin's page (a GET)", got, err)
	}
	if got, err := post("/307-same"); err != nil || got != "done" {
		t.Errorf("POST /307-same: %q, %v; want done", got, err)
	}
}

// The jar knows the public suffix list: a cookie set for "co.uk" is
// refused, so it never reaches every other *.co.uk host.
func TestCookieJarPublicSuffix(t *testing.T) {
	c := newClient(t, HTTPOptions{})
	from := mustURL(t, "https://idp.corp.co.uk/login")
	c.Jar.SetCookies(from, []*http.Cookie{
		{Name: "tracker", Value: "t1", Domain: "co.uk", Path: "/"},
		{Name: "site", Value: "s1", Domain: "corp.co.uk", Path: "/"},
	})
	if got := c.Jar.Cookies(mustURL(t, "https://evil.co.uk/")); len(got) != 0 {
		t.Errorf("evil.co.uk gets cookies %v from idp.corp.co.uk", got)
	}
	got := c.Jar.Cookies(&url.URL{Scheme: "https", Host: "login.corp.co.uk", Path: "/"})
	if len(got) != 1 || got[0].Name != "site" {
		t.Errorf("login.corp.co.uk gets %v, want the corp.co.uk cookie only", got)
	}
}

func TestDisplayHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://sso.corp.example.com/x": "sso.corp.example.com",
		"https://xn--80ak6aa92e.com/":    "xn--80ak6aa92e.com",
		"https://аpple.com/":             "xn--pple-43d.com", // a Cyrillic а
		"http://127.0.0.1:8080/":         "127.0.0.1",
	} {
		if got := DisplayHost(mustURL(t, in)); got != want {
			t.Errorf("DisplayHost(%s) = %q, want %q", in, got, want)
		}
	}
	u := &url.URL{Scheme: "https", Host: "evil\u202ecom.example"}
	if got := DisplayHost(u); strings.ContainsRune(got, '\u202e') {
		t.Errorf("DisplayHost kept a bidi override: %q", got)
	}
}
