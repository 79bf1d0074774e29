package adfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
	"github.com/samlogin/samlogin/idp/kerberos"
)

// WIAUserAgent is the user agent of the Kerberos attempt: Internet
// Explorer 11, which ADFS's default WIASupportedUserAgents list
// ("Trident/7.0") serves Windows integrated authentication to. It is sent
// on that attempt only; the forms sign-in keeps Go's own.
const WIAUserAgent = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"

const stepKerberos = "kerberos sign-in"

// ErrKerberosRefused: ADFS answered the Kerberos ticket with a second 401.
var ErrKerberosRefused = errors.New("the ADFS refused the Kerberos ticket")

// ErrNoWIA: ADFS served its forms page, not integrated authentication, to
// the Kerberos attempt.
var ErrNoWIA = errors.New("the ADFS did not offer integrated (Kerberos) sign-in")

// withKerberos signs in with Kerberos: the attempt below, then the pages
// after it (an additional-authentication page may follow), never a
// password.
func (s *session) withKerberos(ctx context.Context) (string, error) {
	s.kerberos = true
	defer func() { s.kerberos = false }()
	p, err := s.kerberosAttempt(ctx)
	if err != nil {
		return "", err
	}
	return s.run(ctx, p)
}

// kerberosAttempt is the Kerberos attempt: GET the sign-on page as IE 11, follow
// the redirects to /adfs/ls/wia, answer its "401 WWW-Authenticate:
// Negotiate" with a SPNEGO token for HTTP/<ADFS host> (only to the ADFS
// host itself, over the scheme the user named, never after a redirect
// elsewhere), then follow on without the header. It returns the page
// after that, or the page ADFS served without asking for Negotiate.
func (s *session) kerberosAttempt(ctx context.Context) (*htmlform.Page, error) {
	s.step = stepKerberos
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.d.signIn.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", stepKerberos, err)
	}
	req.Header.Set("User-Agent", WIAUserAgent)
	s.log("get", "step", stepKerberos, "url", idp.RedactURL(s.d.signIn), "user-agent", WIAUserAgent)
	s.requests++
	resp, err := s.d.deps.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", stepKerberos, idp.RedactError(err))
	}
	if resp.StatusCode != http.StatusUnauthorized || !negotiates(resp.Header) {
		p, err := s.read(resp)
		if err != nil {
			return nil, err
		}
		if _, _, ok := p.SAMLResponse(); ok {
			return p, nil // a kept session
		}
		return p, fmt.Errorf("adfs: %s: %w (page %q at %s)", stepKerberos, ErrNoWIA, p.Title, idp.ShortURL(p.URL))
	}
	drain(resp)
	wia := resp.Request.URL
	if !sameOrigin(wia, s.d.signIn) {
		return nil, fmt.Errorf("adfs: %s: Negotiate asked for at %s, not at the ADFS host %s: no ticket sent", stepKerberos, idp.ShortURL(wia), s.d.signIn.Host)
	}
	spn := "HTTP/" + strings.ToLower(s.d.signIn.Hostname())
	tok, err := s.d.cfg.Kerberos.Token(spn)
	if err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", stepKerberos, err)
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, wia.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", stepKerberos, err)
	}
	req.Header.Set("User-Agent", WIAUserAgent)
	req.Header.Set("Authorization", kerberos.Header(tok))
	s.log("answer Negotiate", "url", idp.ShortURL(wia), "spn", spn)
	// This one request carries the ticket: its redirect is followed by
	// hand, without the header.
	once := *s.d.deps.Client
	once.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	s.requests++
	resp, err = once.Do(req)
	if err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", stepKerberos, idp.RedactError(err))
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		drain(resp)
		return nil, fmt.Errorf("adfs: %s: %w for %s", stepKerberos, ErrKerberosRefused, spn)
	case resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "":
		drain(resp)
		loc, err := wia.Parse(resp.Header.Get("Location"))
		if err != nil {
			return nil, fmt.Errorf("adfs: %s: bad redirect: %w", stepKerberos, err)
		}
		p, err := s.get(ctx, stepKerberos, loc)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
	return s.read(resp)
}

// negotiates reports whether h asks for "WWW-Authenticate: Negotiate".
func negotiates(h http.Header) bool {
	for _, v := range h.Values("WWW-Authenticate") {
		f := strings.Fields(v)
		if len(f) > 0 && strings.EqualFold(f[0], "Negotiate") {
			return true
		}
	}
	return false
}

func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}
