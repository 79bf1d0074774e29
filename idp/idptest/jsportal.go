package idptest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
)

// JSPortalTitle is the title of every page of a JSPortal.
const JSPortalTitle = "JS Portal Sign In"

// JSPortalAWS is where a JSPortal posts the SAMLResponse by default.
const JSPortalAWS = "https://signin.aws.amazon.com/saml"

// jsRememberCookie is the persistent cookie of JSPortalOptions.RememberMe.
const jsRememberCookie = "jsportal_remember"

// JSPortalOptions configures NewJSPortal.
type JSPortalOptions struct {
	// Users maps a user name to its password.
	Users map[string]string
	// SAMLResponse is what the portal issues for a user; nil means
	// FakeSAMLResponse.
	SAMLResponse func(user string) string
	// RelayState, when set, is posted with the SAMLResponse.
	RelayState string
	// Action is where the page posts the SAMLResponse: JSPortalAWS when
	// empty, or a regional form (https://us-east-1.signin.aws.amazon.com/saml).
	Action string
	// NoSAMLResponse makes the page post to Action without a SAMLResponse
	// field (RelayState only), as a misconfigured portal does.
	NoSAMLResponse bool
	// RememberMe sets a persistent cookie (one day, HttpOnly) on a
	// successful sign-in; a visit with it posts the SAMLResponse at once.
	RememberMe bool
	// Popup posts the SAMLResponse from a second window that the sign-in
	// button opens, as some portals do.
	Popup bool
	// WebAuthn asks for a security key after the password: it registers one
	// on the user's first sign-in (navigator.credentials.create), then asks
	// for an assertion (navigator.credentials.get). The portal must then be
	// opened at URL(), which is http://localhost:PORT (a secure context with
	// a domain RP ID).
	WebAuthn bool
}

// JSPortal is a SAML portal whose sign-in needs JavaScript: the page has
// inputs and a button but no <form>; the button's script posts JSON to
// /api/login and, on success, builds the form that posts the SAMLResponse
// to AWS. It counts password posts and checks the WebAuthn answers.
type JSPortal struct {
	t   testing.TB
	o   JSPortalOptions
	srv *httptest.Server
	url string

	mu         sync.Mutex
	passwords  int
	issued     int
	remembered map[string]string // remember cookie -> user
	pending    map[string]*jsPending
	creds      map[string]string // user -> registered credential id (base64url)
	errs       []string
}

// jsPending is a sign-in between the password and the security key.
type jsPending struct {
	user      string
	challenge string // base64url
	register  bool
}

// NewJSPortal starts a JSPortal on 127.0.0.1; t.Cleanup stops it.
func NewJSPortal(t testing.TB, o JSPortalOptions) *JSPortal {
	t.Helper()
	if o.SAMLResponse == nil {
		o.SAMLResponse = FakeSAMLResponse
	}
	if o.Action == "" {
		o.Action = JSPortalAWS
	}
	p := &JSPortal{t: t, o: o, remembered: map[string]string{}, pending: map[string]*jsPending{}, creds: map[string]string{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", p.home)
	mux.HandleFunc("POST /api/login", p.login)
	mux.HandleFunc("POST /api/webauthn/register", p.register)
	mux.HandleFunc("POST /api/webauthn/assert", p.assert)
	p.srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: mux, ErrorLog: log.New(io.Discard, "", 0)}}
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	port := l.Addr().(*net.TCPAddr).Port
	if o.WebAuthn {
		p.url = fmt.Sprintf("http://localhost:%d", port)
	} else {
		p.url = fmt.Sprintf("http://127.0.0.1:%d", port)
	}
	return p
}

// URL is the portal's sign-in page (http://localhost:PORT/ with WebAuthn,
// http://127.0.0.1:PORT/ otherwise).
func (p *JSPortal) URL() string { return p.url + "/" }

// PasswordPosts is how many times a password was posted to /api/login.
func (p *JSPortal) PasswordPosts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.passwords
}

// Issued is how many SAMLResponses the portal handed to the page.
func (p *JSPortal) Issued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.issued
}

// Errors are the checks the client failed (a wrong challenge, origin,
// credential), for a test to print.
func (p *JSPortal) Errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errs...)
}

func (p *JSPortal) fail(w http.ResponseWriter, status int, msg string) {
	p.mu.Lock()
	p.errs = append(p.errs, msg)
	p.mu.Unlock()
	writeJSON(w, status, map[string]any{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// home is the sign-in page, or, with a remember cookie, the page that posts
// the SAMLResponse at once.
func (p *JSPortal) home(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if c, err := r.Cookie(jsRememberCookie); err == nil {
		p.mu.Lock()
		user, ok := p.remembered[c.Value]
		p.mu.Unlock()
		if ok {
			res := p.success(w, user)
			b, _ := json.Marshal(res)
			writeHTML(w, http.StatusOK, `<!doctype html><html><head><meta charset="utf-8"><title>`+JSPortalTitle+`</title><link rel="icon" href="data:,"></head><body><p>Welcome back.</p><script>var popup = false;`+jsPost+`post(`+string(b)+`);</script></body></html>`)
			return
		}
	}
	writeHTML(w, http.StatusOK, `<!doctype html><html><head><meta charset="utf-8"><title>`+JSPortalTitle+`</title><link rel="icon" href="data:,"></head><body>
<h1>Sign in</h1>
<label>User <input id="username" autocomplete="username"></label>
<label>Password <input id="password" type="password" autocomplete="current-password"></label>
<button id="signin" type="button">Sign in</button>
<p id="msg" role="alert"></p>
<script>var popup = `+strconv.FormatBool(p.o.Popup)+`;`+jsPost+jsLogin+`</script>
</body></html>`)
}

// jsPost builds the form that posts the SAMLResponse (res: action, saml,
// relay; saml absent for NoSAMLResponse).
const jsPost = `
function post(res) {
  var f = document.createElement('form');
  f.method = 'POST';
  f.action = res.action;
  if (popup) f.target = 'samlogin_aws';
  var add = function (n, v) {
    var i = document.createElement('input');
    i.type = 'hidden'; i.name = n; i.value = v;
    f.appendChild(i);
  };
  if (res.saml) add('SAMLResponse', res.saml);
  if (res.relay) add('RelayState', res.relay);
  document.body.appendChild(f);
  f.submit();
}
`

const jsLogin = `
function b64u(buf) {
  var s = '', b = new Uint8Array(buf);
  for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function unb64u(s) {
  s = s.replace(/-/g, '+').replace(/_/g, '/');
  while (s.length % 4) s += '=';
  var b = atob(s), out = new Uint8Array(b.length);
  for (var i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}
async function api(path, body) {
  var r = await fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  var j = await r.json();
  if (!r.ok) throw new Error(j.error || r.statusText);
  return j;
}
async function securityKey(res) {
  var wa = res.webauthn;
  if (wa.register) {
    document.getElementById('msg').textContent = 'Register your security key';
    var c = await navigator.credentials.create({publicKey: {
      rp: {id: wa.rpId, name: 'idptest'},
      user: {id: unb64u(wa.userId), name: wa.user, displayName: wa.user},
      challenge: unb64u(wa.challenge),
      pubKeyCredParams: [{type: 'public-key', alg: -7}],
      authenticatorSelection: {userVerification: 'preferred'},
      timeout: 60000}});
    wa = (await api('/api/webauthn/register', {token: wa.token, id: b64u(c.rawId),
      clientDataJSON: b64u(c.response.clientDataJSON)})).webauthn;
  }
  document.getElementById('msg').textContent = 'Touch your security key';
  var a = await navigator.credentials.get({publicKey: {
    rpId: wa.rpId, challenge: unb64u(wa.challenge),
    allowCredentials: [{type: 'public-key', id: unb64u(wa.credentialId)}],
    userVerification: 'preferred', timeout: 60000}});
  return api('/api/webauthn/assert', {token: wa.token, id: b64u(a.rawId),
    clientDataJSON: b64u(a.response.clientDataJSON)});
}
document.getElementById('signin').addEventListener('click', async function () {
  if (popup) window.open('about:blank', 'samlogin_aws'); // while the click counts
  var msg = document.getElementById('msg');
  msg.textContent = '';
  try {
    var res = await api('/api/login', {user: document.getElementById('username').value,
      password: document.getElementById('password').value});
    if (res.webauthn) res = await securityKey(res);
    post(res);
  } catch (e) {
    msg.textContent = 'Sign-in failed: ' + e.message;
  }
});
`

// success issues the SAMLResponse: the JSON the page's post() takes.
func (p *JSPortal) success(w http.ResponseWriter, user string) map[string]any {
	p.mu.Lock()
	p.issued++
	p.mu.Unlock()
	res := map[string]any{"action": p.o.Action}
	if !p.o.NoSAMLResponse {
		res["saml"] = p.o.SAMLResponse(user)
	}
	if p.o.RelayState != "" {
		res["relay"] = p.o.RelayState
	}
	if p.o.RememberMe {
		v := token(16)
		p.mu.Lock()
		p.remembered[v] = user
		p.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: jsRememberCookie, Value: v, Path: "/", MaxAge: 86400, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	return res
}

func (p *JSPortal) login(w http.ResponseWriter, r *http.Request) {
	var in struct{ User, Password string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		p.fail(w, http.StatusBadRequest, "login: the body is not JSON: "+err.Error())
		return
	}
	p.mu.Lock()
	p.passwords++
	p.mu.Unlock()
	if pw, ok := p.o.Users[in.User]; !ok || pw != in.Password {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "wrong user name or password"})
		return
	}
	if !p.o.WebAuthn {
		writeJSON(w, http.StatusOK, p.success(w, in.User))
		return
	}
	p.mu.Lock()
	_, registered := p.creds[in.User]
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"webauthn": p.challenge(in.User, !registered)})
}

// challenge starts the security-key step: a token naming the pending
// sign-in, a fresh challenge, and what the page needs to ask for.
func (p *JSPortal) challenge(user string, register bool) map[string]any {
	tok := token(16)
	ch := base64.RawURLEncoding.EncodeToString([]byte(token(16)))
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pending[tok] = &jsPending{user: user, challenge: ch, register: register}
	wa := map[string]any{"token": tok, "challenge": ch, "rpId": "localhost", "register": register, "user": user,
		"userId": base64.RawURLEncoding.EncodeToString([]byte(user))}
	if !register {
		wa["credentialId"] = p.creds[user]
	}
	return wa
}

type jsCredential struct {
	Token          string `json:"token"`
	ID             string `json:"id"`
	ClientDataJSON string `json:"clientDataJSON"`
}

// check reads a credential answer and checks its client data against the
// pending sign-in: the type, the challenge and the page's origin.
func (p *JSPortal) check(w http.ResponseWriter, r *http.Request, typ string) (*jsCredential, *jsPending, bool) {
	var in jsCredential
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil {
		p.fail(w, http.StatusBadRequest, "webauthn: the body is not JSON: "+err.Error())
		return nil, nil, false
	}
	p.mu.Lock()
	pend, ok := p.pending[in.Token]
	delete(p.pending, in.Token)
	p.mu.Unlock()
	if !ok {
		p.fail(w, http.StatusForbidden, "webauthn: unknown or used token")
		return nil, nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(in.ClientDataJSON)
	if err != nil {
		p.fail(w, http.StatusBadRequest, "webauthn: clientDataJSON is not base64url")
		return nil, nil, false
	}
	var cd struct{ Type, Challenge, Origin string }
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&cd); err != nil {
		p.fail(w, http.StatusBadRequest, "webauthn: clientDataJSON is not JSON")
		return nil, nil, false
	}
	switch {
	case cd.Type != typ:
		p.fail(w, http.StatusForbidden, fmt.Sprintf("webauthn: type %q, want %q", cd.Type, typ))
	case cd.Challenge != pend.challenge:
		p.fail(w, http.StatusForbidden, "webauthn: wrong challenge")
	case cd.Origin != p.url:
		p.fail(w, http.StatusForbidden, fmt.Sprintf("webauthn: origin %q, want %q", cd.Origin, p.url))
	case in.ID == "":
		p.fail(w, http.StatusBadRequest, "webauthn: no credential id")
	default:
		return &in, pend, true
	}
	return nil, nil, false
}

func (p *JSPortal) register(w http.ResponseWriter, r *http.Request) {
	in, pend, ok := p.check(w, r, "webauthn.create")
	if !ok {
		return
	}
	if !pend.register {
		p.fail(w, http.StatusForbidden, "webauthn: registration was not asked for")
		return
	}
	p.mu.Lock()
	p.creds[pend.user] = in.ID
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"webauthn": p.challenge(pend.user, false)})
}

func (p *JSPortal) assert(w http.ResponseWriter, r *http.Request) {
	in, pend, ok := p.check(w, r, "webauthn.get")
	if !ok {
		return
	}
	p.mu.Lock()
	want := p.creds[pend.user]
	p.mu.Unlock()
	if pend.register || want == "" || in.ID != want {
		p.fail(w, http.StatusForbidden, "webauthn: the credential is not the registered one")
		return
	}
	writeJSON(w, http.StatusOK, p.success(w, pend.user))
}
