package idp

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/samlogin/samlogin/internal/nettrust"
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
	MaxRedirects = nettrust.MaxRedirects
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
	roots, err := nettrust.CertPool(o.CABundle)
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
		Proxy: nettrust.DirectToLoopback(o.Proxy),
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
	rt = &userAgent{next: nettrust.Guard(rt), value: o.UserAgent, base: base}
	return &http.Client{
		Transport:     rt,
		Jar:           jar,
		Timeout:       o.Timeout,
		CheckRedirect: nettrust.CheckRedirect,
	}, nil
}

// userAgent sets the User-Agent of requests that have none.
type userAgent struct {
	next  http.RoundTripper
	value string
	base  *http.Transport // at the bottom of next, for the tests of its settings
}

func (t *userAgent) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", t.value)
	}
	return t.next.RoundTrip(req)
}

// ErrInsecureURL is matched (errors.Is) by the errors of CheckURL.
var ErrInsecureURL = nettrust.ErrInsecureURL

// CheckURL accepts https URLs, and plain http only to a loopback host
// (127.0.0.0/8, ::1 or "localhost"), as RFC 8252 allows for local servers;
// see nettrust.Check. Anything else is refused with an error matching
// ErrInsecureURL.
func CheckURL(u *url.URL) error { return nettrust.Check(u) }
