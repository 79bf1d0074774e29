package form

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samlogin/samlogin/internal/secret"
)

// The fake portal serves the captured SimpleSAMLphp pages (and the
// PingFederate intermediate auto-post page) over real HTTP on 127.0.0.1,
// and checks what the client sends: fields, hidden AuthState, cookies.

const (
	loginPath  = "/module.php/core/loginuserpass.php"
	sessCookie = "SimpleSAMLSessionID"
	sessValue  = "sess-0123456789"
	// authState is the AuthState value of ../htmlform/testdata/ssp-login.html, entities
	// decoded.
	authState = "_7de5bab71b6618b79d1027bb2b666293a94a905be2:http://127.0.0.1:45039/saml2/idp/SSOService.php?spentityid=urn%3Aamazon%3Awebservices&cookieTime=1795252803"
	// wrongAuthState is the one of ../htmlform/testdata/ssp-login-wrong-password.html.
	wrongAuthState = "_1816d543d90ff305dcda07e5b4cb755aaa05c8ef7a:http://127.0.0.1:45039/saml2/idp/SSOService.php?spentityid=urn%3Aamazon%3Awebservices&cookieTime=1795252803"
)

// readTestdata reads a page of testdata/ (the pages written for these tests
// and the SimpleSAMLphp error page), or else one of the captures kept in
// ../htmlform/testdata, which both packages' tests use.
func readTestdata(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join("testdata", name)
	if _, err := os.Stat(path); err != nil {
		path = filepath.Join("..", "htmlform", "testdata", name)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var samlValueRE = regexp.MustCompile(`name="SAMLResponse" value="([^"]+)"`)

// aliceSAML is the SAMLResponse of ../htmlform/testdata/ssp-saml-post-alice.html.
func aliceSAML(t testing.TB) string {
	m := samlValueRE.FindStringSubmatch(readTestdata(t, "ssp-saml-post-alice.html"))
	if m == nil {
		t.Fatal("no SAMLResponse in ssp-saml-post-alice.html")
	}
	return m[1]
}

type portal struct {
	t   *testing.T
	srv *httptest.Server

	// Scenario.
	user, password string
	intermediate   bool   // an auto-post page (pingfed-post.html) after the login
	mfaCode        string // non-empty: a code page (mfa-code.html) before the SAMLResponse

	mu            sync.Mutex
	requests      []string // "METHOD /path"
	passwordPosts int
	codes         []string // codes received
}

func newPortal(t *testing.T, p *portal) *portal {
	p.t = t
	if p.user == "" {
		p.user, p.password = "alice", "alice-pass"
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

// startURL is where an IdP-initiated sign-in starts.
func (p *portal) startURL() string {
	return p.srv.URL + "/saml2/idp/SSOService.php?spentityid=urn%3Aamazon%3Awebservices"
}

func (p *portal) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = append(p.requests, r.Method+" "+r.URL.Path)
	t := p.t
	html := func(status int, page string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprint(w, page)
	}
	fail := func(format string, args ...any) {
		t.Errorf("portal: %s %s: "+format, append([]any{r.Method, r.URL.Path}, args...)...)
		http.Error(w, "bad request", http.StatusBadRequest)
	}
	if r.URL.Path != "/saml2/idp/SSOService.php" {
		if c, err := r.Cookie(sessCookie); err != nil || c.Value != sessValue {
			fail("session cookie missing or wrong: %v", r.Header["Cookie"])
			return
		}
	}
	if r.Method == http.MethodPost {
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			fail("Content-Type %q", ct)
			return
		}
		if err := r.ParseForm(); err != nil {
			fail("%v", err)
			return
		}
	}
	switch r.Method + " " + r.URL.Path {
	case "GET /saml2/idp/SSOService.php":
		if r.URL.Query().Get("spentityid") != "urn:amazon:webservices" {
			fail("query %q", r.URL.RawQuery)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: sessCookie, Value: sessValue, Path: "/", HttpOnly: true})
		http.Redirect(w, r, loginPath+"?AuthState="+url.QueryEscape(authState), http.StatusFound)
	case "GET " + loginPath:
		if r.URL.Query().Get("AuthState") != authState {
			fail("AuthState in query %q", r.URL.RawQuery)
			return
		}
		html(http.StatusOK, readTestdata(t, "ssp-login.html"))
	case "POST " + loginPath:
		p.passwordPosts++
		// The form's action is "?": the same path, an empty query.
		if r.URL.RawQuery != "" {
			fail("query %q, want none", r.URL.RawQuery)
		}
		state := authState
		if p.passwordPosts > 1 {
			state = wrongAuthState
		}
		got := r.PostForm
		want := url.Values{"username": {got.Get("username")}, "password": {got.Get("password")}, "AuthState": {state}}
		if d := cmp.Diff(want, got); d != "" {
			fail("login form (-want +got):\n%s", d)
			return
		}
		if got.Get("username") != p.user || got.Get("password") != p.password {
			html(http.StatusOK, readTestdata(t, "ssp-login-wrong-password.html"))
			return
		}
		p.afterLogin(w, html)
	case "POST /pingfed/auth":
		want := url.Values{"idp_account_id": {"some-uuid"}, "ppm_request": {"secret"}}
		if d := cmp.Diff(want, r.PostForm); d != "" {
			fail("auto-post form (-want +got):\n%s", d)
			return
		}
		p.afterIntermediate(html)
	case "POST /mfa":
		code := r.PostForm.Get("otp")
		p.codes = append(p.codes, code)
		want := url.Values{"StateId": {"mfa-state-1"}, "otp": {code}, "action": {"verify"}}
		if d := cmp.Diff(want, r.PostForm); d != "" {
			fail("code form (-want +got):\n%s", d)
			return
		}
		if code != p.mfaCode {
			html(http.StatusOK, readTestdata(t, "mfa-code-wrong.html"))
			return
		}
		html(http.StatusOK, readTestdata(t, "ssp-saml-post-alice.html"))
	default:
		fail("unexpected request")
	}
}

func (p *portal) afterLogin(w http.ResponseWriter, html func(int, string)) {
	if p.intermediate {
		page := strings.Replace(readTestdata(p.t, "pingfed-post.html"),
			"https://authenticator.pingone.com/pingid/ppm/auth", p.srv.URL+"/pingfed/auth", 1)
		html(http.StatusOK, page)
		return
	}
	p.afterIntermediate(html)
}

func (p *portal) afterIntermediate(html func(int, string)) {
	if p.mfaCode != "" {
		html(http.StatusOK, readTestdata(p.t, "mfa-code.html"))
		return
	}
	html(http.StatusOK, readTestdata(p.t, "ssp-saml-post-alice.html"))
}

func (p *portal) snapshot() (requests []string, passwordPosts int, codes []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...), p.passwordPosts, append([]string(nil), p.codes...)
}

// fakePrompter answers from queues and records what it was asked.
type fakePrompter struct {
	mu      sync.Mutex
	secrets []secret.String
	inputs  []string
	selects []int // answers to Select
	err     error // returned when set
	asked   []string
}

func (f *fakePrompter) Input(msg string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, "input:"+msg)
	if f.err != nil {
		return "", f.err
	}
	if len(f.inputs) == 0 {
		return "", fmt.Errorf("fakePrompter: unexpected Input(%q)", msg)
	}
	s := f.inputs[0]
	f.inputs = f.inputs[1:]
	return s, nil
}

func (f *fakePrompter) Secret(msg string) (secret.String, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, "secret:"+msg)
	if f.err != nil {
		return secret.String{}, f.err
	}
	if len(f.secrets) == 0 {
		return secret.String{}, fmt.Errorf("fakePrompter: unexpected Secret(%q)", msg)
	}
	s := f.secrets[0]
	f.secrets = f.secrets[1:]
	return s, nil
}

func (f *fakePrompter) Select(msg string, options []string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, "select:"+msg+":"+strings.Join(options, "|"))
	if f.err != nil {
		return 0, f.err
	}
	if len(f.selects) == 0 {
		return 0, fmt.Errorf("fakePrompter: unexpected Select(%q)", msg)
	}
	i := f.selects[0]
	f.selects = f.selects[1:]
	return i, nil
}
