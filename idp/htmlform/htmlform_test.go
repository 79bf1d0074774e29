package htmlform

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/samlogin/samlogin/idp"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func load(t *testing.T, file, pageURL string) *Page {
	t.Helper()
	b, err := os.ReadFile(testdataPath(file))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(b, mustURL(t, pageURL), 200)
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	return p
}

// names lists the names of inputs, "" included.
func names(ins []Input) []string {
	out := []string{}
	for _, in := range ins {
		out = append(out, in.Name)
	}
	return out
}

func TestADFSLogin(t *testing.T) {
	p := load(t, "adfs-login.html", "https://id.example.com/adfs/ls/idpinitiatedsignon?loginToRp=urn:amazon:webservices")
	if p.Title != "Sign In" || p.Status != 200 {
		t.Errorf("Title, Status = %q, %d", p.Title, p.Status)
	}
	if len(p.Forms) != 2 {
		t.Fatalf("%d forms, want 2 (loginForm, options)", len(p.Forms))
	}
	f := p.FormWithPassword()
	if f == nil || f.ID != "loginForm" || p.FormByID("loginForm") != f {
		t.Fatalf("FormWithPassword = %+v, want form#loginForm", f)
	}
	if f.Method != "POST" || f.Action.String() != "https://id.example.com/adfs/ls/idpinitiatedsignon" {
		t.Errorf("loginForm: %s %s", f.Method, f.Action)
	}
	want := []Input{
		{Name: "UserName", Type: "email", ID: "userNameInput", Placeholder: "someone@example.com", AutoComplete: "off"},
		{Name: "Password", Type: "password", ID: "passwordInput", Placeholder: "Password", AutoComplete: "off"},
		{Name: "Kmsi", Type: "checkbox", Value: "true", ID: "kmsiInput", Label: "Keep me signed in"},
		{Name: "AuthMethod", Type: "hidden", Value: "FormsAuthentication", ID: "optionForms", Hidden: true},
	}
	if d := cmp.Diff(want, f.Inputs, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("loginForm inputs (-want +got):\n%s", d)
	}
	// Kmsi unchecked: not sent.
	if d := cmp.Diff(url.Values{"UserName": {""}, "Password": {""}, "AuthMethod": {"FormsAuthentication"}}, f.Values()); d != "" {
		t.Errorf("Values (-want +got):\n%s", d)
	}
	if got := names(f.VisibleTextInputs()); !cmp.Equal(got, []string{"UserName"}) {
		t.Errorf("VisibleTextInputs = %q", got)
	}
	if got := names(f.PasswordInputs()); !cmp.Equal(got, []string{"Password"}) {
		t.Errorf("PasswordInputs = %q", got)
	}
	if f.IsAutoSubmit() || p.Forms[1].IsAutoSubmit() {
		t.Error("IsAutoSubmit: no form of the login page auto-submits")
	}
	if _, _, ok := p.SAMLResponse(); ok {
		t.Error("SAMLResponse found on the login page")
	}
	if got := p.TextSnippet("#errorText"); got != "" {
		t.Errorf("#errorText = %q, want empty", got)
	}
	if got := p.TextSnippet("#loginMessage"); got != "Sign in with your organizational account" {
		t.Errorf("#loginMessage = %q", got)
	}
	if got := p.TextSnippet("#no-such-thing"); got != "" {
		t.Errorf("missing selector = %q", got)
	}
	if got := p.TextSnippet("[[invalid"); got != "" {
		t.Errorf("invalid selector = %q", got)
	}
}

func TestADFSPasscode(t *testing.T) {
	const page = "https://id.example.com/adfs/ls/idpinitiatedsignon?client-request-id=0c8f&loginToRp=urn:amazon:webservices"
	p := load(t, "adfs-rsa-passcode.html", page)
	if p.Title != "RSA SecurID Authentication" {
		t.Errorf("Title = %q", p.Title)
	}
	f := p.FormWithPassword()
	if f == nil || f.ID != "passcodeForm" {
		t.Fatalf("FormWithPassword = %+v", f)
	}
	// No action attribute: the page URL, query included.
	if f.Action.String() != page || f.Method != "POST" {
		t.Errorf("action = %s %s, want POST %s", f.Method, f.Action, page)
	}
	if got := names(f.Inputs); !cmp.Equal(got, []string{"AuthMethod", "Context", "Passcode", "Submit"}) {
		t.Errorf("inputs = %q", got)
	}
	v := f.Values()
	if v.Get("AuthMethod") != "SecurIDAuthentication" {
		t.Errorf("AuthMethod = %q", v.Get("AuthMethod"))
	}
	// Entities decoded: the value is the XML the server sent.
	if ctx := v.Get("Context"); !strings.HasPrefix(ctx, `<EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Content"`) {
		t.Errorf("Context = %.80q", ctx)
	}
	if _, ok := v["Submit"]; ok {
		t.Error("Values holds the submit button; browsers send it only when clicked")
	}
	if in, ok := f.Input("Submit"); !ok || in.Type != "submit" || in.Value != "Submit" || !in.IsButton() {
		t.Errorf("Input(Submit) = %+v, %v", in, ok)
	}
	if in := f.PasswordInputs(); len(in) != 1 || in[0].Name != "Passcode" {
		t.Errorf("PasswordInputs = %+v", in)
	}
	if p.TextSnippet("#errorText") != "" {
		t.Error("errorText not empty")
	}
}

func TestADFS2019Templated(t *testing.T) {
	p := load(t, "adfs2019-login-templated.html", "https://id.example.com/adfs/ls/?SAMLRequest=x")
	f := p.FormWithPassword()
	if f == nil || f.ID != "loginForm" {
		t.Fatalf("FormWithPassword = %+v", f)
	}
	// The placeholder action is a relative path a browser would escape
	// and resolve the same way.
	if got := f.Action.String(); got != "https://id.example.com/adfs/ls/%7B%7B.UrlPost%7D%7D" {
		t.Errorf("action = %s", got)
	}
	opts := p.FormByID("options")
	if opts == nil {
		t.Fatal("no form#options")
	}
	// The second, hidden UserName of ADFS 2019 lives in the options form.
	in, ok := opts.Input("UserName")
	if !ok || !in.Hidden || in.ID != "userNameInputOptionsHolder" || in.Value != "{{.UserName}}" {
		t.Errorf("options UserName = %+v, %v", in, ok)
	}
	if got := names(f.Inputs); !cmp.Equal(got, []string{"UserName", "Password", "Kmsi", "AuthMethod"}) {
		t.Errorf("loginForm inputs = %q", got)
	}
}

func TestSimpleSAMLphpLogin(t *testing.T) {
	const page = "http://127.0.0.1:45039/module.php/core/loginuserpass.php?AuthState=_7de5bab71b6618b79d1027bb2b666293a94a905be2%3Ahttp"
	p := load(t, "ssp-login.html", page)
	if p.Title != "Enter your username and password" {
		t.Errorf("Title = %q", p.Title)
	}
	if len(p.Forms) != 1 {
		t.Fatalf("%d forms", len(p.Forms))
	}
	f := p.FormWithPassword()
	if f == nil || f.Name != "f" {
		t.Fatalf("FormWithPassword = %+v", f)
	}
	// action="?": the page path with an empty query; AuthState goes in the body.
	if got := f.Action.String(); got != "http://127.0.0.1:45039/module.php/core/loginuserpass.php" {
		t.Errorf("action = %s", got)
	}
	if got := names(f.Inputs); !cmp.Equal(got, []string{"username", "password", "", "", "AuthState"}) {
		t.Errorf("inputs = %q", got)
	}
	want := url.Values{
		"username":  {""},
		"password":  {""},
		"AuthState": {"_7de5bab71b6618b79d1027bb2b666293a94a905be2:http://127.0.0.1:45039/saml2/idp/SSOService.php?spentityid=urn%3Aamazon%3Awebservices&cookieTime=1795252803"},
	}
	if d := cmp.Diff(want, f.Values()); d != "" {
		t.Errorf("Values (-want +got):\n%s", d)
	}
	if in := f.VisibleTextInputs(); len(in) != 1 || in[0].Name != "username" || in[0].AutoComplete != "username" {
		t.Errorf("VisibleTextInputs = %+v", in)
	}
	if f.IsAutoSubmit() {
		t.Error("login form IsAutoSubmit")
	}
}

func TestSimpleSAMLphpWrongPassword(t *testing.T) {
	p := load(t, "ssp-login-wrong-password.html", "https://idp.example.org/module.php/core/loginuserpass.php?AuthState=x")
	f := p.FormWithPassword()
	if f == nil {
		t.Fatal("no password form")
	}
	if got := f.Values().Get("username"); got != "alice" {
		t.Errorf("username kept = %q, want alice", got)
	}
	if got := p.TextSnippet("#content h2 + p strong"); got != "Incorrect username or password" {
		t.Errorf("error text = %q", got)
	}
	if !strings.HasPrefix(f.Values().Get("AuthState"), "_1816d543d90ff305dcda07e5b4cb755aaa05c8ef7a:") {
		t.Errorf("AuthState = %q", f.Values().Get("AuthState"))
	}
}

func TestSimpleSAMLphpPost(t *testing.T) {
	p := load(t, "ssp-saml-post-alice.html", "https://idp.example.org/module.php/saml/idp/singleSignOnService")
	v, f, ok := p.SAMLResponse()
	if !ok {
		t.Fatal("SAMLResponse not found")
	}
	if f.Action.String() != "https://signin.aws.amazon.com/saml" || f.Method != "POST" {
		t.Errorf("form = %s %s", f.Method, f.Action)
	}
	xml, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		t.Fatalf("SAMLResponse is not base64: %v", err)
	}
	if !bytes.HasPrefix(xml, []byte("<samlp:Response ")) || !bytes.Contains(xml, []byte("alice")) {
		t.Errorf("decoded SAMLResponse = %.80q", xml)
	}
	if !f.IsAutoSubmit() {
		t.Error("IsAutoSubmit = false")
	}
	if p.FormWithPassword() != nil {
		t.Error("FormWithPassword on a POST page")
	}
}

func TestPingFedIntermediate(t *testing.T) {
	p := load(t, "pingfed-post.html", "https://sso.example.com/idp/SSO.saml2")
	if _, _, ok := p.SAMLResponse(); ok {
		t.Error("SAMLResponse found on a page that has none")
	}
	if len(p.Forms) != 1 {
		t.Fatalf("%d forms", len(p.Forms))
	}
	f := p.Forms[0]
	if !f.IsAutoSubmit() {
		t.Error("IsAutoSubmit = false")
	}
	if f.Method != "POST" || f.Action.String() != "https://authenticator.pingone.com/pingid/ppm/auth" {
		t.Errorf("form = %s %s", f.Method, f.Action)
	}
	if d := cmp.Diff(url.Values{"idp_account_id": {"some-uuid"}, "ppm_request": {"secret"}}, f.Values()); d != "" {
		t.Errorf("Values (-want +got):\n%s", d)
	}
}

func TestKeycloakUpperCase(t *testing.T) {
	p := load(t, "keycloak-post.html", "https://id.example.com/auth/realms/master/protocol/saml")
	if p.Title != "SAML HTTP Post Binding" {
		t.Errorf("Title = %q", p.Title)
	}
	v, f, ok := p.SAMLResponse()
	if !ok || v != "abc123" {
		t.Fatalf("SAMLResponse = %q, %v", v, ok)
	}
	if f.Method != "POST" || f.Action.String() != "https://signin.aws.amazon.com/saml" {
		t.Errorf("form = %s %s", f.Method, f.Action)
	}
	if !f.IsAutoSubmit() {
		t.Error("IsAutoSubmit = false")
	}
	if d := cmp.Diff(url.Values{"SAMLResponse": {"abc123"}}, f.Values()); d != "" {
		t.Errorf("Values (-want +got):\n%s", d)
	}
}

func TestActionResolution(t *testing.T) {
	const page = "https://idp.example.com/a/b/login?x=1#frag"
	tests := []struct{ html, want string }{
		{`<form>`, "https://idp.example.com/a/b/login?x=1"},
		{`<form action="">`, "https://idp.example.com/a/b/login?x=1"},
		{`<form action="  ">`, "https://idp.example.com/a/b/login?x=1"},
		{`<form action="?">`, "https://idp.example.com/a/b/login"},
		{`<form action="?y=2">`, "https://idp.example.com/a/b/login?y=2"},
		{`<form action="next">`, "https://idp.example.com/a/b/next"},
		{`<form action="/abs#f">`, "https://idp.example.com/abs"},
		{`<form action="https://other.example/p">`, "https://other.example/p"},
		{`<base href="https://cdn.example/d/"><form action="next">`, "https://cdn.example/d/next"},
		{`<base href="https://cdn.example/d/"><form action="">`, "https://idp.example.com/a/b/login?x=1"},
	}
	for _, tt := range tests {
		p, err := Parse([]byte(tt.html), mustURL(t, page), 200)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Forms) != 1 || p.Forms[0].Action == nil {
			t.Errorf("%s: forms = %+v", tt.html, p.Forms)
			continue
		}
		if got := p.Forms[0].Action.String(); got != tt.want {
			t.Errorf("%s: action = %s, want %s", tt.html, got, tt.want)
		}
		if p.Forms[0].Method != "GET" {
			t.Errorf("%s: method = %s, want GET", tt.html, p.Forms[0].Method)
		}
	}
	p, _ := Parse([]byte(`<form action="http://[::1">`), mustURL(t, page), 200)
	if p.Forms[0].Action != nil {
		t.Errorf("invalid action = %v, want nil", p.Forms[0].Action)
	}
}

func TestValuesLikeABrowser(t *testing.T) {
	const doc = `<form id=f method=PoSt action=/go>
<input name=t value="a &amp; b">
<input name=u type=bogus value=x>
<input name=noval>
<input name=c1 type=checkbox checked>
<input name=c2 type=checkbox value=yes>
<input name=r type=radio value=1>
<input name=r type=radio value=2 checked>
<input name=dis value=x disabled>
<fieldset disabled><legend><input name=inlegend value=l></legend><input name=infs value=x></fieldset>
<select name=s1><option>First</option><option value=v2>Second</option></select>
<select name=s2><option disabled>Zero<option value=a selected>A<option value=b selected>B</select>
<select name=m multiple><option value=1 selected>1<option value=2><option value=3 selected>3</select>
<select name=m0 multiple><option value=1>1</select>
<textarea name=ta>
line</textarea>
<input type=file name=file>
<input type=image name=img>
<button name=btn value=go>Go</button>
<input name=nameless-not value=1 form=other>
</form>
<input form=f name=outside value=o>
<table><form id=g action=/t><tr><td><input name=intable value=1></td></tr></table>`
	p, err := Parse([]byte(doc), mustURL(t, "https://idp.example.com/"), 200)
	if err != nil {
		t.Fatal(err)
	}
	f := p.FormByID("f")
	if f.Method != "POST" {
		t.Errorf("Method = %q", f.Method)
	}
	want := url.Values{
		"t": {"a & b"}, "u": {"x"}, "noval": {""}, "c1": {"on"}, "r": {"2"},
		"inlegend": {"l"}, "s1": {"First"}, "s2": {"b"}, "m": {"1", "3"},
		"ta": {"line"}, "outside": {"o"},
	}
	if d := cmp.Diff(want, f.Values()); d != "" {
		t.Errorf("Values (-want +got):\n%s", d)
	}
	if in, _ := f.Input("u"); in.Type != "text" {
		t.Errorf("unknown type read as %q, want text", in.Type)
	}
	if in, _ := f.Input("s1"); len(in.Options) != 2 || in.Options[1] != (Option{Value: "v2", Label: "Second"}) {
		t.Errorf("s1 options = %+v", in.Options)
	}
	if got := names(f.VisibleTextInputs()); !cmp.Equal(got, []string{"t", "u", "noval", "inlegend", "outside"}) {
		t.Errorf("VisibleTextInputs = %q", got)
	}
	// The HTML parser empties a <form> opened inside a table; a browser
	// still owns the cell's inputs by it.
	g := p.FormByID("g")
	if d := cmp.Diff(url.Values{"intable": {"1"}}, g.Values()); d != "" {
		t.Errorf("table form Values (-want +got):\n%s", d)
	}
}

func TestCharset(t *testing.T) {
	// "café" in ISO-8859-1, declared in a meta tag.
	doc := []byte("<meta charset=iso-8859-1><title>caf\xe9</title><form><input name=n value=\"caf\xe9\"></form>")
	p, err := Parse(doc, mustURL(t, "https://idp.example.com/"), 200)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "café" || p.Forms[0].Values().Get("n") != "café" {
		t.Errorf("Title, value = %q, %q", p.Title, p.Forms[0].Values().Get("n"))
	}
	// Undeclared UTF-8 stays UTF-8.
	p, _ = Parse([]byte("<title>café</title>"), mustURL(t, "https://idp.example.com/"), 200)
	if p.Title != "café" {
		t.Errorf("Title = %q", p.Title)
	}
}

func TestReadPage(t *testing.T) {
	page, err := os.ReadFile("testdata/ssp-login.html")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			http.Redirect(w, r, "/module.php/core/loginuserpass.php?AuthState=abc", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer srv.Close()

	resp, err := srv.Client().Get(srv.URL + "/start")
	if err != nil {
		t.Fatal(err)
	}
	body := &closeRecorder{ReadCloser: resp.Body}
	resp.Body = body
	p, err := ReadPage(resp, DefaultMaxPage)
	if err != nil {
		t.Fatal(err)
	}
	if !body.closed {
		t.Error("body not closed")
	}
	if p.URL.Path != "/module.php/core/loginuserpass.php" || p.Status != 200 {
		t.Errorf("URL, Status = %s, %d; want the URL after the redirect", p.URL, p.Status)
	}
	if got := p.Forms[0].Action.String(); got != srv.URL+"/module.php/core/loginuserpass.php" {
		t.Errorf("action = %s", got)
	}

	resp, err = srv.Client().Get(srv.URL + "/page")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadPage(resp, 100)
	if err == nil || !strings.Contains(err.Error(), "larger than 100 bytes") || strings.Contains(err.Error(), "?") {
		t.Errorf("ReadPage over the limit: %v", err)
	}
}

type closeRecorder struct {
	io.ReadCloser
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return c.ReadCloser.Close() }

func TestSubmit(t *testing.T) {
	type got struct {
		method, path, query, ctype, origin, referer string
		form                                        url.Values
	}
	var last got
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		last = got{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"),
			r.Header.Get("Origin"), r.Header.Get("Referer"), r.PostForm}
	}))
	defer srv.Close()

	b, _ := os.ReadFile("testdata/ssp-login.html")
	pageURL := srv.URL + "/module.php/core/loginuserpass.php?AuthState=abc"
	p, err := Parse(b, mustURL(t, pageURL), 200)
	if err != nil {
		t.Fatal(err)
	}
	f := p.FormWithPassword()
	v := f.Values()
	v.Set("username", "alice")
	v.Set("password", "hunter2")
	resp, err := Submit(context.Background(), srv.Client(), f, v)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := got{"POST", "/module.php/core/loginuserpass.php", "", "application/x-www-form-urlencoded",
		srv.URL, pageURL, v}
	if d := cmp.Diff(want, last, cmp.AllowUnexported(got{})); d != "" {
		t.Errorf("POST sent (-want +got):\n%s", d)
	}

	g := &Form{Method: "GET", Action: mustURL(t, srv.URL+"/search?old=1#x")}
	resp, err = Submit(context.Background(), srv.Client(), g, url.Values{"q": {"a b"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if last.method != "GET" || last.query != "q=a+b" || last.referer != "" {
		t.Errorf("GET sent %+v", last)
	}

	bad := &Form{Method: "POST", Action: mustURL(t, "http://idp.example.com/login")}
	_, err = Submit(context.Background(), srv.Client(), bad, url.Values{"password": {"x"}})
	if !errors.Is(err, idp.ErrInsecureURL) || !strings.Contains(err.Error(), "refusing plain http to idp.example.com") {
		t.Errorf("Submit to http: %v", err)
	}
	if _, err := Submit(context.Background(), srv.Client(), &Form{Method: "POST"}, nil); err == nil {
		t.Error("Submit without action: no error")
	}
}

// TestSubmitErrorRedacted: a GET form carries its values in the URL, and
// http.Client puts the URL in its errors; a code must not reach the message.
func TestSubmitErrorRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Close() // nothing listens: Do fails with a *url.Error
	g := &Form{Method: "GET", Action: mustURL(t, srv.URL+"/mfa")}
	_, err := Submit(context.Background(), srv.Client(), g, url.Values{"VerificationCode": {"otp-987654"}, "user": {"alice"}})
	if err == nil {
		t.Fatal("Submit to a closed server: no error")
	}
	if msg := err.Error(); strings.Contains(msg, "otp-987654") || !strings.Contains(msg, "VerificationCode=[redacted]") {
		t.Errorf("error = %q, want the code redacted", msg)
	}
}

func TestReferrerCrossOrigin(t *testing.T) {
	page := mustURL(t, "https://idp.example.com/login?state=secret")
	req := httptest.NewRequest("POST", "https://signin.aws.amazon.com/saml", nil)
	req.Header = http.Header{}
	setReferrer(req, page)
	if req.Header.Get("Origin") != "https://idp.example.com" || req.Header.Get("Referer") != "https://idp.example.com/" {
		t.Errorf("cross-origin headers = %v", req.Header)
	}
	req = httptest.NewRequest("POST", "http://127.0.0.1/x", nil)
	req.Header = http.Header{}
	setReferrer(req, page)
	if req.Header.Get("Referer") != "" || req.Header.Get("Origin") != "null" {
		t.Errorf("https to http headers = %v", req.Header)
	}
}

// testdataPath finds a capture: in testdata/, or for the ADFS pages, in
// ../idptest/testdata, which the test ADFS serves (embedded) and these
// tests share.
func testdataPath(file string) string {
	if strings.HasPrefix(file, "adfs") {
		return "../idptest/testdata/" + file
	}
	return "testdata/" + file
}
