package form

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
	"github.com/samlogin/samlogin/internal/secret"
)

// rule is one kind of page the walk knows: match finds what to act on (nil
// when the page is not of this kind), act answers the page and returns the
// response to the next request and the step that made it, or the error
// that ends the walk. A rule whose act ends the walk with a SAMLResponse
// sets walk.saml.
type rule struct {
	name  string
	match func(w *walk, p *htmlform.Page) *hit
	act   func(ctx context.Context, w *walk, p *htmlform.Page, h *hit) (*http.Response, string, error)
}

// hit is what a rule's match found on a page.
type hit struct {
	form    *htmlform.Form
	field   htmlform.Input // the input to fill
	choices []choice       // a method-choice page's methods
	link    *url.URL       // a page to open (refresh)
	what    string         // an unsupported second factor
	saml    string         // the SAMLResponse found
}

// rules are tried in this order on every page; the first that matches
// answers it. Each has a test page in testdata/ (see README.md there), and
// --debug logs its name for every page.
var rules = []rule{
	{"saml-response", matchSAML, actSAML},
	{"empty-saml-response", matchEmptySAML, actEmptySAML},
	{"unsupported-mfa", matchUnsupported, actUnsupported},
	{"second-secret", matchSecondSecret, actCode},
	{"password-form", matchPassword, actLogin},
	{"method-choice", matchChoice, actChoose},
	{"username-form", matchUsername, actUsername},
	{"code-form", matchCode, actCode},
	{"auto-submit", matchAutoSubmit, actAutoSubmit},
	{"noscript-form", matchNoscript, actAutoSubmit},
	{"meta-refresh", matchRefresh, actRefresh},
	{"rejected", matchRejected, actRejected},
	{"needs-javascript", matchNeedsJS, actNeedsJS},
	{"unknown-page", func(*walk, *htmlform.Page) *hit { return &hit{} }, actUnknown},
}

func matchSAML(w *walk, p *htmlform.Page) *hit {
	if v, _, ok := p.SAMLResponse(); ok {
		return &hit{saml: v}
	}
	return nil
}

func matchEmptySAML(_ *walk, p *htmlform.Page) *hit {
	if hasSAMLField(p) {
		return &hit{}
	}
	return nil
}

func actEmptySAML(_ context.Context, w *walk, p *htmlform.Page, _ *hit) (*http.Response, string, error) {
	return nil, "", pageErr(w.step, p, "the page's SAMLResponse field is empty")
}

func matchUnsupported(w *walk, p *htmlform.Page) *hit {
	what := htmlform.UnsupportedMFA(p)
	if what == "" {
		return nil
	}
	// A page that lets the user choose among methods (one of them
	// WebAuthn, say) is a choice page: the unsupported one is refused only
	// once chosen. Duo's own pages are Duo's, whatever they offer.
	if !strings.Contains(strings.ToLower(p.URL.Hostname()), "duosecurity.com") && matchChoice(w, p) != nil {
		return nil
	}
	return &hit{what: what}
}

func actUnsupported(_ context.Context, w *walk, p *htmlform.Page, h *hit) (*http.Response, string, error) {
	return nil, "", browserErr(w.step, p, idp.ErrUnsupportedMFA, h.what)
}

// matchSecondSecret: after the password, a form with one different
// password field and nothing to type in: a passcode typed into a password
// box.
func matchSecondSecret(w *walk, p *htmlform.Page) *hit {
	f := p.FormWithPassword()
	if f == nil || w.passwordField == "" {
		return nil
	}
	if pw := f.PasswordInputs(); len(pw) == 1 && pw[0].Name != "" && pw[0].Name != w.passwordField && len(textInputs(f)) == 0 &&
		!hasUserField(f) {
		return &hit{form: f, field: pw[0]}
	}
	return nil
}

// hasUserField reports whether f carries a user name, hidden or not: a
// sign-in form again (with the password field renamed), where a code must
// not go.
func hasUserField(f *htmlform.Form) bool {
	for _, in := range f.Inputs {
		if in.Name != "" && in.Type != "password" && !in.IsButton() && userLike(in) && !codeLike(in) {
			return true
		}
	}
	return false
}

func matchPassword(_ *walk, p *htmlform.Page) *hit {
	if f := p.FormWithPassword(); f != nil {
		return &hit{form: f}
	}
	return nil
}

// matchUsername: the first form with one text input, named like a user
// name field and not like a code field.
func matchUsername(_ *walk, p *htmlform.Page) *hit {
	if f, in, ok := oneTextInput(p); ok && userLike(in) && !codeLike(in) {
		return &hit{form: f, field: in}
	}
	return nil
}

// matchCode: the first form with one text input (the username rule came
// first).
func matchCode(_ *walk, p *htmlform.Page) *hit {
	if f, in, ok := oneTextInput(p); ok {
		return &hit{form: f, field: in}
	}
	return nil
}

func oneTextInput(p *htmlform.Page) (*htmlform.Form, htmlform.Input, bool) {
	for _, f := range p.Forms {
		if texts := textInputs(f); len(texts) == 1 {
			return f, texts[0], true
		}
	}
	return nil, htmlform.Input{}, false
}

// matchRejected: the answer to a password or a code that is no next step
// but an error page: an error or alert message, a message code, or no form
// and a link back to the portal.
func matchRejected(w *walk, p *htmlform.Page) *hit {
	if w.lastSecret == "" || autoSubmitForm(p) != nil {
		return nil
	}
	if errorMessage(p) != "" || messageCode(p) != "" || (len(p.Forms) == 0 && linkBack(w, p)) {
		return &hit{}
	}
	return nil
}

func actRejected(_ context.Context, w *walk, p *htmlform.Page, _ *hit) (*http.Response, string, error) {
	if w.lastSecret != "password" {
		return nil, "", rejected(w.step, idp.ErrMFARejected, p, nil)
	}
	// Not the sign-in form again but an error page: refused, perhaps for
	// another reason than the password (an attribute the application
	// needs), which the message says.
	return nil, "", fail(w.step, rejection(idp.ErrRejected, p, nil, true))
}

func matchAutoSubmit(_ *walk, p *htmlform.Page) *hit {
	if f := autoSubmitForm(p); f != nil {
		return &hit{form: f}
	}
	return nil
}

func autoSubmitForm(p *htmlform.Page) *htmlform.Form {
	for _, f := range p.Forms {
		if f.IsAutoSubmit() {
			return f
		}
	}
	return nil
}

// matchNoscript: a form inside <noscript>, which a browser without
// scripts shows (the HTML parser reads <noscript> as text, as a browser
// with scripts does): hidden fields and a button to continue.
func matchNoscript(_ *walk, p *htmlform.Page) *hit {
	var found *htmlform.Form
	for _, n := range p.Doc.Find("noscript").Nodes {
		if found != nil || n.FirstChild == nil {
			break
		}
		inner, err := htmlform.Parse([]byte(n.FirstChild.Data), p.URL, p.Status)
		if err != nil {
			continue
		}
		found = autoSubmitForm(inner)
	}
	if found == nil {
		return nil
	}
	return &hit{form: found}
}

// matchRefresh: <meta http-equiv="refresh" content="N; url=...">.
func matchRefresh(_ *walk, p *htmlform.Page) *hit {
	if u := refreshURL(p); u != nil {
		return &hit{link: u}
	}
	return nil
}

// matchNeedsJS: no form, no refresh, no link within the IdP's site (a
// footer's "Privacy" link to elsewhere does not count), but scripts: only a
// browser goes on from here.
func matchNeedsJS(w *walk, p *htmlform.Page) *hit {
	if len(p.Forms) > 0 || p.Doc.Find("script").Length() == 0 {
		return nil
	}
	for _, u := range links(p) {
		if w.d.route.Allowed(u.Hostname()) {
			return nil
		}
	}
	return &hit{}
}

func actNeedsJS(_ context.Context, w *walk, p *htmlform.Page, _ *hit) (*http.Response, string, error) {
	return nil, "", browserErr(w.step, p, idp.ErrNeedsBrowser, "")
}

func actUnknown(_ context.Context, w *walk, p *htmlform.Page, _ *hit) (*http.Response, string, error) {
	return nil, "", pageErr(w.step, p, "")
}

func actSAML(_ context.Context, w *walk, _ *htmlform.Page, h *hit) (*http.Response, string, error) {
	w.saml = secret.New(h.saml)
	return nil, "", nil
}
