package idptest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// Generations that ADFSOptions.Generation accepts.
const (
	ADFS20   = "2.0"  // Windows Server 2008 R2: ASP.NET FormsSignIn.aspx
	ADFS2016 = "2016" // Windows Server 2012 R2 / 2016: form#loginForm
	ADFS2019 = "2019" // Windows Server 2019+: loginForm and a hidden UserName in #options
)

// MFA kinds that ADFSOptions.MFA accepts.
const (
	MFANone   = ""
	MFACode   = "code"   // RSA SecurID passcode page (captured)
	MFAPush   = "push"   // Azure MFA push page, polled until approved
	MFAChoice = "choice" // a page offering the code and the push methods
	MFADuo    = "duo"    // Duo adapter page (iframe), which samlogin cannot drive
	// MFADuoUniversal is the Duo Universal Prompt adapter: a page whose
	// script sends the browser to Duo's /oauth/v1/authorize, with no
	// AuthMethod form.
	MFADuoUniversal = "duo-universal"
)

// AuthMethod values the server uses. Real ADFS adapter names.
const (
	AuthForms  = "FormsAuthentication"
	AuthRSA    = "SecurIDAuthentication"
	AuthAzure  = "AzureMfaAuthentication"
	AuthDuo    = "DuoAdfsAdapter"
	DefaultRP  = "urn:amazon:webservices"
	signInPath = "/adfs/ls/IdpInitiatedSignOn.aspx"
	forms20    = "/adfs/ls/FormsSignIn.aspx"
)

// Messages the server shows. The first is the real ADFS 2012 R2+ text.
const (
	MsgBadPassword   = "Incorrect user ID or password. Type the correct user ID and password, and try again."
	MsgBadPassword20 = "The user name or password is incorrect."
	MsgBadCode       = "Authentication failed. The passcode you entered is incorrect."
)

// ADFSOptions configures NewADFS. The zero value is an ADFS 2016 with no
// users.
type ADFSOptions struct {
	// Generation is ADFS20, ADFS2016 (default) or ADFS2019.
	Generation string
	// Users maps user names (`CORP\alice`, `alice@corp.example.com`;
	// compared case-insensitively, as AD does) to passwords.
	Users map[string]string
	// MFA is the additional authentication required after the password:
	// MFANone, MFACode, MFAPush, MFAChoice, MFADuo or MFADuoUniversal
	// (not on ADFS20).
	MFA string
	// MFACode is the code the code page accepts (default "123456").
	MFACode string
	// PushApproveAfter is how many polls of the push page are answered
	// "still waiting" before the SAMLResponse; negative: never approved.
	PushApproveAfter int
	// PushNumber, when set, is shown on the push page as the number to
	// enter in the Authenticator app (#validEntropyNumber).
	PushNumber string
	// SAMLResponse returns the base64 SAMLResponse issued to user. Nil
	// means a fixed fake value (FakeSAMLResponse).
	SAMLResponse func(user string) string
	// Latency is added to every answer (bounded by the request's context).
	Latency time.Duration
	// TLS serves https with httptest's certificate (see CACertFile).
	TLS bool
	// IdPInitiatedDisabled serves the ADFS 2016+ default: the
	// IdpInitiatedSignOn page is off (MSIS7065 error page).
	IdPInitiatedDisabled bool
	// UnknownRP answers every loginToRp with the MSIS7007 error page.
	UnknownRP bool
	// RP is the relying party identifier the server knows (default
	// DefaultRP). Another loginToRp gets the MSIS7007 error page.
	RP string
	// RequireFormVisit ignores a credentials POST from a client that has
	// not loaded the sign-in page first (no visit cookie): the sign-in page
	// is served again, without an error message, as a front end that
	// insists on its own cookies would. It exercises the driver's fallback.
	RequireFormVisit bool
	// RedirectAfterLogin answers a successful sign-in the way ADFS 2012 R2+
	// usually does: 302 back to the sign-in URL with the MSISAuth cookie,
	// and the SAMLResponse only to a request that sends that cookie back.
	RedirectAfterLogin bool
	// KMSILifetime, when set, is the lifetime of the "Keep me signed in"
	// cookie (KMSICookie) that a sign-in which posted Kmsi=true gets: the
	// next IdP-initiated GET that sends it back before it expires (by Now)
	// gets the SAMLResponse page directly, with no password and no second
	// factor. Zero: Kmsi is ignored.
	KMSILifetime time.Duration
	// StaleKMSIError answers a GET that sends an unknown, revoked or
	// expired KMSI cookie with an error page (MSIS7012) instead of the
	// sign-in form, as a farm that lost its key does.
	StaleKMSIError bool
	// Now is the server's clock for KMSILifetime; nil means time.Now.
	Now func() time.Time
	// WIA, when set, serves Windows integrated authentication as ADFS does
	// to a user agent of its WIASupportedUserAgents list (one containing
	// "Trident/7.0"): the IdP-initiated GET is redirected to /adfs/ls/wia,
	// which answers "401 WWW-Authenticate: Negotiate" without an
	// Authorization header; with "Negotiate TOKEN" it calls WIA with the
	// decoded token: a user name means signed in (302 back to the sign-on
	// URL with the MSISAuth cookie), "" means refused (401 again).
	WIA func(token []byte) (user string)
}

// WIAPath is where ADFS sends integrated authentication.
const WIAPath = "/adfs/ls/wia"

// KMSICookie is the name of the cookie a "Keep me signed in" sign-in gets.
const KMSICookie = "MSISAuthKMSI"

// Field is one form field as sent.
type Field struct{ Name, Value string }

// Recorded is one request the server received.
type Recorded struct {
	Method  string
	Path    string
	Query   url.Values
	Form    []Field           // form-encoded body fields, in the order sent
	Cookies map[string]string // cookies sent
	// UserAgent and Authorization are those headers as sent.
	UserAgent, Authorization string
}

// Value returns the first value of the form field name, and whether it
// was sent.
func (r Recorded) Value(name string) (string, bool) {
	for _, f := range r.Form {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// Names returns the form field names in the order sent.
func (r Recorded) Names() []string {
	out := make([]string, 0, len(r.Form))
	for _, f := range r.Form {
		out = append(out, f.Name)
	}
	return out
}

// FakeSAMLResponse is what the server issues when ADFSOptions.SAMLResponse
// is nil: base64 of a marker naming the user (not a SAML document).
func FakeSAMLResponse(user string) string {
	return base64.StdEncoding.EncodeToString([]byte("<samlp:Response>idptest assertion for " + user + "</samlp:Response>"))
}

// ADFS is a running ADFS look-alike.
type ADFS struct {
	t    testing.TB
	o    ADFSOptions
	srv  *httptest.Server
	pems string

	mu          sync.Mutex
	reqs        []Recorded
	logins      int
	pwPosts     map[string]int
	sessions    map[string]*mfaSession // by Context
	ssos        map[string]string      // MSISAuth value -> user, after sign-in
	kmsis       map[string]kmsi        // KMSICookie value -> session
	kmsiLogins  int                    // SAMLResponses issued to a KMSI cookie
	viewState   string
	eventValid  string
	visitCookie string
}

type kmsi struct {
	user    string
	expires time.Time
}

type mfaSession struct {
	kmsi   bool // Kmsi=true was posted with the password
	user   string
	cookie string // MSISAuth value the client must send back
	stage  string // MFACode, MFAPush, MFAChoice, MFADuo
	polls  int
	codes  int
}

// NewADFS starts the server; it is closed by t.Cleanup.
func NewADFS(t testing.TB, o ADFSOptions) *ADFS {
	t.Helper()
	if o.Generation == "" {
		o.Generation = ADFS2016
	}
	switch o.Generation {
	case ADFS20, ADFS2016, ADFS2019:
	default:
		t.Fatalf("idptest: unknown ADFS generation %q", o.Generation)
	}
	switch o.MFA {
	case MFANone, MFACode, MFAPush, MFAChoice, MFADuo, MFADuoUniversal:
	default:
		t.Fatalf("idptest: unknown MFA kind %q", o.MFA)
	}
	if o.MFA != MFANone && o.Generation == ADFS20 {
		t.Fatalf("idptest: ADFS 2.0 has no additional authentication")
	}
	if o.MFACode == "" {
		o.MFACode = "123456"
	}
	if o.RP == "" {
		o.RP = DefaultRP
	}
	if o.SAMLResponse == nil {
		o.SAMLResponse = FakeSAMLResponse
	}
	s := &ADFS{
		t: t, o: o,
		pwPosts:     map[string]int{},
		sessions:    map[string]*mfaSession{},
		ssos:        map[string]string{},
		kmsis:       map[string]kmsi{},
		viewState:   "/wEPDwUKLTQ3" + token(12),
		eventValid:  "/wEWBALR" + token(12),
		visitCookie: token(8),
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// Handshakes refused by a client that does not trust the certificate
	// are expected in tests; keep them out of the output.
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if o.TLS {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the server's base URL (http://127.0.0.1:port or https://...).
func (s *ADFS) URL() string { return s.srv.URL }

// Host is host:port, what a user gives samlogin as the ADFS host (which
// means https: for a server without TLS, give samlogin URL() instead).
func (s *ADFS) Host() string {
	return strings.TrimPrefix(strings.TrimPrefix(s.srv.URL, "https://"), "http://")
}

// SignInURL is the IdP-initiated sign-on URL for the relying party rp.
func (s *ADFS) SignInURL(rp string) string {
	return s.srv.URL + signInPath + "?loginToRp=" + url.QueryEscape(rp)
}

// CACertFile writes the server's TLS certificate as PEM to a file in a
// temporary folder and returns its path, for HTTPOptions.CABundle or
// --ca-bundle. It fails the test when the server is not TLS.
func (s *ADFS) CACertFile() string {
	s.t.Helper()
	if !s.o.TLS {
		s.t.Fatal("idptest: CACertFile on a server without TLS")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pems == "" {
		p := filepath.Join(testtmp.Dir(s.t), "adfs-ca.pem")
		data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
		if err := os.WriteFile(p, data, 0o600); err != nil {
			s.t.Fatal(err)
		}
		s.pems = p
	}
	return s.pems
}

// Requests returns a copy of every request received so far, in order.
func (s *ADFS) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.reqs...)
}

// Count is the number of requests received.
func (s *ADFS) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// Logins is the number of SAMLResponses issued.
func (s *ADFS) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// PasswordPosts is the number of requests that carried a password for user
// (UserName/Password or the ADFS 2.0 field names), whatever the server did
// with them: a password sent is a password that may count towards a lockout.
func (s *ADFS) PasswordPosts(user string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pwPosts[strings.ToLower(user)]
}

// Polls is the number of push polls received (all sessions).
func (s *ADFS) Polls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.reqs {
		if v, _ := r.Value("AuthMethod"); v == AuthAzure && r.Method == http.MethodPost {
			n++
		}
	}
	return n
}

func (s *ADFS) serve(w http.ResponseWriter, r *http.Request) {
	rec, form := record(r)
	s.mu.Lock()
	s.reqs = append(s.reqs, rec)
	for _, pair := range [][2]string{{"UserName", "Password"}, {"ctl00$ContentPlaceHolder1$UsernameTextBox", "ctl00$ContentPlaceHolder1$PasswordTextBox"}} {
		if form.Get(pair[1]) != "" {
			s.pwPosts[strings.ToLower(form.Get(pair[0]))]++
		}
	}
	s.mu.Unlock()

	if s.o.Latency > 0 {
		t := time.NewTimer(s.o.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	w.Header().Set("Cache-Control", "no-cache, no-store")

	switch {
	case strings.EqualFold(r.URL.Path, signInPath) || strings.EqualFold(r.URL.Path, "/adfs/ls/idpinitiatedsignon"):
		s.signIn(w, r, rec, form)
	case strings.EqualFold(r.URL.Path, WIAPath) && s.o.WIA != nil:
		s.wia(w, r)
	case strings.EqualFold(r.URL.Path, forms20) && s.o.Generation == ADFS20:
		s.formsSignIn20(w, r, rec, form)
	default:
		http.NotFound(w, r)
	}
}

// record reads the request's form body (keeping field order) and cookies.
func record(r *http.Request) (Recorded, url.Values) {
	rec := Recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Cookies: map[string]string{},
		UserAgent: r.UserAgent(), Authorization: r.Header.Get("Authorization")}
	for _, c := range r.Cookies() {
		rec.Cookies[c.Name] = c.Value
	}
	form := url.Values{}
	if r.Body != nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		for _, kv := range strings.Split(string(body), "&") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			name, err1 := url.QueryUnescape(k)
			val, err2 := url.QueryUnescape(v)
			if err1 != nil || err2 != nil {
				continue
			}
			rec.Form = append(rec.Form, Field{name, val})
			form.Add(name, val)
		}
	}
	return rec, form
}

func (s *ADFS) checkRP(w http.ResponseWriter, r *http.Request) bool {
	rp := r.URL.Query().Get("loginToRp")
	if s.o.IdPInitiatedDisabled {
		s.errorPage(w, "MSIS7065: There are no registered protocol handlers on path /adfs/ls/idpinitiatedsignon.aspx to process the incoming request.")
		return false
	}
	if s.o.UnknownRP || rp != s.o.RP {
		s.errorPage(w, fmt.Sprintf("MSIS7007: The requested relying party trust '%s' is unspecified or unsupported. If a relying party trust was specified, it is possible that you do not have permission to access the trust relying party. Contact your administrator for details.", rp))
		return false
	}
	return true
}

func (s *ADFS) signIn(w http.ResponseWriter, r *http.Request, rec Recorded, form url.Values) {
	if !s.checkRP(w, r) {
		return
	}
	if s.o.Generation == ADFS20 {
		// ADFS 2.0 knows nothing of UserName/Password posted here: it sends
		// the browser on to its forms sign-in page.
		http.Redirect(w, r, forms20+"?"+r.URL.RawQuery, http.StatusFound)
		return
	}
	if r.Method == http.MethodGet {
		if c, err := r.Cookie(KMSICookie); err == nil && s.o.KMSILifetime > 0 {
			s.mu.Lock()
			k, ok := s.kmsis[c.Value]
			ok = ok && s.now().Before(k.expires)
			if ok {
				s.kmsiLogins++
			}
			s.mu.Unlock()
			if ok {
				s.samlPage(w, k.user)
				return
			}
			if s.o.StaleKMSIError {
				s.errorPage(w, "MSIS7012: An error occurred while processing the request. Contact your administrator for details.")
				return
			}
		}
		if c, err := r.Cookie("MSISAuth"); err == nil {
			s.mu.Lock()
			user, ok := s.ssos[c.Value]
			s.mu.Unlock()
			if ok {
				s.samlPage(w, user)
				return
			}
		}
		if s.o.WIA != nil && strings.Contains(r.UserAgent(), "Trident/7.0") {
			http.Redirect(w, r, WIAPath+"?"+r.URL.RawQuery, http.StatusFound)
			return
		}
		s.loginPage(w, r, "", "")
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch method := form.Get("AuthMethod"); method {
	case AuthForms, "":
		s.formsPost(w, r, form)
	default:
		s.mfaPost(w, r, method, form)
	}
}

// formsPost handles UserName/Password posted to the sign-in URL.
func (s *ADFS) formsPost(w http.ResponseWriter, r *http.Request, form url.Values) {
	users, pws := form["UserName"], form["Password"]
	if len(users) == 0 || len(pws) == 0 {
		s.loginPage(w, r, "", "")
		return
	}
	user, pw := users[0], pws[0]
	if len(users) > 1 && users[0] != users[1] {
		// A browser sends the visible UserName only; two different values
		// means the client filled a field it should have left alone.
		s.errorPage(w, "MSIS7000: The sign in request is not compliant to the WS-Federation language for web browser clients or the SAML 2.0 protocol WebSSO profile.")
		return
	}
	if s.o.RequireFormVisit {
		if c, err := r.Cookie("idptest-visited"); err != nil || c.Value != s.visitCookie {
			s.loginPage(w, r, user, "")
			return
		}
	}
	canon, ok := s.check(user, pw)
	if !ok {
		s.loginPage(w, r, user, MsgBadPassword)
		return
	}
	s.afterPassword(w, r, canon, form.Get("Kmsi") == "true")
}

func (s *ADFS) check(user, pw string) (string, bool) {
	for u, p := range s.o.Users {
		if strings.EqualFold(u, user) && p == pw && pw != "" {
			return u, true
		}
	}
	return "", false
}

// afterPassword answers a correct password: the SAMLResponse, or the first
// additional-authentication page with its Context and MSISAuth cookie.
func (s *ADFS) afterPassword(w http.ResponseWriter, r *http.Request, user string, keep bool) {
	if s.o.MFA == MFANone {
		s.signedIn(w, r, user, keep)
		return
	}
	ctx, cookie := token(24), token(16)
	sess := &mfaSession{user: user, cookie: cookie, stage: s.o.MFA, kmsi: keep}
	s.mu.Lock()
	s.sessions[ctx] = sess
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "MSISAuth", Value: cookie, Path: "/adfs", Secure: s.o.TLS, HttpOnly: true})
	s.mfaPage(w, r, sess, ctx, "")
}

// signedIn issues the SAMLResponse, directly or after a redirect.
func (s *ADFS) signedIn(w http.ResponseWriter, r *http.Request, user string, keep bool) {
	if keep && s.o.KMSILifetime > 0 {
		v := token(16)
		exp := s.now().Add(s.o.KMSILifetime)
		s.mu.Lock()
		s.kmsis[v] = kmsi{user: user, expires: exp}
		s.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: KMSICookie, Value: v, Path: "/adfs", Secure: s.o.TLS, HttpOnly: true,
			Expires: exp, MaxAge: int(s.o.KMSILifetime / time.Second)})
	}
	if s.o.RedirectAfterLogin {
		c := token(16)
		s.mu.Lock()
		s.ssos[c] = user
		s.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "MSISAuth", Value: c, Path: "/adfs", Secure: s.o.TLS, HttpOnly: true})
		http.Redirect(w, r, signInPath+"?"+r.URL.RawQuery, http.StatusFound)
		return
	}
	s.samlPage(w, user)
}

func (s *ADFS) mfaPost(w http.ResponseWriter, r *http.Request, method string, form url.Values) {
	ctx := form.Get("Context")
	s.mu.Lock()
	sess := s.sessions[ctx]
	s.mu.Unlock()
	if sess == nil {
		s.errorPage(w, "MSIS7012: An error occurred while processing the request. Contact your administrator for details.")
		return
	}
	if c, err := r.Cookie("MSISAuth"); err != nil || c.Value != sess.cookie {
		s.errorPage(w, "MSIS7042: The same client browser session has made too many requests or the authentication cookie was not sent back.")
		return
	}
	switch sess.stage {
	case MFAChoice:
		switch method {
		case AuthRSA:
			sess.stage = MFACode
		case AuthAzure:
			sess.stage = MFAPush
		default:
			s.mfaPage(w, r, sess, ctx, "")
			return
		}
		s.mfaPage(w, r, sess, ctx, "")
	case MFACode:
		if method != AuthRSA {
			s.errorPage(w, "MSIS7012: An error occurred while processing the request. Contact your administrator for details.")
			return
		}
		s.mu.Lock()
		sess.codes++
		s.mu.Unlock()
		if form.Get("Passcode") != s.o.MFACode {
			s.mfaPage(w, r, sess, ctx, MsgBadCode)
			return
		}
		s.finish(w, r, ctx, sess)
	case MFAPush:
		if method != AuthAzure {
			s.errorPage(w, "MSIS7012: An error occurred while processing the request. Contact your administrator for details.")
			return
		}
		s.mu.Lock()
		sess.polls++
		approved := s.o.PushApproveAfter >= 0 && sess.polls > s.o.PushApproveAfter
		s.mu.Unlock()
		if !approved {
			s.mfaPage(w, r, sess, ctx, "")
			return
		}
		s.finish(w, r, ctx, sess)
	default: // Duo: only a browser running Duo's frame gets past this.
		s.errorPage(w, "MSIS7012: An error occurred while processing the request. Contact your administrator for details.")
	}
}

func (s *ADFS) finish(w http.ResponseWriter, r *http.Request, ctx string, sess *mfaSession) {
	s.mu.Lock()
	delete(s.sessions, ctx)
	s.mu.Unlock()
	s.signedIn(w, r, sess.user, sess.kmsi)
}

// formsSignIn20 is the ADFS 2.0 ASP.NET forms sign-in page.
func (s *ADFS) formsSignIn20(w http.ResponseWriter, r *http.Request, rec Recorded, form url.Values) {
	if r.Method == http.MethodGet {
		s.page20(w, r, "", "")
		return
	}
	user := form.Get("ctl00$ContentPlaceHolder1$UsernameTextBox")
	pw := form.Get("ctl00$ContentPlaceHolder1$PasswordTextBox")
	if form.Get("__VIEWSTATE") != s.viewState || form.Get("__EVENTVALIDATION") != s.eventValid {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "<html><head><title>Validation of viewstate MAC failed.</title></head><body><h1>Server Error in '/adfs' Application.</h1></body></html>")
		return
	}
	if _, clicked := form["ctl00$ContentPlaceHolder1$SubmitButton"]; !clicked {
		s.page20(w, r, user, "") // ASP.NET: no button, no event
		return
	}
	canon, ok := s.check(user, pw)
	if !ok {
		s.page20(w, r, user, MsgBadPassword20)
		return
	}
	s.signedIn(w, r, canon, false)
}

func token(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *ADFS) now() time.Time {
	if s.o.Now != nil {
		return s.o.Now()
	}
	return time.Now()
}

// KMSILogins is the number of SAMLResponses issued to a request that sent
// a valid KMSI cookie (no password, no second factor).
func (s *ADFS) KMSILogins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kmsiLogins
}

// RevokeSessions forgets every KMSI cookie issued, as a password change or
// an administrator's revocation does.
func (s *ADFS) RevokeSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.kmsis)
}

// wia is /adfs/ls/wia: Negotiate, then back to the sign-on URL signed in.
func (s *ADFS) wia(w http.ResponseWriter, r *http.Request) {
	h := r.Header.Get("Authorization")
	tok, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(h, "Negotiate "))
	if !strings.HasPrefix(h, "Negotiate ") || err != nil {
		w.Header().Set("WWW-Authenticate", "Negotiate")
		http.Error(w, "401 - Unauthorized", http.StatusUnauthorized)
		return
	}
	user := s.o.WIA(tok)
	if user == "" {
		w.Header().Set("WWW-Authenticate", "Negotiate")
		http.Error(w, "401 - Unauthorized", http.StatusUnauthorized)
		return
	}
	c := token(16)
	s.mu.Lock()
	s.ssos[c] = user
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "MSISAuth", Value: c, Path: "/adfs", Secure: s.o.TLS, HttpOnly: true})
	http.Redirect(w, r, signInPath+"?"+r.URL.RawQuery, http.StatusFound)
}
