package idp

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func mustRoute(t *testing.T, raw string, allow ...string) *Route {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRoute(u, allow)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSessionJarKeepsOnlyTheSite(t *testing.T) {
	now := time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	r := mustRoute(t, "https://sts.corp.example.com/adfs/ls/", "mfa.vendor.test")
	j := NewSessionJar(r, nil, clock)
	set := func(raw string, cs ...*http.Cookie) {
		u, _ := url.Parse(raw)
		j.SetCookies(u, cs)
	}
	set("https://sts.corp.example.com/adfs/ls/x",
		&http.Cookie{Name: "MSISAuth", Value: "a", Path: "/adfs", Secure: true, HttpOnly: true, MaxAge: 3600},
		&http.Cookie{Name: "sso", Value: "s"}, // no expiry: kept DefaultSessionCookieAge
		&http.Cookie{Name: "gone", Value: "g", MaxAge: -1},
		&http.Cookie{Name: "old", Value: "o", Expires: now.Add(-time.Minute)},
		&http.Cookie{Name: "wide", Value: "w", Domain: ".example.com", Expires: now.Add(100 * 24 * time.Hour)},
		&http.Cookie{Name: "suffix", Value: "x", Domain: "com"},
	)
	set("https://login.corp.example.com/", &http.Cookie{Name: "sibling", Value: "b", MaxAge: 60})
	set("https://mfa.vendor.test/", &http.Cookie{Name: "allowed", Value: "m", MaxAge: 60})
	set("https://tracker.other.test/", &http.Cookie{Name: "tracker", Value: "t", MaxAge: 60})
	set("https://sub.vendor.test/", &http.Cookie{Name: "vendorsub", Value: "v", MaxAge: 60})

	got := map[string]KeptCookie{}
	for _, c := range j.Kept() {
		got[c.Name] = c
	}
	for _, name := range []string{"MSISAuth", "sso", "wide", "sibling", "allowed"} {
		if _, ok := got[name]; !ok {
			t.Errorf("cookie %s not kept; kept %v", name, j.Kept())
		}
	}
	for _, name := range []string{"gone", "old", "suffix", "tracker", "vendorsub"} {
		if _, ok := got[name]; ok {
			t.Errorf("cookie %s kept, want dropped", name)
		}
	}
	m := got["MSISAuth"]
	if m.Domain != "sts.corp.example.com" || !m.HostOnly || m.Path != "/adfs" || !m.Secure || !m.HTTPOnly || !m.Expires.Equal(now.Add(time.Hour)) {
		t.Errorf("MSISAuth kept as %+v", m)
	}
	if s := got["sso"]; !s.Expires.Equal(now.Add(DefaultSessionCookieAge)) || s.Path != "/adfs/ls" {
		t.Errorf("sso kept as %+v", s)
	}
	if w := got["wide"]; w.Domain != "example.com" || w.HostOnly || !w.Expires.Equal(now.Add(DefaultMaxSessionAge)) {
		t.Errorf("wide kept as %+v (max lifetime)", w)
	}
	if !j.Changed() {
		t.Error("Changed false after cookies were set")
	}

	// Replayed in a new jar: sent where the browser would send them, and
	// those expired since are not.
	now = now.Add(2 * time.Hour)
	j2 := NewSessionJar(r, j.Kept(), clock)
	names := func(raw string) map[string]string {
		u, _ := url.Parse(raw)
		out := map[string]string{}
		for _, c := range j2.Cookies(u) {
			out[c.Name] = c.Value
		}
		return out
	}
	at := names("https://sts.corp.example.com/adfs/ls/IdpInitiatedSignOn.aspx")
	if at["sso"] != "s" || at["wide"] != "w" {
		t.Errorf("replayed cookies at the ADFS: %v", at)
	}
	if _, ok := at["MSISAuth"]; ok {
		t.Errorf("MSISAuth replayed after its expiry: %v", at)
	}
	if at := names("http://sts.corp.example.com/adfs/ls/"); at["sso"] != "s" {
		t.Errorf("a non-secure cookie not sent over http: %v", at)
	}
	if at := names("https://other.corp.example.com/adfs/ls/"); at["sso"] != "" || at["wide"] != "w" {
		t.Errorf("host-only cookie sent to another host, or domain cookie not: %v", at)
	}
	if j2.Changed() {
		t.Error("Changed true for a jar only pre-loaded")
	}
	// Kept cookies of another site are not loaded, even if a file says so.
	j3 := NewSessionJar(r, []KeptCookie{{Name: "evil", Value: "e", Domain: "other.test", Path: "/", Expires: now.Add(time.Hour)}}, clock)
	if len(j3.Kept()) != 0 {
		t.Errorf("a cookie of another site loaded: %v", j3.Kept())
	}
	if s := (KeptCookie{Name: "a", Value: "secret-value", Domain: "d", Path: "/"}).String(); s != "a@d/=[redacted]" {
		t.Errorf("String() = %q", s)
	}
}
