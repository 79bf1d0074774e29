// Package htmlform reads the forms off an identity provider's page the way
// a browser would see them, and submits them.
//
// Parse (or ReadPage) gives a Page: its title, its forms with their inputs
// in document order and their action resolved, and the goquery document for
// driver-specific lookups. Form.Values gives what a browser would submit
// without the user clicking anything; a driver sets the user's fields on top
// and calls Submit.
//
// Scripts are not run and CSS is not applied: an input is Hidden only when
// it is type=hidden.
package htmlform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/samlogin/samlogin/idp"
)

// DefaultMaxPage is a sensible limit for ReadPage.
const DefaultMaxPage = 5 << 20

// Page is an HTML page as a driver sees it.
type Page struct {
	URL    *url.URL // the final URL, after redirects
	Status int      // HTTP status
	Title  string   // <title>, through idp.CleanText (one line, no control characters, bounded)
	Forms  []*Form
	Doc    *goquery.Document // for driver-specific lookups (#errorText...)
}

// Form is one <form>.
type Form struct {
	ID, Name string
	// Method is GET or POST (upper case); anything else is read as GET, as
	// browsers do.
	Method string
	// Action is the URL the form submits to, resolved as a browser does:
	// a missing or empty action is the page URL; "?x" is the page path with
	// query x; relative actions are resolved against <base href> or the
	// page URL. The fragment is dropped. Nil when the attribute is not a
	// valid URL.
	Action *url.URL
	// Inputs are the form's controls in document order: every <input>
	// (buttons included), <button>, <select> and <textarea>, including
	// those outside the <form> element that name it in their form=""
	// attribute.
	Inputs []Input

	page *url.URL // the page the form came from, for Referer and Origin
}

// Input is one form control.
type Input struct {
	Name string
	// Type is the lower-case type: an <input> type ("text" when missing or
	// unknown), "submit"/"button"/"reset" for <button>, "select" or
	// "select-multiple", "textarea".
	Type         string
	Value        string // the initial value, HTML entities decoded
	ID           string
	Placeholder  string
	AutoComplete string
	Hidden       bool // type=hidden
	Disabled     bool // disabled itself or inside a disabled <fieldset>
	// Checked is the initial state of a checkbox or radio button. For a
	// <select>, an input is made per selected option and Checked is true.
	Checked bool
	// Options are a <select>'s options.
	Options []Option
	// Label is what a person reads for the control: a <button>'s visible
	// text, the <label> of a radio button or checkbox (label for=id, or the
	// label around it). Empty when a script fills it in.
	Label string
}

// Option is one <option> of a <select>.
type Option struct {
	Value, Label string
	Selected     bool
}

// inputTypes are the <input> types browsers know; any other type is text.
var inputTypes = map[string]bool{
	"hidden": true, "text": true, "search": true, "tel": true, "url": true,
	"email": true, "password": true, "date": true, "month": true, "week": true,
	"time": true, "datetime-local": true, "number": true, "range": true,
	"color": true, "checkbox": true, "radio": true, "file": true,
	"submit": true, "image": true, "reset": true, "button": true,
}

// IsButton reports whether the input is a button: browsers send a button's
// name and value only when it is the one clicked.
func (in Input) IsButton() bool {
	switch in.Type {
	case "submit", "image", "reset", "button":
		return true
	}
	return false
}

// Parse reads the forms of an HTML page served at pageURL with the given
// HTTP status. The body is UTF-8 unless it says otherwise (BOM or <meta
// charset>).
func Parse(body []byte, pageURL *url.URL, status int) (*Page, error) {
	return parse(body, "", pageURL, status)
}

// ReadPage reads at most max bytes of resp's body, closes it and parses it.
// The page URL is resp.Request.URL: the final URL after redirects. A body
// larger than max is an error rather than a page with forms missing.
func ReadPage(resp *http.Response, max int64) (*Page, error) {
	defer resp.Body.Close()
	var u *url.URL
	if resp.Request != nil {
		u = resp.Request.URL
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("read page %s: %w", pageName(u), err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("read page %s: larger than %d bytes", pageName(u), max)
	}
	return parse(body, resp.Header.Get("Content-Type"), u, resp.StatusCode)
}

// pageName is idp.ShortURL, with a word for a page of unknown URL.
func pageName(u *url.URL) string {
	if u == nil {
		return "(unknown URL)"
	}
	return idp.ShortURL(u)
}

func parse(body []byte, contentType string, pageURL *url.URL, status int) (*Page, error) {
	body = toUTF8(body, contentType)
	root, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parse page %s: %w", pageName(pageURL), err)
	}
	doc := goquery.NewDocumentFromNode(root)
	if pageURL == nil {
		pageURL = &url.URL{}
	}
	doc.Url = pageURL
	p := &Page{
		URL:    pageURL,
		Status: status,
		Title:  idp.CleanText(doc.Find("title").First().Text()),
		Doc:    doc,
	}
	p.Forms = readForms(root, pageURL)
	return p, nil
}

// toUTF8 converts a body declared (BOM, Content-Type, <meta>) in another
// encoding. An undeclared body that is valid UTF-8 is kept as it is.
func toUTF8(body []byte, contentType string) []byte {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" || enc == nil || (!certain && name == "windows-1252" && utf8.Valid(body)) {
		return body
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body
	}
	return out
}

// SAMLResponse finds a form with an input named SAMLResponse (any case)
// and a non-empty value. The value is returned with entities decoded and
// surrounding white space trimmed.
func (p *Page) SAMLResponse() (value string, form *Form, ok bool) {
	for _, f := range p.Forms {
		for _, in := range f.Inputs {
			if strings.EqualFold(in.Name, "SAMLResponse") && !in.Disabled {
				if v := strings.TrimSpace(in.Value); v != "" {
					return v, f, true
				}
			}
		}
	}
	return "", nil, false
}

// FormWithPassword returns the first form with a password input, or nil.
func (p *Page) FormWithPassword() *Form {
	for _, f := range p.Forms {
		if len(f.PasswordInputs()) > 0 {
			return f
		}
	}
	return nil
}

// FormByID returns the form with this id, or nil.
func (p *Page) FormByID(id string) *Form {
	for _, f := range p.Forms {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// TextSnippet returns the text of the first element matching the CSS
// selector, trimmed and with white space collapsed; "" if none matches or
// the selector is invalid.
func (p *Page) TextSnippet(selector string) string {
	if p.Doc == nil {
		return ""
	}
	return collapse(p.Doc.Find(selector).First().Text())
}

// Values returns what a browser would submit if the form were submitted
// without clicking a button: every enabled, named control's value, hidden
// ones included, checkboxes and radio buttons only when checked ("on" when
// they have no value). Buttons and file inputs are left out; a driver that
// clicks a button adds its name and value itself.
func (f *Form) Values() url.Values {
	v := url.Values{}
	for _, in := range f.Inputs {
		if in.Name == "" || in.Disabled || in.IsButton() || in.Type == "file" {
			continue
		}
		switch in.Type {
		case "checkbox", "radio":
			if !in.Checked {
				continue
			}
		case "select", "select-multiple":
			if !in.Checked { // no option selected (and none to default to)
				continue
			}
		}
		v.Add(in.Name, in.Value)
	}
	return v
}

// Input returns the first input named name (exact match), or false.
func (f *Form) Input(name string) (Input, bool) {
	for _, in := range f.Inputs {
		if in.Name == name {
			return in, true
		}
	}
	return Input{}, false
}

// PasswordInputs returns the enabled type=password inputs.
func (f *Form) PasswordInputs() []Input {
	var out []Input
	for _, in := range f.Inputs {
		if in.Type == "password" && !in.Disabled {
			out = append(out, in)
		}
	}
	return out
}

// VisibleTextInputs returns the enabled inputs a user types text into:
// type text, email, tel, number, search or url (an unknown or missing type
// is text).
func (f *Form) VisibleTextInputs() []Input {
	var out []Input
	for _, in := range f.Inputs {
		if in.Disabled {
			continue
		}
		switch in.Type {
		case "text", "email", "tel", "number", "search", "url":
			out = append(out, in)
		}
	}
	return out
}

// IsAutoSubmit reports whether the form holds only hidden inputs and
// buttons, with at least one named hidden input carrying a value: the shape
// of a SAML POST-binding page or of an intermediate page a script submits
// on load. (ADFS's "options" form, one empty hidden AuthMethod that a
// script fills, is not one.)
func (f *Form) IsAutoSubmit() bool {
	hidden := false
	for _, in := range f.Inputs {
		switch {
		case in.Hidden:
			hidden = hidden || (in.Name != "" && in.Value != "")
		case in.IsButton():
		default:
			return false
		}
	}
	return hidden
}

// Submit sends v to the form's action: form-encoded in the body for POST,
// as the query string (replacing the action's) for GET. The action must pass
// idp.CheckURL. A transport error names the URL through idp.RedactError. When the form came from a page, Origin and Referer are set
// as a browser would (strict-origin-when-cross-origin).
func Submit(ctx context.Context, c *http.Client, f *Form, v url.Values) (*http.Response, error) {
	if f.Action == nil {
		return nil, errors.New("submit form: the form has no valid action URL")
	}
	if err := idp.CheckURL(f.Action); err != nil {
		return nil, fmt.Errorf("submit form: %w", err)
	}
	u := *f.Action
	u.Fragment, u.RawFragment = "", ""
	var req *http.Request
	var err error
	switch f.Method {
	case http.MethodPost:
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(v.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	case http.MethodGet, "":
		u.RawQuery = v.Encode()
		u.ForceQuery = false
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	default:
		return nil, fmt.Errorf("submit form: unsupported method %q", f.Method)
	}
	if err != nil {
		return nil, fmt.Errorf("submit form: %w", err)
	}
	setReferrer(req, f.page)
	resp, err := c.Do(req)
	if err != nil {
		return nil, idp.RedactError(err) // a GET form carries its values in the URL
	}
	return resp, nil
}

// CheckSecret reports whether f may carry what ("password", "verification
// code") on route: a POST over https (or http to loopback) to the IdP's
// site or an allowed host. The error is an *idp.RouteError.
func CheckSecret(route *idp.Route, f *Form, what string) error {
	method := f.Method
	if method == "" {
		method = http.MethodGet
	}
	return route.Check(method, f.Action, what)
}

// SubmitSecret is Submit for a form whose values v carry a secret: it
// submits only when CheckSecret allows it, so a secret is never built into
// a query string nor posted off the route.
func SubmitSecret(ctx context.Context, c *http.Client, route *idp.Route, f *Form, v url.Values, what string) (*http.Response, error) {
	if err := CheckSecret(route, f, what); err != nil {
		return nil, err
	}
	return Submit(idp.WithSecretFields(ctx, secretInputs(f, what)...), c, f, v)
}

// secretInputs are the fields of f that hold what: its password inputs,
// and, for a code, its visible text inputs too. The debug log redacts their
// values whatever their names.
func secretInputs(f *Form, what string) []string {
	var names []string
	for _, in := range f.Inputs {
		switch {
		case in.Name == "" || in.Hidden:
		case in.Type == "password":
			names = append(names, in.Name)
		case what != "password" && !in.IsButton() && in.Type != "checkbox" && in.Type != "radio" && in.Type != "select":
			names = append(names, in.Name)
		}
	}
	return names
}

// setReferrer sets Origin (POST) and Referer as a browser with the default
// referrer policy would: the full page URL (without fragment) to the same
// origin, only the origin cross-origin, nothing from https to http.
func setReferrer(req *http.Request, page *url.URL) {
	if page == nil || (page.Scheme != "https" && page.Scheme != "http") || page.Host == "" {
		return
	}
	origin := page.Scheme + "://" + page.Host
	if page.Scheme == "https" && req.URL.Scheme != "https" {
		if req.Method == http.MethodPost {
			req.Header.Set("Origin", "null")
		}
		return
	}
	if req.Method == http.MethodPost {
		req.Header.Set("Origin", origin)
	}
	if strings.EqualFold(req.URL.Scheme, page.Scheme) && strings.EqualFold(req.URL.Host, page.Host) {
		r := *page
		r.Fragment, r.RawFragment, r.User = "", "", nil
		req.Header.Set("Referer", r.String())
	} else {
		req.Header.Set("Referer", origin+"/")
	}
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// attr returns the value of attribute key (lower case) of n.
func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attrVal(n *html.Node, key string) string {
	v, _ := attr(n, key)
	return v
}
