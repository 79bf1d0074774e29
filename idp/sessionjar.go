package idp

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/publicsuffix"
)

// Lifetimes of a kept IdP session (--remember-session).
const (
	// DefaultSessionCookieAge is how long a cookie without an expiry (a
	// browser-session cookie, such as SimpleSAMLphp's) is kept after it was
	// set: a browser that restores its tabs keeps them, but not forever.
	DefaultSessionCookieAge = 12 * time.Hour
	// DefaultMaxSessionAge bounds every kept cookie, whatever its expiry says.
	DefaultMaxSessionAge = 30 * 24 * time.Hour
)

// KeptCookie is one cookie of an IdP session kept between runs, with the
// attributes needed to replay it: the host or domain it is sent to, its
// path, secure, and when it stops being sent. Value is a secret (it is as
// good as the password while it lasts): it is never logged.
type KeptCookie struct {
	Name     string    `json:"name"`
	Value    string    `json:"value"`
	Domain   string    `json:"domain"`              // host (HostOnly) or domain, lower case, no leading dot
	HostOnly bool      `json:"host_only,omitempty"` // sent to Domain only, not to its subdomains
	Path     string    `json:"path"`
	Secure   bool      `json:"secure,omitempty"`
	HTTPOnly bool      `json:"http_only,omitempty"`
	Expires  time.Time `json:"expires"` // when it stops being kept (never zero)
}

// String keeps the value out of any log or message.
func (c KeptCookie) String() string { return c.Name + "@" + c.Domain + c.Path + "=[redacted]" }

// SessionJar is the cookie jar of a sign-in whose session is kept: it
// behaves as a standard jar (public suffix list), and it records the
// cookies that the IdP's site (the Route: its registrable domain and the
// --idp-allow-host hosts) sets, so that Kept returns them for the next run.
// Cookies of any other site are used during the walk and then forgotten.
type SessionJar struct {
	inner  *cookiejar.Jar
	route  *Route
	now    func() time.Time
	maxAge time.Duration // bound on every cookie, from when it was set
	mu     sync.Mutex
	kept   map[string]KeptCookie // domain ; path ; name
	// changed: a cookie was set or removed since the jar was made.
	changed bool
}

var _ http.CookieJar = (*SessionJar)(nil)

// NewSessionJar returns a jar for route, pre-loaded with kept (those
// still valid at now() and on route). now nil means time.Now.
func NewSessionJar(route *Route, kept []KeptCookie, now func() time.Time) *SessionJar {
	if now == nil {
		now = time.Now
	}
	inner, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List}) // never fails
	j := &SessionJar{inner: inner, route: route, now: now, maxAge: DefaultMaxSessionAge, kept: map[string]KeptCookie{}}
	t := now()
	for _, c := range kept {
		if c.Name == "" || c.Domain == "" || !t.Before(c.Expires) || !route.Allowed(c.Domain) {
			continue
		}
		if c.Expires.After(t.Add(j.maxAge)) {
			c.Expires = t.Add(j.maxAge)
		}
		u := &url.URL{Scheme: "http", Host: c.Domain, Path: c.Path}
		if c.Secure {
			u.Scheme = "https"
		}
		// The standard jar reads the real clock: the lifetime left goes in
		// as Max-Age, which holds whatever clock now is.
		hc := &http.Cookie{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure, HttpOnly: c.HTTPOnly,
			MaxAge: max(1, int(c.Expires.Sub(t)/time.Second))}
		if !c.HostOnly {
			hc.Domain = c.Domain
		}
		inner.SetCookies(u, []*http.Cookie{hc})
		j.kept[keptKey(c)] = c
	}
	return j
}

func keptKey(c KeptCookie) string { return c.Domain + ";" + c.Path + ";" + c.Name }

// Cookies implements http.CookieJar.
func (j *SessionJar) Cookies(u *url.URL) []*http.Cookie { return j.inner.Cookies(u) }

// SetCookies implements http.CookieJar; it records the cookies of hosts on
// the route.
func (j *SessionJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.inner.SetCookies(u, cookies)
	host := canonicalHost(u.Hostname())
	if !j.route.Allowed(host) {
		return
	}
	t := j.now()
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, c := range cookies {
		if c.Name == "" {
			continue
		}
		k := KeptCookie{Name: c.Name, Value: c.Value, Domain: host, HostOnly: true, Path: c.Path,
			Secure: c.Secure, HTTPOnly: c.HttpOnly}
		if d := canonicalHost(strings.TrimPrefix(c.Domain, ".")); d != "" && d != host {
			if !strings.HasSuffix(host, "."+d) || !j.route.Allowed(d) || net0(d) {
				continue // the jar refused it too, or it reaches beyond the site
			}
			k.Domain, k.HostOnly = d, false
		} else if d == host && c.Domain != "" {
			k.HostOnly = false
		}
		if k.Path == "" || k.Path[0] != '/' {
			k.Path = defaultPath(u.Path)
		}
		var exp time.Time
		switch {
		case c.MaxAge < 0:
			exp = t // removed
		case c.MaxAge > 0:
			exp = t.Add(time.Duration(c.MaxAge) * time.Second)
		case !c.Expires.IsZero():
			exp = c.Expires
		default:
			exp = t.Add(DefaultSessionCookieAge)
		}
		if exp.After(t.Add(j.maxAge)) {
			exp = t.Add(j.maxAge)
		}
		k.Expires = exp.UTC()
		j.changed = true
		if !t.Before(exp) {
			delete(j.kept, keptKey(k))
			continue
		}
		j.kept[keptKey(k)] = k
	}
}

// net0 reports whether d is a public suffix ("com", "co.uk"): a cookie
// for it would reach every site under it.
func net0(d string) bool {
	ps, _ := publicsuffix.PublicSuffix(d)
	return ps == d
}

// defaultPath is RFC 6265 5.1.4's default-path of a request path.
func defaultPath(p string) string {
	if p == "" || p[0] != '/' {
		return "/"
	}
	i := strings.LastIndex(p, "/")
	if i == 0 {
		return "/"
	}
	return path.Clean(p[:i])
}

// Kept returns the cookies of the IdP's site still valid now, for the next
// run.
func (j *SessionJar) Kept() []KeptCookie {
	t := j.now()
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]KeptCookie, 0, len(j.kept))
	for _, c := range j.kept {
		if t.Before(c.Expires) {
			out = append(out, c)
		}
	}
	sortKept(out)
	return out
}

// Changed reports whether the IdP set or removed a cookie during the walk.
func (j *SessionJar) Changed() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.changed
}

// Until is when the last of cookies stops being kept; zero for none.
// It is what status shows ("kept until"): the session may end sooner at
// the IdP.
func Until(cookies []KeptCookie) time.Time {
	var last time.Time
	for _, c := range cookies {
		if c.Expires.After(last) {
			last = c.Expires
		}
	}
	return last
}

func sortKept(cs []KeptCookie) {
	slices.SortFunc(cs, func(a, b KeptCookie) int { return strings.Compare(keptKey(a), keptKey(b)) })
}
