package htmlform

import (
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// Second factors that only a browser (or a phone app) can answer, as
// UnsupportedMFA names them.
const (
	MFADuo        = "Duo"
	MFAOktaVerify = "Okta Verify"
	MFAWebAuthn   = "a security key or passkey (WebAuthn)"
)

// UnsupportedMFA recognises a page of a second factor that a program
// cannot answer with a form, and names it ("" when none):
//
//   - Duo, in every generation: the page is on a duosecurity.com host (the
//     Universal Prompt that /oauth/v1/authorize redirects to, the frameless
//     /frame/v4 prompt and its successors), or it sends the browser there
//     (a form action, a link, an iframe, a script, a refresh, a
//     window.location in a script), or it is the retired iframe kind
//     (#duo_iframe, Duo.init, duo_sig_request);
//   - Okta Verify: an Okta page that waits for the app (an okta-verify
//     class or id, the app's custom URL schemes);
//   - WebAuthn: a script that asks the browser for a credential
//     (navigator.credentials.get or .create, PublicKeyCredential).
//
// Apart from a page on Duo's own host, a page that also offers a password
// or code field is not one: a sign-in form with passkey autofill is
// answered with the password, a link to Duo's help on a login page is no
// Duo prompt.
func UnsupportedMFA(p *Page) string {
	if p == nil || p.Doc == nil {
		return ""
	}
	if duoHost(p.URL) {
		return MFADuo
	}
	for _, f := range p.Forms {
		if len(f.PasswordInputs()) > 0 || len(f.VisibleTextInputs()) > 0 {
			return ""
		}
	}
	if isDuo(p) {
		return MFADuo
	}
	scripts := strings.ToLower(p.Doc.Find("script").Text())
	switch {
	case p.Doc.Find(`[class*="okta-verify"], [id*="okta-verify"], [href^="com-okta-authenticator:"], [href^="oktaverify:"]`).Length() > 0,
		strings.Contains(scripts, "com-okta-authenticator:"), strings.Contains(scripts, "oktaverify:"):
		return MFAOktaVerify
	case strings.Contains(scripts, "navigator.credentials.get"), strings.Contains(scripts, "navigator.credentials.create"),
		strings.Contains(scripts, "publickeycredential"):
		return MFAWebAuthn
	}
	return ""
}

// duoHost reports whether u is on Duo's service.
func duoHost(u *url.URL) bool {
	if u == nil {
		return false
	}
	h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	return h == "duosecurity.com" || strings.HasSuffix(h, ".duosecurity.com")
}

// isDuo looks for the ways a page hands the browser to Duo.
func isDuo(p *Page) bool {
	if p.Doc.Find(`#duo_iframe, #duo_form, iframe[data-host*="duosecurity"]`).Length() > 0 {
		return true
	}
	for _, f := range p.Forms {
		if duoHost(f.Action) {
			return true
		}
		for _, in := range f.Inputs {
			if strings.HasPrefix(strings.ToLower(in.Name), "duo_") {
				return true
			}
		}
	}
	found := false
	p.Doc.Find("a[href], iframe[src], script[src], meta[http-equiv]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		ref := s.AttrOr("href", s.AttrOr("src", ""))
		if goquery.NodeName(s) == "meta" {
			_, ref, _ = MetaRefresh(s.AttrOr("http-equiv", ""), s.AttrOr("content", ""))
		}
		if u, err := p.URL.Parse(strings.TrimSpace(ref)); err == nil && ref != "" && duoHost(u) {
			found = true
		}
		return !found
	})
	if found {
		return true
	}
	scripts := strings.ToLower(p.Doc.Find("script").Text())
	return strings.Contains(scripts, "duo.init(") || strings.Contains(scripts, "duosecurity.com/")
}

// MetaRefresh reads a <meta http-equiv="refresh" content="N; url=U">: the
// delay in seconds and the URL as written (not resolved). ok is false for
// another http-equiv or a content without a URL.
func MetaRefresh(httpEquiv, content string) (delay int, ref string, ok bool) {
	if !strings.EqualFold(strings.TrimSpace(httpEquiv), "refresh") {
		return 0, "", false
	}
	secs, rest, found := strings.Cut(content, ";")
	if !found {
		secs, rest, found = strings.Cut(content, ",")
	}
	if !found {
		return 0, "", false
	}
	for _, c := range strings.TrimSpace(secs) {
		if c < '0' || c > '9' {
			if c == '.' {
				break
			}
			return 0, "", false
		}
		delay = delay*10 + int(c-'0')
		if delay > 1<<20 {
			return 0, "", false
		}
	}
	rest = strings.TrimSpace(rest)
	if len(rest) >= 3 && strings.EqualFold(rest[:3], "url") {
		if k, v, eq := strings.Cut(rest, "="); eq && strings.TrimSpace(k) != "" && strings.EqualFold(strings.TrimSpace(k), "url") {
			rest = strings.TrimSpace(v)
		}
	}
	rest = strings.Trim(rest, `'"`)
	if rest == "" {
		return 0, "", false
	}
	return delay, rest, true
}
