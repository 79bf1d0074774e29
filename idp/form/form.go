// Package form is the generic SAML portal driver: it opens the URL that
// starts an IdP-initiated sign-in to AWS and follows the portal's pages the
// way a person with a browser would, until a page carries a SAMLResponse.
//
// Each page is read with htmlform and answered by the first of an ordered
// table of named page rules (rules.go) that matches it; --debug logs the
// rule's name for every page. In order:
//
//   - saml-response: a form with a SAMLResponse ends the walk; its value is
//     returned (the form, which would post to AWS, is not submitted);
//     empty-saml-response: the same field, empty, is an error;
//   - unsupported-mfa: Duo (every generation), Okta Verify, WebAuthn:
//     idp.ErrUnsupportedMFA, in one line (a page that offers such a method
//     among others is a method-choice page; on Duo's own host it is Duo);
//   - second-secret: after the password, a different password field alone
//     (and no user name, even hidden: that is the sign-in form again) is a
//     code typed into a password box;
//   - password-form: username and password, the form's hidden fields kept.
//     The password form coming back after the password was posted is a
//     rejection (*idp.RejectedError, idp.ErrRejected; idp.ErrMFARejected
//     when a code was the last thing sent): never posted twice;
//   - method-choice: a form whose submission needs a choice (named submit
//     buttons, a radio group, a select) or links that each carry a method:
//     LoginInput.MFAMethod picks by value, name or label, else the option
//     the page checked or selected (also when MFAMethod fits nothing: a
//     consent page's default), else the Prompter's Select;
//   - username-form, code-form: a form with one visible text input asks for
//     the username alone (named like one) or for a one-time code
//     (LoginInput.MFACode, tried once, else the Prompter);
//   - auto-submit, noscript-form, meta-refresh: hand-over pages are followed
//     as a browser without a user would (a form that a script submits, a
//     <noscript> form, a refresh), before any message on them is read;
//   - rejected: after a password or code, an error page (an error or alert
//     message, a message code, or no form and a link back) is a rejection;
//   - needs-javascript: no form, link or refresh, but scripts:
//     idp.ErrNeedsBrowser;
//   - unknown-page: an *idp.PageError naming the step, the page title and
//     URL, with the page's own error message when one can be found.
//
// A form with named submit buttons is always sent with one of them, as a
// browser does: the first that does not cancel, reject or go back. The password and codes are only ever posted on the
// driver's idp.Route: by POST, to the site of Config.URL or a host in
// Config.AllowHosts; a form that would send them elsewhere, or in a URL,
// ends the walk before the user is asked for them.
//
// The walk stops after Config.MaxSteps pages, when the same hand-over
// comes back (a loop), or when the context is done.
package form

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
	"github.com/samlogin/samlogin/internal/secret"
)

// DefaultMaxSteps is how many pages a sign-in may take when Config.MaxSteps
// is zero.
const DefaultMaxSteps = 12

// maxCodeAttempts bounds how many prompted codes are tried on one code page.
// A code given in LoginInput.MFACode is tried once only.
const maxCodeAttempts = 3

// Config is the driver's configuration.
type Config struct {
	// URL starts an IdP-initiated sign-in to AWS. It must be https, or http
	// to a loopback host (see idp.CheckURL).
	URL string
	// MaxSteps bounds how many pages are read, the first one included.
	// Zero means DefaultMaxSteps.
	MaxSteps int
	// AllowHosts are hosts besides the site of URL that may receive the
	// password or a code (--idp-allow-host); see idp.Route.
	AllowHosts []string
}

// Driver signs in at a generic SAML portal. It implements idp.Driver.
type Driver struct {
	start    *url.URL
	route    *idp.Route
	maxSteps int
	deps     idp.Deps
}

var _ idp.Driver = (*Driver)(nil)

// New checks cfg and returns a driver that uses deps for HTTP, prompts and
// logging. deps.Client is required; a nil deps.Log logs nothing; a nil
// deps.Prompt makes a missing input an error wrapping idp.ErrNoPrompt.
func New(cfg Config, deps idp.Deps) (*Driver, error) {
	raw := strings.TrimSpace(cfg.URL)
	if raw == "" {
		return nil, errors.New("form: no sign-in URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("form: the sign-in URL is not a valid URL")
	}
	if err := idp.CheckURL(u); err != nil {
		return nil, fmt.Errorf("form: sign-in URL: %w", err)
	}
	if u.User != nil {
		return nil, errors.New("form: the sign-in URL holds a user name or password: give the user name with --username, the password at the prompt")
	}
	if cfg.MaxSteps < 0 {
		return nil, fmt.Errorf("form: MaxSteps %d is negative", cfg.MaxSteps)
	}
	if cfg.MaxSteps == 0 {
		cfg.MaxSteps = DefaultMaxSteps
	}
	deps, err = deps.Complete("form")
	if err != nil {
		return nil, err
	}
	route, err := idp.NewRoute(u, cfg.AllowHosts)
	if err != nil {
		return nil, fmt.Errorf("form: %w", err)
	}
	return &Driver{start: u, route: route, maxSteps: cfg.MaxSteps, deps: deps}, nil
}

// Step names, used in errors ("form: submit login form: ...") and logs.
const (
	stepOpen     = "open sign-in page"
	stepLogin    = "submit login form"
	stepUsername = "submit username"
	stepCode     = "submit verification code"
	stepAuto     = "follow auto-submit form"
	stepRefresh  = "follow refresh"
	stepChoose   = "choose a sign-in method"
)

// Login walks the portal's pages and returns the SAMLResponse (base64, as
// the IdP would post it to AWS). It does not look inside it: a response
// without roles is the caller's to report.
func (d *Driver) Login(ctx context.Context, in idp.LoginInput) (secret.String, error) {
	w := &walk{d: d, in: in, seen: map[string]bool{}, chosen: map[string]bool{}, step: stepOpen}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.start.String(), nil)
	if err != nil {
		return secret.String{}, fail(w.step, err)
	}
	d.deps.Log.DebugContext(ctx, "form: open sign-in page", "url", idp.RedactURL(d.start))
	resp, err := d.deps.Client.Do(req)
	if err != nil {
		return secret.String{}, fail(w.step, idp.RedactError(err))
	}
	for n := 1; ; n++ {
		page, err := htmlform.ReadPage(resp, htmlform.DefaultMaxPage)
		if err != nil {
			return secret.String{}, fail(w.step, err)
		}
		r, h := w.rule(page)
		d.deps.Log.DebugContext(ctx, "form: page", "n", n, "after", w.step, "rule", r.name,
			"url", idp.RedactURL(page.URL), "status", page.Status, "title", page.Title, "forms", len(page.Forms))
		if h.saml == "" {
			if err := ctx.Err(); err != nil {
				return secret.String{}, fail(w.step, err)
			}
			if n >= d.maxSteps {
				return secret.String{}, pageErr(w.step, page,
					fmt.Sprintf("no SAMLResponse after %d pages (the limit)", d.maxSteps))
			}
		}
		resp, w.step, err = r.act(ctx, w, page, h)
		if err != nil {
			return secret.String{}, err
		}
		if !w.saml.Empty() {
			d.deps.Log.DebugContext(ctx, "form: found SAMLResponse", "n", n, "length", len(h.saml))
			return w.saml, nil
		}
	}
}

// rule returns the first rule that matches the page, and what it found.
func (w *walk) rule(p *htmlform.Page) (rule, *hit) {
	for _, r := range rules {
		if h := r.match(w, p); h != nil {
			return r, h
		}
	}
	panic("form: no rule matched; the last one matches every page")
}

// fail names the step in err.
func fail(step string, err error) error {
	return fmt.Errorf("form: %s: %w", step, err)
}

// pageErr is the error for a page the walk cannot go on from; see
// newPageError.
func pageErr(step string, page *htmlform.Page, detail string) error {
	return fmt.Errorf("form: %w", newPageError(step, page, detail))
}

// walk is the state of one Login.
type walk struct {
	d  *Driver
	in idp.LoginInput

	step          string          // the step that fetched the current page
	lastSecret    string          // what the request of step carried ("password", "verification code") or ""
	saml          secret.String   // the SAMLResponse, once found
	passwordField string          // name of the password input posted; "" before
	usernameForm  string          // key of the username-only form posted
	codeForm      string          // key of the last code form posted
	codeTries     int             // codes posted to codeForm
	codeFromInput bool            // the last code posted came from in.MFACode
	usedInputCode bool            // in.MFACode has been posted
	chosen        map[string]bool // choice pages answered (choiceKey)
	seen          map[string]bool // hand-overs followed (method, action, values)
}

// actLogin fills and posts a username/password form.
func actLogin(ctx context.Context, w *walk, page *htmlform.Page, h *hit) (*http.Response, string, error) {
	f := h.form
	if w.passwordField != "" {
		if w.lastSecret == "verification code" {
			// Sent back to the sign-in form after a code: the code was
			// refused, not the password.
			return nil, "", rejected(stepCode, idp.ErrMFARejected, page, f)
		}
		return nil, "", rejected(stepLogin, idp.ErrRejected, page, f)
	}
	pw := f.PasswordInputs()
	if len(pw) > 1 {
		return nil, "", pageErr(stepLogin, page,
			"the form asks for more than one password (a password change?); finish it in a browser first")
	}
	if pw[0].Name == "" {
		return nil, "", pageErr(stepLogin, page, "the password field has no name")
	}
	// Before anything is typed: may the password go where this form sends it?
	if err := htmlform.CheckSecret(w.d.route, f, "password"); err != nil {
		return nil, "", fail(stepLogin, err)
	}
	v := f.Values()
	user := w.in.Username
	if u, ok := usernameInput(f, pw[0]); ok {
		if user == "" {
			user = strings.TrimSpace(u.Value)
		}
		if user == "" {
			var err error
			if user, err = w.ask(stepLogin, "Username"); err != nil {
				return nil, "", err
			}
		}
		v.Set(u.Name, user)
	}
	password, err := w.in.LazyPassword(ctx)
	if err != nil {
		return nil, "", fail(stepLogin, err)
	}
	if password.Empty() {
		msg := "Password"
		if user != "" {
			msg = "Password for " + user
		}
		msg += " at " + idp.DisplayHost(f.Action)
		var err error
		if password, err = w.askSecret(stepLogin, msg, "password"); err != nil {
			return nil, "", err
		}
	}
	v.Set(pw[0].Name, password.Reveal())
	if w.in.RememberSession {
		if box, ok := rememberBox(f); ok {
			w.d.deps.Log.DebugContext(ctx, "form: tick the remember-me box", "name", box.Name)
			v.Set(box.Name, cmp.Or(box.Value, "on"))
		}
	}
	addDefaultButton(f, v)
	w.passwordField = pw[0].Name // from here on, never post a password again
	return w.submit(ctx, stepLogin, f, v, "password")
}

// actUsername posts a form that asks for the username alone.
func actUsername(ctx context.Context, w *walk, page *htmlform.Page, h *hit) (*http.Response, string, error) {
	f, in := h.form, h.field
	key := formKey(f, in)
	if w.usernameForm == key {
		return nil, "", rejected(stepUsername, idp.ErrRejected, page, f)
	}
	user := w.in.Username
	if user == "" {
		user = strings.TrimSpace(in.Value)
	}
	if user == "" {
		var err error
		if user, err = w.ask(stepUsername, "Username"); err != nil {
			return nil, "", err
		}
	}
	v := f.Values()
	v.Set(in.Name, user)
	addDefaultButton(f, v)
	w.usernameForm = key
	return w.submit(ctx, stepUsername, f, v, "")
}

// actCode posts a one-time code into the hit's field. The same code form
// coming back means the code was refused: a code from LoginInput is not
// tried again, a prompted one is asked for again up to maxCodeAttempts
// times.
func actCode(ctx context.Context, w *walk, page *htmlform.Page, h *hit) (*http.Response, string, error) {
	f, field := h.form, h.field
	key := formKey(f, field)
	if w.codeForm == key {
		if w.codeFromInput || w.codeTries >= maxCodeAttempts {
			return nil, "", rejected(stepCode, idp.ErrMFARejected, page, f)
		}
		msg := rejectionMessage(page, f)
		if msg == "" {
			msg = "the code was not accepted"
		}
		w.d.deps.Say("%s; try again", msg)
	} else {
		w.codeForm, w.codeTries = key, 0
	}
	if err := htmlform.CheckSecret(w.d.route, f, "verification code"); err != nil {
		return nil, "", fail(stepCode, err)
	}
	var code secret.String
	w.codeFromInput = false
	if !w.in.MFACode.Empty() && !w.usedInputCode {
		code, w.usedInputCode, w.codeFromInput = w.in.MFACode, true, true
	} else {
		var err error
		if code, err = w.askSecret(stepCode, "Verification code", "verification code"); err != nil {
			return nil, "", err
		}
	}
	v := f.Values()
	v.Set(field.Name, strings.TrimSpace(code.Reveal()))
	addDefaultButton(f, v)
	w.codeTries++
	return w.submit(ctx, stepCode, f, v, "verification code")
}

// actAutoSubmit posts a hand-over form (hidden fields, perhaps a button a
// script hides) as a browser would: with its first named submit button,
// if it has one. The same form (method, action and values) twice is a
// loop.
func actAutoSubmit(ctx context.Context, w *walk, page *htmlform.Page, h *hit) (*http.Response, string, error) {
	f := h.form
	v := f.Values()
	addDefaultButton(f, v)
	action := ""
	if f.Action != nil {
		action = f.Action.String()
	}
	if err := w.once(page, f.Method+" "+action+" "+v.Encode()); err != nil {
		return nil, "", err
	}
	return w.submit(ctx, stepAuto, f, v, "")
}

// actRefresh opens the page a <meta http-equiv="refresh"> names.
func actRefresh(ctx context.Context, w *walk, page *htmlform.Page, h *hit) (*http.Response, string, error) {
	if err := w.once(page, "GET "+h.link.String()); err != nil {
		return nil, "", err
	}
	return w.get(ctx, stepRefresh, h.link)
}

// once reports a loop when the same hand-over comes back.
func (w *walk) once(page *htmlform.Page, key string) error {
	if w.seen[key] {
		return pageErr(w.step, page, "the portal sent the same hand-over page again (a loop)")
	}
	w.seen[key] = true
	return nil
}

// get opens u, which a page pointed to (a refresh, a link).
func (w *walk) get(ctx context.Context, step string, u *url.URL) (*http.Response, string, error) {
	w.lastSecret = ""
	if err := idp.CheckURL(u); err != nil {
		return nil, "", fail(step, err)
	}
	w.d.deps.Log.DebugContext(ctx, "form: open", "step", step, "url", idp.RedactURL(u))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", fail(step, err)
	}
	resp, err := w.d.deps.Client.Do(req)
	if err != nil {
		return nil, "", fail(step, idp.RedactError(err))
	}
	return resp, step, nil
}

// submit sends v to the form's action and logs the field names, never the
// values. A form that carries a secret names it in what ("password",
// "verification code") and is sent only on the driver's route.
func (w *walk) submit(ctx context.Context, step string, f *htmlform.Form, v url.Values, what string) (*http.Response, string, error) {
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	slices.Sort(names)
	w.d.deps.Log.DebugContext(ctx, "form: submit", "step", step, "method", f.Method,
		"action", idp.RedactURL(f.Action), "fields", strings.Join(names, ","))
	var resp *http.Response
	var err error
	w.lastSecret = what
	if what != "" {
		resp, err = htmlform.SubmitSecret(ctx, w.d.deps.Client, w.d.route, f, v, what)
	} else {
		resp, err = htmlform.Submit(ctx, w.d.deps.Client, f, v)
	}
	if err != nil {
		return nil, "", fail(step, err)
	}
	return resp, step, nil
}

// ask prompts for a visible value.
func (w *walk) ask(step, msg string) (string, error) {
	if w.d.deps.Prompt == nil {
		return "", fail(step, fmt.Errorf("no username given: %w", idp.ErrNoPrompt))
	}
	s, err := w.d.deps.Prompt.Input(msg)
	if err != nil {
		return "", fail(step, err)
	}
	return strings.TrimSpace(s), nil
}

// askSecret prompts for a secret; what names it in the error when the
// prompter is missing.
func (w *walk) askSecret(step, msg, what string) (secret.String, error) {
	if w.d.deps.Prompt == nil {
		return secret.String{}, fail(step, fmt.Errorf("no %s given: %w", what, idp.ErrNoPrompt))
	}
	s, err := w.d.deps.Prompt.Secret(msg)
	if err != nil {
		return secret.String{}, fail(step, err)
	}
	if s.Empty() {
		return secret.String{}, fail(step, fmt.Errorf("empty %s", what))
	}
	return s, nil
}
