package form

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
	"github.com/samlogin/samlogin/internal/lazyre"
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
//
// It is the field's name alone: a portal may post each try to a new path
// (/otp/tx3, then /otp/tx5), and the same field asked for again after it
// was sent is that field coming back.
func formKey(_ *htmlform.Form, field htmlform.Input) string {
	return field.Name
}

// addDefaultButton adds the button a person would click: the form's first
// submit button that does not cancel, reject or go back (see cancels), else
// its first one, as a browser does when the user presses Enter. Its name
// and value are sent if it has a name.
func addDefaultButton(f *htmlform.Form, v url.Values) {
	var first *htmlform.Input
	for i, in := range f.Inputs {
		if in.Disabled || (in.Type != "submit" && in.Type != "image") {
			continue
		}
		if first == nil {
			first = &f.Inputs[i]
		}
		if !cancels(in) {
			first = &f.Inputs[i]
			break
		}
	}
	if first != nil && first.Type == "submit" && first.Name != "" {
		v.Add(first.Name, first.Value)
	}
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
	// Last, any element whose class or id says so, that holds no form
	// control (not a wrapper around the form).
	`[class*=error]:not(:has(input, form))`, `[id*=error]:not(:has(input, form))`,
	`[class*=danger]:not(:has(input, form))`, `[class*=alert]:not(:has(input, form))`,
	`[id*=alert]:not(:has(input, form))`, `[class*=warning]:not(:has(input, form))`,
	`[class*=message]:not(:has(input, form))`, `[id*=message]:not(:has(input, form))`,
}

// errorMessage returns the error message shown on the page, through
// idp.CleanText (one line, no control characters or escape sequences, no
// token, at most idp.MaxText runes), or "". Elements hidden by attribute
// or inline style (client-side validation messages waiting to be shown)
// are skipped, and so are those whose only words are a link's or a
// button's (LemonLDAP::NG's #error holds only "Go to portal").
func errorMessage(page *htmlform.Page) string {
	if page == nil || page.Doc == nil {
		return ""
	}
	for _, sel := range errorSelectors {
		msg := ""
		page.Doc.Find(sel).EachWithBreak(func(_ int, s *goquery.Selection) bool {
			if hidden(s) || visibleText(s.Clone().Find("a, button").Remove().End()) == "" {
				return true // hidden, or only a link's or a button's words ("Go to portal")
			}
			if notAnError(s) {
				return true // "alert alert-info": your password expires in 5 days
			}
			msg = idp.CleanText(visibleText(s))
			return msg == ""
		})
		if msg != "" {
			return msg
		}
	}
	return ""
}

// notAnError reports whether s is marked as a notice that is no error:
// Bootstrap's alert-info / alert-success, a "notice" or "success" class.
func notAnError(s *goquery.Selection) bool {
	class := strings.ToLower(s.AttrOr("class", ""))
	if strings.Contains(class, "error") || strings.Contains(class, "danger") {
		return false
	}
	for _, w := range []string{"info", "success", "notice", "positive"} {
		if strings.Contains(class, w) {
			return true
		}
	}
	return false
}

// hidden reports whether s or an ancestor is hidden by the hidden or
// aria-hidden attribute or by an inline display:none / visibility:hidden.
func hidden(s *goquery.Selection) bool {
	for _, n := range s.Nodes {
		for ; n != nil; n = n.Parent {
			if n.Type == html.ElementNode && hiddenNode(n) {
				return true
			}
		}
	}
	return false
}

// inline are the elements whose text runs on with the text around them.
var inline = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true,
	atom.Cite: true, atom.Code: true, atom.Data: true, atom.Dfn: true, atom.Em: true,
	atom.Font: true, atom.I: true, atom.Kbd: true, atom.Label: true, atom.Mark: true,
	atom.Q: true, atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true,
	atom.Strong: true, atom.Sub: true, atom.Sup: true, atom.Time: true, atom.U: true,
	atom.Var: true,
}

// hiddenNode reports whether the element itself is hidden.
func hiddenNode(n *html.Node) bool {
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			style := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
			if strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden") {
				return true
			}
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
		URL:    idp.ShortURL(page.URL),
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
	text := visibleText(c)
	if page.Title != "" {
		text = strings.TrimSpace(strings.TrimPrefix(text, page.Title))
	}
	return idp.CleanTextN(text, snippetLen)
}

// visibleText is the text of s, with elements hidden by attribute or
// inline style left out, and a space between the texts of elements (so
// that "<h3>A</h3><p>B</p>" reads "A B", while "<b>A</b>." stays "A."),
// white space collapsed.
func visibleText(s *goquery.Selection) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if hiddenNode(n) {
				return
			}
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Template, atom.Noscript:
				return
			}
			if !inline[n.DataAtom] {
				b.WriteByte(' ')
				defer b.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range s.Nodes {
		walk(n)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// hasSAMLField reports whether a form on the page has a SAMLResponse input
// (found empty, since Page.SAMLResponse did not return it).
func hasSAMLField(page *htmlform.Page) bool {
	for _, f := range page.Forms {
		for _, in := range f.Inputs {
			if strings.EqualFold(in.Name, "SAMLResponse") {
				return true
			}
		}
	}
	return false
}

// rejected is the error for a refused password (kind idp.ErrRejected) or
// code (idp.ErrMFARejected), with the IdP's words or message code. f is the
// form that came back, if any.
func rejected(step string, kind error, page *htmlform.Page, f *htmlform.Form) error {
	return fail(step, rejection(kind, page, f, false))
}

// rejection is the RejectedError of a page; errorPage says the IdP answered
// with an error page instead of its form (see idp.RejectedError).
func rejection(kind error, page *htmlform.Page, f *htmlform.Form, errorPage bool) *idp.RejectedError {
	e := &idp.RejectedError{Kind: kind, Message: rejectionMessage(page, f), ErrorPage: errorPage}
	if e.Message == "" {
		e.Code = messageCode(page)
	}
	return e
}

// rejectionMessage is the page's error message, else the text of a <p> or
// <div> just before the form that came back (a portal that puts its
// message there with no class), through idp.CleanText.
func rejectionMessage(page *htmlform.Page, f *htmlform.Form) string {
	if msg := errorMessage(page); msg != "" || f == nil || page.Doc == nil {
		return msg
	}
	for i, pf := range page.Forms {
		if pf != f {
			continue
		}
		// htmlform reads the forms in document order, skipping <template>.
		prev := page.Doc.Find("form").Not("template form").Eq(i).Prev()
		if prev.Is("p, div") && !hidden(prev) && prev.Find("input, form").Length() == 0 {
			return idp.CleanText(visibleText(prev))
		}
	}
	return ""
}

// messageCode is the code of a message that the IdP's scripts translate
// (LemonLDAP::NG: <div class="message alert"><span trmsg="5"></span>), when
// the element shows no words: letters, digits, '-', '_' or '.', at most 32.
func messageCode(page *htmlform.Page) string {
	if page == nil || page.Doc == nil {
		return ""
	}
	code := ""
	page.Doc.Find("[trmsg]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		v := strings.TrimSpace(s.AttrOr("trmsg", ""))
		if hidden(s) || v == "" || len(v) > 32 || strings.TrimFunc(v, codeRune) != "" {
			return true
		}
		code = v
		return false
	})
	return code
}

func codeRune(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_' || r == '.'
}

// links are the page's links a browser could follow: http(s) URLs, not
// fragments or scripts, resolved against the page.
func links(page *htmlform.Page) []*url.URL {
	var out []*url.URL
	page.Doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		href := strings.TrimSpace(a.AttrOr("href", ""))
		if href == "" || strings.HasPrefix(href, "#") || hidden(a) {
			return
		}
		u, err := page.URL.Parse(href)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
			return
		}
		out = append(out, u)
	})
	return out
}

// linkBack reports whether the page links back to the portal: to a host
// on the driver's route.
func linkBack(w *walk, page *htmlform.Page) bool {
	for _, u := range links(page) {
		if w.d.route.Allowed(u.Hostname()) {
			return true
		}
	}
	return false
}

// refreshURL is the URL of the page's <meta http-equiv="refresh">, resolved
// against the page, or nil.
func refreshURL(page *htmlform.Page) *url.URL {
	var out *url.URL
	page.Doc.Find("meta[http-equiv]").EachWithBreak(func(_ int, m *goquery.Selection) bool {
		_, ref, ok := htmlform.MetaRefresh(m.AttrOr("http-equiv", ""), m.AttrOr("content", ""))
		if !ok {
			return true
		}
		if u, err := page.URL.Parse(ref); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
			out = u
		}
		return out == nil
	})
	return out
}

// browserErr is the error for a page only a browser can go on from.
func browserErr(step string, page *htmlform.Page, kind error, what string) error {
	return fmt.Errorf("form: %w", &idp.BrowserPageError{
		Kind: kind, What: what, Driver: "the form driver",
		Step: step, Title: page.Title, URL: idp.ShortURL(page.URL),
	})
}

// rememberRE is what names a "keep me signed in" checkbox: remember me,
// stay signed in, keep me signed in (ADFS's Kmsi), a persistent session.
var rememberRE = lazyre.New(`(?i)remember|stay.?(signed|logged|connected)|keep.?me|kmsi|persist`)

// rememberBox is the form's "remember me" / "stay signed in" checkbox, if
// any: one whose name, id or label says so, and not one that only
// remembers the user name.
func rememberBox(f *htmlform.Form) (htmlform.Input, bool) {
	for _, in := range f.Inputs {
		if in.Type != "checkbox" || in.Name == "" || in.Disabled {
			continue
		}
		text := in.Name + " " + in.ID + " " + in.Label
		if !rememberRE().MatchString(text) || strings.Contains(strings.ToLower(text), "user") {
			continue
		}
		return in, true
	}
	return htmlform.Input{}, false
}
