package adfs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
	"github.com/samlogin/samlogin/idp/kerberos"
	"github.com/samlogin/samlogin/internal/secret"
)

// Defaults.
const (
	// DefaultRP is the relying party identifier of the AWS commercial
	// partition; "urn:amazon:webservices:govcloud" and
	// "urn:amazon:webservices:cn-north-1" are the others.
	DefaultRP = "urn:amazon:webservices"
	// DefaultPollInterval is the pause between two polls of a push
	// approval page.
	DefaultPollInterval = 2 * time.Second
	// DefaultMFATimeout bounds a push approval when LoginInput.MFATimeout
	// is zero.
	DefaultMFATimeout = 2 * time.Minute
	// MaxCodeTries is how many codes typed at the prompt are tried before
	// a rejection is final. A code given in LoginInput.MFACode is tried once.
	MaxCodeTries = 3

	signInPath = "/adfs/ls/IdpInitiatedSignOn.aspx"
	maxPages   = 12 // pages one sign-in may go through (polls not counted)
)

// Steps, as they appear in errors ("adfs: submit login form: ...").
const (
	stepOpen   = "open sign-in page"
	stepLogin  = "submit login form"
	stepCode   = "submit verification code"
	stepPush   = "wait for approval"
	stepChoose = "choose authentication method"
	stepMFA    = "additional authentication"
)

// Config says which ADFS to sign in at.
type Config struct {
	// Host is the ADFS host: "sts.corp.example.com", "host:port" or a URL
	// (https://host[:port][/...], of which only scheme and host are used).
	// Plain http is accepted only to a loopback address (idp.CheckURL).
	Host string
	// LoginToRP is the relying party identifier; "" means DefaultRP.
	LoginToRP string
	// PollInterval is the pause between polls of a push approval page;
	// 0 means DefaultPollInterval. Tests set it to a millisecond.
	PollInterval time.Duration
	// AllowHosts are hosts besides the ADFS host's site that may receive
	// the password or a code (--idp-allow-host); see idp.Route.
	AllowHosts []string
	// Kerberos, when set, signs in with SPNEGO at /adfs/ls/wia (as a
	// browser on the corporate network does) instead of the forms page.
	Kerberos kerberos.TokenSource
	// KerberosAuto: when the Kerberos attempt fails (no ticket for the
	// ADFS, ticket refused, no integrated sign-in offered), go on with the
	// forms sign-in instead of failing.
	KerberosAuto bool
}

// Driver signs in at one ADFS. It implements idp.Driver.
type Driver struct {
	cfg    Config
	deps   idp.Deps
	signIn *url.URL
	route  *idp.Route // where the password and codes may go
}

var _ idp.Driver = (*Driver)(nil)

// New validates cfg and returns a driver that uses deps for everything it
// does not decide itself: HTTP, prompts, logging, the clock, status lines.
func New(cfg Config, deps idp.Deps) (*Driver, error) {
	if cfg.LoginToRP == "" {
		cfg.LoginToRP = DefaultRP
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	u, err := SignInURL(cfg.Host, cfg.LoginToRP)
	if err != nil {
		return nil, err
	}
	deps, err = deps.Complete("adfs")
	if err != nil {
		return nil, err
	}
	route, err := idp.NewRoute(u, cfg.AllowHosts)
	if err != nil {
		return nil, fmt.Errorf("adfs: %w", err)
	}
	return &Driver{cfg: cfg, deps: deps, signIn: u, route: route}, nil
}

// SignInURL returns the IdP-initiated sign-on URL of the ADFS at host for
// the relying party rp ("" means DefaultRP):
// https://HOST/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=RP.
func SignInURL(host, rp string) (*url.URL, error) {
	if rp == "" {
		rp = DefaultRP
	}
	h := strings.TrimSpace(host)
	if h == "" {
		return nil, errors.New("adfs: no ADFS host given")
	}
	raw := h
	if !strings.Contains(h, "://") {
		if strings.ContainsAny(h, "/?#@ \t") {
			return nil, fmt.Errorf("adfs: invalid ADFS host %q: give a host name, host:port or an https:// URL", host)
		}
		raw = "https://" + h
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("adfs: invalid ADFS host %q: %v", host, errors.Unwrap(err))
	}
	if u.User != nil {
		return nil, fmt.Errorf("adfs: invalid ADFS host %q: a URL with a user name or password", host)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("adfs: invalid ADFS host %q: no host name", host)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("adfs: invalid ADFS host %q: bad port %q", host, p)
		}
	}
	out := &url.URL{
		Scheme:   strings.ToLower(u.Scheme),
		Host:     strings.TrimSuffix(u.Host, ":"), // "host:" means the default port
		Path:     signInPath,
		RawQuery: "loginToRp=" + url.QueryEscape(rp),
	}
	if err := idp.CheckURL(out); err != nil {
		return nil, fmt.Errorf("adfs: ADFS host %q: %w", host, err)
	}
	return out, nil
}

// URL returns the sign-on URL the driver starts at.
func (d *Driver) URL() *url.URL {
	u := *d.signIn
	return &u
}

// Login signs in in.Username and returns the SAMLResponse. See the package
// documentation for the requests it makes. Errors name the step and wrap
// idp.ErrRejected / ErrMFARejected (as *idp.RejectedError), ErrMFATimeout,
// ErrUnsupportedMFA, ErrNoPrompt, ErrCancelled, an *idp.PageError, or the
// transport's error (context deadline, TLS...).
func (d *Driver) Login(ctx context.Context, in idp.LoginInput) (secret.String, error) {
	if strings.TrimSpace(in.Username) == "" && d.cfg.Kerberos == nil {
		return secret.String{}, errors.New("adfs: no user name given")
	}
	s := &session{d: d, in: in, password: in.Password}
	var p *htmlform.Page
	var err error
	if d.cfg.Kerberos != nil {
		v, err := s.withKerberos(ctx)
		if err == nil {
			d.deps.Log.Debug("adfs: signed in with Kerberos", "requests", s.requests)
			return secret.New(v), nil
		}
		if !d.cfg.KerberosAuto || ctx.Err() != nil || s.passwords > 0 {
			return secret.String{}, err
		}
		d.deps.Log.Debug("adfs: Kerberos sign-in failed, using the forms page", "error", err)
		d.deps.Say("Kerberos sign-in failed (%v); using the forms page", err)
		s = &session{d: d, in: in, password: in.Password, requests: s.requests}
	}
	if strings.TrimSpace(in.Username) == "" {
		return secret.String{}, errors.New("adfs: no user name given")
	}
	if s.password.Empty() {
		p, err = s.get(ctx, stepOpen, d.signIn)
	} else {
		p, err = s.postCredentials(ctx)
	}
	if err != nil {
		return secret.String{}, err
	}
	v, err := s.run(ctx, p)
	if err != nil {
		return secret.String{}, err
	}
	d.deps.Log.Debug("adfs: signed in", "user", in.Username, "requests", s.requests)
	return secret.New(v), nil
}

// session is one Login.
type session struct {
	d        *Driver
	in       idp.LoginInput
	password secret.String

	step       string // the step that fetched the current page
	requests   int
	passwords  int  // requests that carried the password
	formPosted bool // the password went through the page's own form
	codeUsed   bool // in.MFACode was sent
	chosen     bool // a method was picked on a choice page
	kerberos   bool // the Kerberos attempt: no password is asked for
}

func (s *session) log(msg string, args ...any) { s.d.deps.Log.Debug("adfs: "+msg, args...) }

// run follows pages until a SAMLResponse.
func (s *session) run(ctx context.Context, p *htmlform.Page) (string, error) {
	for range maxPages {
		if v, _, ok := p.SAMLResponse(); ok {
			return v, nil
		}
		var err error
		if htmlform.UnsupportedMFA(p) == htmlform.MFADuo && !s.isLoginPage(p) {
			s.log("additional authentication", "kind", "duo", "page", idp.ShortURL(p.URL))
			return "", duoError(p, "")
		}
		if m, ok := findMFA(p); ok {
			p, err = s.mfa(ctx, p, m)
		} else if lf, ok := findLogin(p); ok {
			p, err = s.login(ctx, p, lf)
		} else if isErrorPage(p) {
			return "", s.pageError(p, errorDetail(p, s.d.cfg.LoginToRP, s.step == stepOpen || (s.step == stepLogin && !s.formPosted)))
		} else {
			return "", s.pageError(p, "expected the ADFS sign-in form, an additional-authentication page or the SAMLResponse")
		}
		if err != nil {
			return "", err
		}
	}
	return "", s.pageError(p, fmt.Sprintf("no SAMLResponse after %d pages", maxPages))
}

// isLoginPage reports whether p is a sign-in page of this ADFS.
func (s *session) isLoginPage(p *htmlform.Page) bool {
	_, ok := findLogin(p)
	return ok
}

// duoError is samlogin's own line for Duo, in every generation: the
// retired iframe page (method is its AuthMethod) and the Universal Prompt
// that ADFS redirects to or whose script sends the browser there.
func duoError(p *htmlform.Page, method string) error {
	where := "the Universal Prompt"
	if method != "" {
		where = "AuthMethod " + method
	}
	return fmt.Errorf("adfs: %s: %w: Duo is not supported yet (%s, page %q)", stepMFA, idp.ErrUnsupportedMFA, where, p.Title)
}

func (s *session) pageError(p *htmlform.Page, detail string) error {
	return fmt.Errorf("adfs: %w", &idp.PageError{
		Step:   s.step,
		Title:  p.Title,
		URL:    idp.ShortURL(p.URL),
		Status: p.Status,
		Detail: detail,
	})
}

// login answers a sign-in page: a rejection when it shows an error after
// the password was sent, else its form filled and posted (once).
func (s *session) login(ctx context.Context, p *htmlform.Page, lf *loginForm) (*htmlform.Page, error) {
	if msg := loginError(p); msg != "" {
		if s.passwords > 0 {
			s.log("password rejected", "user", s.in.Username, "step", s.step)
			return nil, fmt.Errorf("adfs: %s: %w", s.step, &idp.RejectedError{Kind: idp.ErrRejected, Message: msg})
		}
		return nil, s.pageError(p, "the sign-in page shows an error before any password was sent: "+msg)
	}
	if s.kerberos {
		return nil, fmt.Errorf("adfs: %s: %w: it showed its sign-in form (page %q at %s)", stepKerberos, ErrNoWIA, p.Title, idp.ShortURL(p.URL))
	}
	if s.formPosted {
		return nil, s.pageError(p, "the sign-in form came back without an error message after the password was posted")
	}
	// Before anything is typed: may the password go where this form sends it?
	if err := htmlform.CheckSecret(s.d.route, lf.form, "password"); err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", stepLogin, err)
	}
	if s.password.Empty() {
		pw, err := s.in.LazyPassword(ctx)
		if err != nil {
			return nil, fmt.Errorf("adfs: %s: %w", stepLogin, err)
		}
		s.password = pw
	}
	if s.password.Empty() {
		if s.d.deps.Prompt == nil {
			return nil, fmt.Errorf("adfs: %s: %w: a password is needed", stepLogin, idp.ErrNoPrompt)
		}
		pw, err := s.d.deps.Prompt.Secret("Password for " + s.in.Username + " at " + idp.DisplayHost(lf.form.Action))
		if err != nil {
			return nil, fmt.Errorf("adfs: %s: %w", stepLogin, err)
		}
		if pw.Empty() {
			return nil, fmt.Errorf("adfs: %s: no password given", stepLogin)
		}
		s.password = pw
	}
	v := lf.form.Values()
	if lf.user != "" {
		v.Set(lf.user, s.in.Username)
	}
	v.Set(lf.pass, s.password.Reveal())
	if lf.button != nil {
		v.Set(lf.button.Name, lf.button.Value)
	}
	if _, kmsi := lf.form.Input("Kmsi"); s.in.RememberSession && (kmsi || lf.shape == "adfs2012r2+") {
		v.Set("Kmsi", "true") // "Keep me signed in"
	}
	s.log("fill sign-in form", "shape", lf.shape, "fields", fieldNames(v), "fallback", s.passwords > 0)
	s.formPosted = true
	s.passwords++
	return s.submitSecret(ctx, stepLogin, lf.form, v, "password")
}

// postCredentials is the single POST of the credentials to the sign-on URL.
func (s *session) postCredentials(ctx context.Context) (*htmlform.Page, error) {
	s.step = stepLogin
	body := "UserName=" + url.QueryEscape(s.in.Username) +
		"&Password=" + url.QueryEscape(s.password.Reveal()) +
		"&AuthMethod=FormsAuthentication"
	if s.in.RememberSession {
		body += "&Kmsi=true"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.d.signIn.String(), strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", stepLogin, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s.log("post credentials", "url", idp.RedactURL(s.d.signIn), "user", s.in.Username)
	s.passwords++
	return s.do(req)
}

func (s *session) get(ctx context.Context, step string, u *url.URL) (*htmlform.Page, error) {
	s.step = step
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", step, err)
	}
	s.log("get", "step", step, "url", idp.RedactURL(u))
	return s.do(req)
}

func (s *session) submit(ctx context.Context, step string, f *htmlform.Form, v url.Values) (*htmlform.Page, error) {
	s.step = step
	s.requests++
	resp, err := htmlform.Submit(ctx, s.d.deps.Client, f, v)
	if err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", step, err)
	}
	return s.read(resp)
}

// submitSecret is submit for a form whose values carry what ("password",
// "verification code"): it is sent only on the driver's route.
func (s *session) submitSecret(ctx context.Context, step string, f *htmlform.Form, v url.Values, what string) (*htmlform.Page, error) {
	s.step = step
	s.requests++
	resp, err := htmlform.SubmitSecret(ctx, s.d.deps.Client, s.d.route, f, v, what)
	if err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", step, err)
	}
	return s.read(resp)
}

func (s *session) do(req *http.Request) (*htmlform.Page, error) {
	s.requests++
	resp, err := s.d.deps.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", s.step, idp.RedactError(err))
	}
	return s.read(resp)
}

func (s *session) read(resp *http.Response) (*htmlform.Page, error) {
	p, err := htmlform.ReadPage(resp, htmlform.DefaultMaxPage)
	if err != nil {
		return nil, fmt.Errorf("adfs: %s: %w", s.step, err)
	}
	s.log("page", "step", s.step, "title", p.Title, "status", p.Status, "url", idp.ShortURL(p.URL))
	return p, nil
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func fieldNames(v url.Values) string {
	return strings.Join(slices.Sorted(maps.Keys(v)), ",")
}
