// Package nettrust holds the rules for where samlogin may send a secret
// (a password, a SAML assertion, AWS keys) and whom it trusts on the way:
// https only, or plain http to this machine (a loopback address, as RFC 8252
// allows for local servers); TLS roots are the system's plus a user's CA
// bundle (--ca-bundle, AWS_CA_BUNDLE), never instead of them.
//
// Check is the one URL rule; Guard and CheckRedirect apply it to every
// request and redirect of an *http.Client before anything is sent, and
// Secure puts both on a client. CertPool loads the CA bundle.
package nettrust

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// ErrInsecureURL is matched (errors.Is) by every error of Check, and so by
// the errors of a request that Guard or CheckRedirect refused.
var ErrInsecureURL = errors.New("insecure URL")

// InsecureURLError is a URL that Check refused. It matches ErrInsecureURL.
type InsecureURLError struct {
	// URL is scheme://host/path of the refused URL: never its query, which
	// may hold a secret (the federation endpoint's Session).
	URL string
	msg string
}

func (e *InsecureURLError) Error() string        { return e.msg }
func (e *InsecureURLError) Is(target error) bool { return target == ErrInsecureURL }

// Check accepts an https URL with a host, and a plain http URL to a
// loopback host (see IsLoopback). Anything else is refused with an
// *InsecureURLError.
func Check(u *url.URL) error {
	if u == nil {
		return &InsecureURLError{msg: "refusing an empty URL"}
	}
	host := u.Hostname()
	shown := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
	switch strings.ToLower(u.Scheme) {
	case "https":
		if host == "" {
			return &InsecureURLError{URL: shown, msg: "refusing an https URL without a host"}
		}
		return nil
	case "http":
		if IsLoopback(host) {
			return nil
		}
		return &InsecureURLError{URL: shown, msg: fmt.Sprintf("refusing plain http to %s: use https (plain http only to this machine: 127.0.0.1, ::1 or localhost)", host)}
	case "":
		return &InsecureURLError{URL: shown, msg: "refusing a URL without a scheme: use https"}
	default:
		return &InsecureURLError{URL: shown, msg: fmt.Sprintf("refusing a %s URL to %s: use https", u.Scheme, host)}
	}
}

// IsLoopback reports whether host (a name or an address, without port or
// brackets) is this machine: "localhost" (any case), 127.0.0.0/8 or ::1.
// Other names are not looked up: a name that a resolver maps to 127.0.0.1
// today may map elsewhere tomorrow.
func IsLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CertPool returns the system pool with the certificates of the PEM file at
// path added, or nil, nil when path is empty (nil RootCAs in a tls.Config is
// the system pool). A file with no PEM certificate is an error.
func CertPool(path string) (*x509.CertPool, error) {
	if path == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read CA bundle: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("read CA bundle: %s holds no PEM certificate", path)
	}
	return pool, nil
}

// MaxRedirects is how many redirects CheckRedirect follows.
const MaxRedirects = 10

// CheckRedirect is an http.Client's CheckRedirect that applies Check to
// each redirect and stops after MaxRedirects.
//
// A redirect that keeps the method and body of a request (307, 308 after a
// POST) is followed only to the same origin: a form post (a password) or an
// API call (a SAML assertion) is never re-sent to another origin. The error
// is a *BodyRedirectError.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= MaxRedirects {
		return fmt.Errorf("stopped after %d redirects", MaxRedirects)
	}
	if err := checkBodyRedirect(req, via); err != nil {
		return err
	}
	return Check(req.URL)
}

// Guard returns a RoundTripper that refuses, before it reaches next (and
// so before any dial), every request whose URL fails Check. Nil next is
// http.DefaultTransport.
func Guard(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if g, ok := next.(*guard); ok {
		return g
	}
	return &guard{next: next}
}

type guard struct{ next http.RoundTripper }

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := Check(req.URL); err != nil {
		if req.Body != nil {
			req.Body.Close() // RoundTrip must close the body, even on errors
		}
		return nil, err
	}
	return g.next.RoundTrip(req)
}

// Secure returns a copy of c (nil: a zero client) whose transport is
// guarded (Guard) and whose redirects are checked (Check, and the body rule
// of CheckRedirect) after c's own CheckRedirect, if any, accepted them. c
// itself is not changed.
func Secure(c *http.Client) *http.Client {
	var s http.Client
	if c != nil {
		s = *c
	}
	s.Transport = Guard(s.Transport)
	own := s.CheckRedirect
	s.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if own != nil {
			if err := own(req, via); err != nil {
				return err
			}
		} else if len(via) >= MaxRedirects {
			return fmt.Errorf("stopped after %d redirects", MaxRedirects)
		}
		if err := checkBodyRedirect(req, via); err != nil {
			return err
		}
		return Check(req.URL)
	}
	return &s
}

// DirectToLoopback wraps a transport's Proxy function (nil:
// http.ProxyFromEnvironment) so that a request to this machine (IsLoopback:
// "localhost." and "LOCALHOST" too, which ProxyFromEnvironment would send
// on) never goes through a proxy: plain http is allowed only to loopback
// because it never leaves the machine, and a proxy would carry it off.
func DirectToLoopback(proxy func(*http.Request) (*url.URL, error)) func(*http.Request) (*url.URL, error) {
	if proxy == nil {
		proxy = http.ProxyFromEnvironment
	}
	return func(req *http.Request) (*url.URL, error) {
		if IsLoopback(req.URL.Hostname()) {
			return nil, nil
		}
		return proxy(req)
	}
}

// sameOrigin reports whether a and b have the same scheme, host and port.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(strings.TrimSuffix(a.Hostname(), "."), strings.TrimSuffix(b.Hostname(), ".")) &&
		portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// ErrBodyRedirect is matched (errors.Is) by a *BodyRedirectError.
var ErrBodyRedirect = errors.New("a redirect would re-send a request body to another origin")

// BodyRedirectError is a 307 or 308 answer to a request with a body (a
// form post) that points to another origin. Following it would re-send the
// body, a password perhaps, where the user never sent it; NewHTTPClient's
// client stops there instead.
type BodyRedirectError struct {
	Status int    // 307 or 308
	From   string // the origin that answered, scheme://host[:port]
	To     string // the origin it pointed to
}

func (e *BodyRedirectError) Error() string {
	return fmt.Sprintf("%s answered HTTP %d, which would re-send the form to %s; samlogin never re-sends a request body to another origin",
		e.From, e.Status, e.To)
}

func (e *BodyRedirectError) Is(target error) bool { return target == ErrBodyRedirect }

func origin(u *url.URL) string {
	return (&url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host)}).String()
}

// checkBodyRedirect is the client's rule for a redirect: a request that
// keeps its method and body (307, 308) may only go to the same origin.
func checkBodyRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 || req.Response == nil {
		return nil
	}
	code := req.Response.StatusCode
	if code != http.StatusTemporaryRedirect && code != http.StatusPermanentRedirect {
		return nil
	}
	prev := via[len(via)-1]
	if prev.Method == http.MethodGet || prev.Method == http.MethodHead {
		return nil
	}
	if sameOrigin(prev.URL, req.URL) {
		return nil
	}
	return &BodyRedirectError{Status: code, From: origin(prev.URL), To: origin(req.URL)}
}
