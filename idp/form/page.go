package form

import (
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
)

// textInputs are the named, enabled inputs a user types text into. A
// search box (type=search) is not one: it is no sign-in field.
func textInputs(f *htmlform.Form) []htmlform.Input {
	var out []htmlform.Input
	for _, in := range f.VisibleTextInputs() {
		if in.Name != "" && in.Type != "search" {
			out = append(out, in)
		}
	}
	return out
}

// userLike reports whether a text input is named or marked like a username
// field (user, login, email, j_username, autocomplete=username...).
func userLike(in htmlform.Input) bool {
	if in.Type == "email" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(in.AutoComplete)) {
	case "username", "email":
		return true
	}
	n := strings.ToLower(in.Name)
	for _, p := range []string{"user", "login", "mail", "upn"} {
		if strings.Contains(n, p) {
			return true
		}
	}
	return false
}

// codeLike reports whether a text input is named or marked like a one-time
// code field.
func codeLike(in htmlform.Input) bool {
	if strings.EqualFold(strings.TrimSpace(in.AutoComplete), "one-time-code") {
		return true
	}
	n := strings.ToLower(in.Name)
	for _, p := range []string{"otp", "code", "token", "passcode", "pin", "mfa", "2fa", "factor"} {
		if strings.Contains(n, p) {
			return true
		}
	}
	return false
}

// usernameInput picks the field the username goes into on a login form:
// a text or email input named like a username field, else the nearest text
// or email input before the password field, else the only text input.
func usernameInput(f *htmlform.Form, password htmlform.Input) (htmlform.Input, bool) {
	texts := textInputs(f)
	for _, in := range texts {
		if userLike(in) && !codeLike(in) {
			return in, true
		}
	}
	var last htmlform.Input
	found := false
	for _, in := range f.Inputs {
		if in.Type == "password" && in.Name == password.Name {
			break
		}
		if !in.Disabled && in.Name != "" && (in.Type == "text" || in.Type == "email") {
			last, found = in, true
		}
	}
	if found {
		return last, true
	}
	if len(texts) == 1 {
		return texts[0], true
	}
	return htmlform.Input{}, false
}

// formKey identifies a form across pages: where it posts and the field the
// user fills. The query string (often a fresh state handle) is left out.
func formKey(f *htmlform.Form, field htmlform.Input) string {
	return shortURL(f.Action) + "#" + field.Name
}

// addDefaultButton adds what a browser sends when the user presses Enter:
// the name and value of the form's first submit button, if it has a name.
func addDefaultButton(f *htmlform.Form, v url.Values) {
	for _, in := range f.Inputs {
		if in.Disabled || (in.Type != "submit" && in.Type != "image") {
			continue
		}
		if in.Type == "submit" && in.Name != "" {
			v.Add(in.Name, in.Value)
		}
		return
	}
}

// shortURL is scheme://host/path: no user info, query or fragment, which
// may carry state.
func shortURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return c.String()
}

// errorSelectors find the error message a sign-in page shows, most
// specific first.
var errorSelectors = []string{
	// SimpleSAMLphp 1.x: <img class="erroricon"> <h2>Error</h2> <p><strong>msg</strong></p>
	".erroricon ~ p strong",
	".erroricon ~ p",
	// SimpleSAMLphp 2.x, ADFS, Keycloak, Shibboleth, PingFederate, Okta...
	".message-box.error",
	"#errorText", "#error-text", "#errorMessage", "#error-message", "#error_message",
	"#login-error", "#loginError", "#input-error", ".kc-feedback-text",
	"#error", ".ping-error", ".o-form-error-container",
	"[role=alert]", ".alert-danger", ".alert-error", ".error-message", ".errorMessage",
	".form-error", ".form-element.form-error", ".error", ".errors",
}

// maxMessage bounds a message or snippet read off a page, in runes.
const maxMessage = 300

// errorMessage returns the error message shown on the page, or "".
// Elements hidden by attribute or inline style (client-side validation
// messages waiting to be shown) are skipped.
func errorMessage(page *htmlform.Page) string {
	if page == nil || page.Doc == nil {
		return ""
	}
	for _, sel := range errorSelectors {
		msg := ""
		page.Doc.Find(sel).EachWithBreak(func(_ int, s *goquery.Selection) bool {
			if hidden(s) {
				return true
			}
			msg = collapse(s.Text())
			return msg == ""
		})
		if msg != "" {
			return truncate(msg, maxMessage)
		}
	}
	return ""
}

// hidden reports whether s or an ancestor is hidden by the hidden or
// aria-hidden attribute or by an inline display:none / visibility:hidden.
func hidden(s *goquery.Selection) bool {
	for n := s; n.Length() > 0; n = n.Parent() {
		if _, ok := n.Attr("hidden"); ok {
			return true
		}
		if v, _ := n.Attr("aria-hidden"); strings.EqualFold(v, "true") {
			return true
		}
		style, _ := n.Attr("style")
		style = strings.ToLower(strings.ReplaceAll(style, " ", ""))
		if strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden") {
			return true
		}
	}
	return false
}

// newPageError describes a page the walk cannot go on from. An empty
// detail is filled with the page's error message, or with what was
// expected and the start of the page's text.
func newPageError(step string, page *htmlform.Page, detail string) *idp.PageError {
	if detail == "" {
		detail = errorMessage(page)
	}
	if detail == "" {
		detail = "no SAMLResponse, sign-in form, code field or auto-submit form on the page"
		if len(page.Forms) == 0 {
			detail = "no form and no SAMLResponse on the page"
		}
		if s := snippet(page); s != "" {
			detail += "; it says: " + s
		}
	}
	return &idp.PageError{
		Step:   step,
		Title:  page.Title,
		URL:    shortURL(page.URL),
		Status: page.Status,
		Detail: detail,
	}
}

// snippetLen bounds the page text quoted in a PageError, in runes.
const snippetLen = 160

// snippet is the start of the page's main text: #content, <main> or the
// body, without scripts, styles and forms, and without a leading repeat of
// the title.
func snippet(page *htmlform.Page) string {
	if page.Doc == nil {
		return ""
	}
	var main *goquery.Selection
	for _, sel := range []string{"#content", "main", "[role=main]", "body"} {
		if s := page.Doc.Find(sel).First(); s.Length() > 0 {
			main = s
			break
		}
	}
	if main == nil {
		return ""
	}
	c := main.Clone()
	c.Find("script, style, noscript, template, form, pre").Remove()
	text := collapse(c.Text())
	if page.Title != "" {
		text = strings.TrimSpace(strings.TrimPrefix(text, page.Title))
	}
	return truncate(text, snippetLen)
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// truncate cuts s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}
