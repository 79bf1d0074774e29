package idp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"
)

// Defaults applied by NewHTTPClient to zero HTTPOptions fields.
const (
	// DefaultTimeout bounds one HTTP exchange (connect, request, response
	// headers and body). It is long on purpose: some IdPs hold the request
	// that starts a push approval open until the user has approved it
	// (ADFS with Azure MFA waits about a minute). The command bounds the
	// whole sign-in with its context, and that is the bound users feel.
	DefaultTimeout = 2 * time.Minute
	// DefaultConnectTimeout bounds establishing a TCP connection.
	DefaultConnectTimeout = 10 * time.Second
	// DefaultUserAgent is sent when HTTPOptions.UserAgent is empty. Some
	// sign-in pages serve an "unsupported browser" page to unknown agents,
	// hence the Mozilla prefix.
	DefaultUserAgent = "Mozilla/5.0 (compatible; samlogin)"
	// MaxRedirects is how many redirects one request follows.
	MaxRedirects = 10
)

// HTTPOptions configures the client built by NewHTTPClient. The zero value
// is ready to use.
type HTTPOptions struct {
	// CABundle is the path of a PEM file (--ca-bundle, AWS_CA_BUNDLE) whose
	// certificates are trusted in addition to the system pool.
	CABundle string
	// Timeout bounds one HTTP exchange, body included (http.Client.Timeout).
	// Zero means DefaultTimeout; negative means no per-exchange bound (the
	// context still applies).
	Timeout time.Duration
	// ConnectTimeout bounds the TCP dial. Zero means DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// Proxy picks the proxy for a request. Nil means
	// http.ProxyFromEnvironment (HTTPS_PROXY, NO_PROXY).
	Proxy func(*http.Request) (*url.URL, error)
	// Log, when it has debug enabled, receives one record per exchange
	// through the redacting transport (see NewDebugTransport).
	Log *slog.Logger
	// Jar keeps the IdP's cookies. Nil means a fresh in-memory jar.
	Jar http.CookieJar
	// UserAgent is set on requests that have none. Empty means
	// DefaultUserAgent.
	UserAgent string

	// dial replaces the real dialer in tests. The connect timeout is
	// applied through its context.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// NewHTTPClient returns the client drivers are given: TLS verification
// always on (TLS 1.2 or later), system roots plus o.CABundle, a cookie jar,
// redirects followed (at most MaxRedirects) and every request, redirects
// included, checked with CheckURL before anything is sent. A 307 or 308
// redirect of a request with a body (a form post) to another origin is not
// followed: the error is a *BodyRedirectError. The cookie jar knows the
// public suffix list.
func NewHTTPClient(o HTTPOptions) (*http.Client, error) {
	roots, err := certPool(o.CABundle)
	if err != nil {
		return nil, err
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	} else if o.Timeout < 0 {
		o.Timeout = 0
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.Proxy == nil {
		o.Proxy = http.ProxyFromEnvironment
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	jar := o.Jar
	if jar == nil {
		// The public suffix list keeps a cookie set for "co.uk" (or any
		// public suffix) from reaching every *.co.uk host.
		jar, _ = cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List}) // never fails
	}
	dial := o.dial
	if dial == nil {
		d := &net.Dialer{KeepAlive: 30 * time.Second}
		dial = d.DialContext
	}
	connectTimeout := o.ConnectTimeout
	base := &http.Transport{
		Proxy: o.Proxy,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			ctx, cancel := context.WithTimeout(ctx, connectTimeout)
			defer cancel()
			return dial(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{
			MinVersion: tls.VersionTLS12,
			RootCAs:    roots,
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
	var rt http.RoundTripper = base
	if o.Log != nil && o.Log.Enabled(context.Background(), slog.LevelDebug) {
		rt = NewDebugTransport(rt, o.Log)
	}
	rt = &guardTransport{next: rt, userAgent: o.UserAgent}
	return &http.Client{
		Transport: rt,
		Jar:       jar,
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", MaxRedirects)
			}
			if err := checkBodyRedirect(req, via); err != nil {
				return err
			}
			return CheckURL(req.URL)
		},
	}, nil
}

// certPool returns the system pool with the certificates of the PEM file at
// path added, or nil (the system pool) when path is empty.
func certPool(path string) (*x509.CertPool, error) {
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
		return nil, fmt.Errorf("CA bundle %s holds no PEM certificate", path)
	}
	return pool, nil
}

// guardTransport refuses requests that fail CheckURL before they reach the
// network, and sets the User-Agent.
type guardTransport struct {
	next      http.RoundTripper
	userAgent string
}

func (t *guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := CheckURL(req.URL); err != nil {
		if req.Body != nil {
			req.Body.Close() // RoundTrip must close the body, even on errors
		}
		return nil, err
	}
	if req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", t.userAgent)
	}
	return t.next.RoundTrip(req)
}

// ErrInsecureURL is matched (errors.Is) by the errors of CheckURL.
var ErrInsecureURL = errors.New("insecure URL")

type insecureURLError struct{ msg string }

func (e *insecureURLError) Error() string        { return e.msg }
func (e *insecureURLError) Is(target error) bool { return target == ErrInsecureURL }

// CheckURL accepts https URLs, and plain http only to a loopback host
// (127.0.0.0/8, ::1 or "localhost"), as RFC 8252 allows for local servers.
// Anything else is refused with an error matching ErrInsecureURL.
func CheckURL(u *url.URL) error {
	if u == nil {
		return &insecureURLError{"refusing an empty URL"}
	}
	host := u.Hostname()
	switch strings.ToLower(u.Scheme) {
	case "https":
		if host == "" {
			return &insecureURLError{"refusing an https URL without a host"}
		}
		return nil
	case "http":
		if isLoopback(host) {
			return nil
		}
		return &insecureURLError{fmt.Sprintf("refusing plain http to %s: a password must not cross the network in clear; use https", host)}
	case "":
		return &insecureURLError{"refusing a URL without a scheme: use https"}
	default:
		return &insecureURLError{fmt.Sprintf("refusing a %s URL to %s: use https", u.Scheme, host)}
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
