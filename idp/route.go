package idp

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/samlogin/samlogin/internal/nettrust"
)

// Route is where the user's secrets for one sign-in (the password, a
// one-time code) may be sent: by POST only, over https (plain http only to
// a loopback address, see CheckURL), and only to the site of the IdP the
// user named (--adfs-host, --idp-url) or to a host the user allowed
// (--idp-allow-host). "Same site" is the same registrable domain by the
// public suffix list: sso.corp.example.com and login.corp.example.com share
// example.com; a.github.io and b.github.io do not. An IP address or a name
// without a registrable domain (localhost) is its own site.
//
// Drivers ask the route before they prompt for a secret (so the user never
// types a password that cannot be sent) and again before they submit it.
// Redirects are guarded by the HTTP client (NewHTTPClient): a request body
// is never re-sent to another origin.
type Route struct {
	idpHost string   // host name of the IdP, lower case, as named
	site    string   // its registrable domain (or the host itself)
	allow   []string // hosts allowed besides the site, lower case
}

// NewRoute returns the route of the IdP at idpURL, widened by allowHosts
// (host names; "host:port" is accepted and the port ignored).
func NewRoute(idpURL *url.URL, allowHosts []string) (*Route, error) {
	if idpURL == nil || idpURL.Hostname() == "" {
		return nil, errors.New("no IdP URL to route secrets to")
	}
	r := &Route{idpHost: canonicalHost(idpURL.Hostname())}
	r.site = siteOf(r.idpHost)
	for _, h := range allowHosts {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		host, err := AllowedHost(h)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(r.allow, host) {
			r.allow = append(r.allow, host)
		}
	}
	return r, nil
}

// AllowedHost checks one --idp-allow-host value and returns the host name it
// allows, lower case: a bare host name or IP address, optionally with a
// port (ignored). A URL, a path or a wildcard is refused, so that the value
// names exactly one host.
func AllowedHost(v string) (string, error) {
	h := strings.TrimSpace(v)
	if h == "" || strings.ContainsAny(h, "/?#@*, \t") || strings.Contains(h, "://") {
		return "", fmt.Errorf("--idp-allow-host %q: give one host name, such as login.corp.example.com", v)
	}
	if host, port, err := net.SplitHostPort(h); err == nil && port != "" {
		h = host
	}
	h = canonicalHost(strings.Trim(h, "[]"))
	if h == "" {
		return "", fmt.Errorf("--idp-allow-host %q: give one host name, such as login.corp.example.com", v)
	}
	return h, nil
}

// DisplayHost is the host of u as a prompt or a message shows it: in its
// ASCII (punycode) form, so that a look-alike name (Cyrillic letters, a
// bidi override) shows as what it is, and cleaned of anything a terminal
// would act on.
func DisplayHost(u *url.URL) string {
	if u == nil {
		return ""
	}
	h := u.Hostname()
	if a, err := idna.ToASCII(h); err == nil {
		h = a
	}
	return CleanTextN(h, 255)
}

// IdPHost is the host of the IdP the route was made for.
func (r *Route) IdPHost() string { return r.idpHost }

// Allowed reports whether host is on the route: the IdP's site or an
// allowed host.
func (r *Route) Allowed(host string) bool {
	h := canonicalHost(host)
	if h == "" {
		return false
	}
	return siteOf(h) == r.site || slices.Contains(r.allow, h)
}

// Check reports whether a form that carries what ("password",
// "verification code") may be submitted with method to action. The errors
// are *RouteError and match ErrOffRoute.
func (r *Route) Check(method string, action *url.URL, what string) error {
	if action == nil {
		return &RouteError{What: what, Reason: "the form has no valid action URL"}
	}
	host := canonicalHost(action.Hostname())
	if !strings.EqualFold(method, http.MethodPost) {
		return &RouteError{What: what, Host: host, IdPHost: r.idpHost, InURL: true}
	}
	if err := CheckURL(action); err != nil {
		return &RouteError{What: what, Host: host, IdPHost: r.idpHost, Reason: err.Error(), Err: err}
	}
	if !r.Allowed(host) {
		return &RouteError{What: what, Host: host, IdPHost: r.idpHost, OffSite: true}
	}
	return nil
}

// ErrOffRoute is matched (errors.Is) by a *RouteError.
var ErrOffRoute = errors.New("a secret would leave the IdP's route")

// RouteError says why a secret was not sent. Nothing was sent when it is
// returned.
type RouteError struct {
	What    string // "password", "verification code"
	Host    string // where the form would send it
	IdPHost string // the IdP the user named
	// OffSite: Host is neither on the IdP's site nor allowed.
	OffSite bool
	// InURL: the form's method is GET, which would put the secret in the URL.
	InURL  bool
	Reason string // otherwise, why (plain http, no action)
	Err    error
}

func (e *RouteError) Error() string {
	switch {
	case e.InURL:
		return fmt.Sprintf("the sign-in form at %s would send the %s in the URL (a GET form); samlogin never puts a secret in a URL", e.Host, e.What)
	case e.OffSite:
		return fmt.Sprintf("the sign-in form would send the %s to %s, which is not on the site of the IdP you named (%s)", e.What, e.Host, e.IdPHost)
	default:
		return fmt.Sprintf("the %s was not sent: %s", e.What, e.Reason)
	}
}

func (e *RouteError) Is(target error) bool { return target == ErrOffRoute }
func (e *RouteError) Unwrap() error        { return e.Err }

// siteOf is the registrable domain of host (eTLD+1 by the public suffix
// list), or host itself for an IP address or a name that has none.
func siteOf(host string) string {
	if net.ParseIP(host) != nil {
		return host
	}
	if s, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return s
	}
	return host
}

func canonicalHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

// ErrBodyRedirect is matched (errors.Is) by a *BodyRedirectError.
var ErrBodyRedirect = nettrust.ErrBodyRedirect

// BodyRedirectError is a 307 or 308 answer to a form post that points to
// another origin; NewHTTPClient's client stops there (see
// nettrust.CheckRedirect).
type BodyRedirectError = nettrust.BodyRedirectError
