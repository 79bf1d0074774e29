package adfs

import (
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
	"github.com/samlogin/samlogin/internal/lazyre"
)

// ADFS 2.0 (ASP.NET WebForms) field names.
const (
	user20   = "ctl00$ContentPlaceHolder1$UsernameTextBox"
	pass20   = "ctl00$ContentPlaceHolder1$PasswordTextBox"
	submit20 = "ctl00$ContentPlaceHolder1$SubmitButton"
)

// loginForm is a sign-in form and the names of the fields to fill.
type loginForm struct {
	form   *htmlform.Form
	user   string          // "" when the form has no user name field
	pass   string          // the password field
	button *htmlform.Input // the button a browser would click, if it counts
	shape  string          // "adfs2.0", "adfs2012r2+" or "generic"
}

// findLogin finds the sign-in form of an ADFS page: form#loginForm with
// UserName and Password (2012 R2 and later; 2019's hidden UserName in
// #options is another form and stays untouched), the ASP.NET form of ADFS
// 2.0, or else any form with exactly one password field.
func findLogin(p *htmlform.Page) (*loginForm, bool) {
	var generic *loginForm
	for _, f := range p.Forms {
		pw := f.PasswordInputs()
		if len(pw) != 1 {
			continue
		}
		if _, ok := f.Input(pass20); ok && pw[0].Name == pass20 {
			return &loginForm{form: f, user: user20, pass: pass20, button: namedButton(f, submit20), shape: "adfs2.0"}, true
		}
		if u, ok := f.Input("UserName"); ok && !u.Hidden && pw[0].Name == "Password" {
			return &loginForm{form: f, user: "UserName", pass: "Password", shape: "adfs2012r2+"}, true
		}
		if generic == nil && pw[0].Name != "" {
			lf := &loginForm{form: f, pass: pw[0].Name, button: namedButton(f, ""), shape: "generic"}
			for _, in := range f.VisibleTextInputs() {
				if in.Name != "" {
					lf.user = in.Name
					break
				}
			}
			generic = lf
		}
	}
	return generic, generic != nil
}

// namedButton returns the submit button called name ("" = the first named
// submit button): browsers send the clicked button's name and value, and
// ASP.NET pages act on it.
func namedButton(f *htmlform.Form, name string) *htmlform.Input {
	for i, in := range f.Inputs {
		if in.Type == "submit" && in.Name != "" && !in.Disabled && (name == "" || in.Name == name) {
			return &f.Inputs[i]
		}
	}
	return nil
}

// loginError is the error message a sign-in page shows: #errorText
// (2012 R2+) or the ASP.NET label of ADFS 2.0, through idp.CleanText.
func loginError(p *htmlform.Page) string {
	for _, sel := range []string{"#errorText", "#ctl00_ContentPlaceHolder1_ErrorTextLabel", "#ContentPlaceHolder1_ErrorTextLabel"} {
		if t := pageText(p, sel); t != "" {
			return t
		}
	}
	return ""
}

// pageText is the text of the first element matching selector, through
// idp.CleanText: every message this package quotes from a page is read
// here.
func pageText(p *htmlform.Page, selector string) string {
	return idp.CleanText(p.TextSnippet(selector))
}

// mfaPage is an additional-authentication page: a form with hidden
// AuthMethod and Context fields.
type mfaPage struct {
	form    *htmlform.Form // AuthMethod set; nil on a page that only offers a choice
	method  string         // form's AuthMethod
	choice  *htmlform.Form // the #options form, AuthMethod empty, with Context
	options []option
}

// option is one method offered on a choice page.
type option struct{ id, label string }

type mfaKind int

const (
	mfaUnsupported mfaKind = iota
	mfaCode
	mfaPush
	mfaChoice
	mfaDuo
)

// pushMethods are AuthMethods whose page waits for an approval elsewhere.
var pushMethods = map[string]bool{
	"AzureMfaAuthentication":       true, // Azure MFA (cloud) adapter
	"AzureMfaServerAuthentication": true, // Azure MFA Server adapter
}

// codeFields are the names of code inputs on ADFS adapter pages, in order
// of preference.
var codeFields = []string{"VerificationCode", "Passcode", "OathCode", "ChallengeQuestionAnswer", "security_code"}

func findMFA(p *htmlform.Page) (*mfaPage, bool) {
	m := &mfaPage{}
	for _, f := range p.Forms {
		ctx, hasCtx := f.Input("Context")
		am, hasAM := f.Input("AuthMethod")
		if !hasCtx || !ctx.Hidden || !hasAM || !am.Hidden {
			continue
		}
		switch {
		case am.Value != "" && m.form == nil:
			m.form, m.method = f, am.Value
		case am.Value == "" && m.choice == nil:
			m.choice = f
		}
	}
	if m.form == nil && m.choice == nil {
		return nil, false
	}
	m.options = options(p)
	if m.form == nil && len(m.options) == 0 && !isDuo(p, m) {
		return nil, false
	}
	return m, true
}

var selectOption = lazyre.New(`SelectOption\(\s*['"]([^'"]+)['"]`)

// options lists the methods a page offers as links: ADFS renders each as
// <a id="AuthMethodName" onclick="return SelectOption('AuthMethodName')">.
func options(p *htmlform.Page) []option {
	var out []option
	seen := map[string]bool{}
	p.Doc.Find("#authOptions a, #authOptionLinks a, a.actionLink").Each(func(_ int, a *goquery.Selection) {
		id := ""
		if on, ok := a.Attr("onclick"); ok {
			if m := selectOption().FindStringSubmatch(on); m != nil {
				id = m[1]
			}
		}
		if id == "" {
			id, _ = a.Attr("id")
		}
		label := idp.CleanTextN(a.Text(), 100) // shown in a prompt
		if id == "" || seen[id] {
			return
		}
		if label == "" {
			label = id
		}
		seen[id] = true
		out = append(out, option{id: id, label: label})
	})
	return out
}

func isDuo(p *htmlform.Page, m *mfaPage) bool {
	if strings.Contains(strings.ToLower(m.method), "duo") {
		return true
	}
	if p.Doc.Find(`#duo_iframe, #duo_form, iframe[src*="duosecurity"]`).Length() > 0 {
		return true
	}
	for _, f := range p.Forms {
		for _, in := range f.Inputs {
			if strings.HasPrefix(strings.ToLower(in.Name), "duo_") {
				return true
			}
		}
	}
	return false
}

func (m *mfaPage) kind(p *htmlform.Page) mfaKind {
	switch {
	case isDuo(p, m):
		return mfaDuo
	case m.form == nil:
		return mfaChoice
	case codeField(m.form) != "":
		return mfaCode
	case pushMethods[m.method] || !hasVisibleInputs(m.form):
		return mfaPush
	}
	return mfaUnsupported
}

// codeField returns the name of the input a code goes into: a known name,
// else the form's only visible text or password input.
func codeField(f *htmlform.Form) string {
	for _, name := range codeFields {
		for _, in := range f.Inputs {
			if strings.EqualFold(in.Name, name) && !in.Hidden && !in.Disabled && !in.IsButton() {
				return in.Name
			}
		}
	}
	var visible []htmlform.Input
	for _, in := range append(f.VisibleTextInputs(), f.PasswordInputs()...) {
		if in.Name != "" {
			visible = append(visible, in)
		}
	}
	if len(visible) == 1 {
		return visible[0].Name
	}
	return ""
}

func hasVisibleInputs(f *htmlform.Form) bool {
	return len(f.VisibleTextInputs())+len(f.PasswordInputs()) > 0
}

// mfaError is the message an additional-authentication page shows.
func mfaError(p *htmlform.Page) string {
	return pageText(p, "#errorText")
}

var (
	msisCode   = lazyre.New(`MSIS\d{4}`)
	activityID = lazyre.New(`Activity ID:\s*([0-9A-Fa-f]{8}-[0-9A-Fa-f-]{27})`)
)

// isErrorPage reports whether p is an ADFS error page ("An error occurred",
// #errorArea) or names an MSIS error.
func isErrorPage(p *htmlform.Page) bool {
	if p.Doc.Find("#errorArea, #openingMessage").Length() > 0 {
		return true
	}
	return msisCode().MatchString(p.Doc.Find("body").Text())
}

// errorDetail says what an ADFS error page means. start is whether the page
// answered the first request, where a disabled sign-on page or an unknown
// relying party are the usual causes.
func errorDetail(p *htmlform.Page, rp string, start bool) string {
	text := strings.Join(strings.Fields(p.Doc.Find("body").Text()), " ")
	code := msisCode().FindString(text)
	var d string
	switch code {
	case "MSIS7065":
		d = "the IdP-initiated sign-on page is disabled on this ADFS (an administrator enables it with Set-AdfsProperties -EnableIdpInitiatedSignonPage $true)"
	case "MSIS7007":
		d = fmt.Sprintf("ADFS has no relying party trust %q (MSIS7007): check the relying party identifier (loginToRp) for this AWS partition", rp)
	default:
		msg := pageText(p, "#errorMessage")
		if msg == "" {
			msg = pageText(p, "#openingMessage")
		}
		if msg == "" {
			msg = "an error page"
		}
		d = "ADFS says: " + msg
		if code != "" {
			d += " " + sentence(text, code)
		} else if start {
			d += fmt.Sprintf("; the IdP-initiated sign-on page may be disabled (Set-AdfsProperties -EnableIdpInitiatedSignonPage $true) or the relying party %q unknown", rp)
		}
	}
	if m := activityID().FindStringSubmatch(text); m != nil {
		d += " (Activity ID " + m[1] + ")"
	}
	return d
}

// sentence returns the sentence of text that starts at prefix, through
// idp.CleanText.
func sentence(text, prefix string) string {
	i := strings.Index(text, prefix)
	if i < 0 {
		return ""
	}
	s := text[i:]
	if j := strings.Index(s, ". "); j >= 0 {
		s = s[:j+1]
	}
	return idp.CleanText(s)
}
