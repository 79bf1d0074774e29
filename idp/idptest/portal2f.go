package idptest

import (
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Second factors a Portal offers (the values of its choice buttons, as
// LemonLDAP::NG names them).
const (
	PortalTOTP     = "totp"
	PortalWebAuthn = "webauthn"
	PortalDuo      = "duo"
)

// Ways a Portal answers a wrong password or code.
const (
	// RejectAlert: the form again with a role=alert message (default).
	RejectAlert = ""
	// RejectPlain: the form again with the message in a plain <p> just
	// before it, no class or role.
	RejectPlain = "plain"
	// RejectCode: the form again with only a message code that the
	// portal's scripts translate: <span trmsg="5">.
	RejectCode = "code"
	// RejectErrorPage: an error page, HTTP 200, no form, an alert and a
	// link back to the portal.
	RejectErrorPage = "error-page"
)

// PortalUser is a user of a Portal.
type PortalUser struct {
	Password string
	// Factors are the second factors the user has (PortalTOTP...): none
	// signs in after the password, one goes to its page, several to a
	// choice page.
	Factors []string
	Code    string // the one-time code the TOTP page accepts
}

// PortalOptions configures NewPortal.
type PortalOptions struct {
	Users        map[string]PortalUser
	SAMLResponse func(user string) string
	// BadPassword and BadCode are how wrong secrets are answered
	// (RejectAlert, RejectPlain, RejectCode, RejectErrorPage).
	BadPassword, BadCode string
}

// Portal is a SAML portal shaped like LemonLDAP::NG's (its templates are
// the model; see testdata/README.md): a login form, a second-factor choice
// page with one named submit button per factor whose labels a script fills
// in, a TOTP page, and the rejection pages real portals serve. It checks
// what the client sent: the state token on every form, the chosen button,
// one password post per sign-in. Besides /start it serves /js, a page that
// only a script goes on from.
type Portal struct {
	o   PortalOptions
	srv *httptest.Server

	mu   sync.Mutex
	reqs []string
}

// portalToken is the state the portal's forms carry.
const portalToken = "1764129000_4242"

// NewPortal starts a Portal on 127.0.0.1; t.Cleanup closes it.
func NewPortal(t testing.TB, o PortalOptions) *Portal {
	if o.SAMLResponse == nil {
		o.SAMLResponse = FakeSAMLResponse
	}
	p := &Portal{o: o}
	p.srv = httptest.NewServer(p)
	t.Cleanup(p.srv.Close)
	return p
}

// URL is the portal's address.
func (p *Portal) URL() string { return p.srv.URL }

// Requests are "METHOD /path" and, for a POST, its form encoded (sorted),
// in the order received.
func (p *Portal) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.reqs...)
}

// Reset forgets the requests.
func (p *Portal) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reqs = nil
}

func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	rec := r.Method + " " + r.URL.Path
	if r.Method == http.MethodPost {
		rec += " " + r.PostForm.Encode()
	}
	p.mu.Lock()
	p.reqs = append(p.reqs, rec)
	p.mu.Unlock()
	f := r.PostForm
	if r.Method == http.MethodPost && f.Get("token") != portalToken {
		p.page(w, "Error", `<div class="message message-danger alert" role="alert">Invalid form token</div>`)
		return
	}
	user := f.Get("user")
	u, known := p.o.Users[user]
	switch r.Method + " " + r.URL.Path {
	case "GET /start":
		p.login(w, "", "")
	case "GET /js":
		p.page(w, "Loading", `<div id="app"></div><script src="/static/app.js"></script>`)
	case "POST /login":
		if !known || f.Get("password") != u.Password {
			p.reject(w, p.o.BadPassword, "Wrong username or password", func(msg string) { p.login(w, user, msg) })
			return
		}
		switch len(u.Factors) {
		case 0:
			p.saml(w, user)
		case 1:
			p.factor(w, user, u.Factors[0], "")
		default:
			p.choice(w, user, u.Factors)
		}
	case "POST /2fchoice":
		sf := f.Get("sf")
		if !known || !contains(u.Factors, sf) {
			p.page(w, "Error", `<div class="message message-danger alert" role="alert">No second factor chosen</div>`)
			return
		}
		p.factor(w, user, sf, "")
	case "POST /totp2fcheck":
		if !known || f.Get("code") != u.Code {
			p.reject(w, p.o.BadCode, "Your code is invalid", func(msg string) { p.factor(w, user, PortalTOTP, msg) })
			return
		}
		p.saml(w, user)
	default:
		http.NotFound(w, r)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s && s != "" {
			return true
		}
	}
	return false
}

// reject answers a wrong secret in the way asked; again shows the form
// again with a message ("" for none).
func (p *Portal) reject(w http.ResponseWriter, how, msg string, again func(msg string)) {
	switch how {
	case RejectErrorPage:
		p.page(w, "Authentication error", `<div class="message message-danger alert" role="alert">`+html.EscapeString(msg)+`</div>
<div class="buttons"><a href="/start" class="btn btn-primary" role="button"><span trspan="goToPortal">Go to portal</span></a></div>`)
	case RejectPlain:
		again("plain:" + msg)
	case RejectCode:
		again("code:5")
	default:
		again(msg)
	}
}

// message renders a message for a form page: "plain:" in a bare <p>,
// "code:" as a message code, else an alert.
func message(msg string) (alert, plain string) {
	switch {
	case msg == "":
		return `<div class="message message-positive alert"><span trmsg="9"></span></div>`, ""
	case strings.HasPrefix(msg, "plain:"):
		return "", `<p>` + html.EscapeString(strings.TrimPrefix(msg, "plain:")) + `</p>`
	case strings.HasPrefix(msg, "code:"):
		return `<div class="message message-negative alert"><span trmsg="` + html.EscapeString(strings.TrimPrefix(msg, "code:")) + `"></span></div>`, ""
	}
	return `<div class="message message-negative alert" role="alert">` + html.EscapeString(msg) + `</div>`, ""
}

func (p *Portal) login(w http.ResponseWriter, user, msg string) {
	alert, plain := message(msg)
	p.page(w, "Authentication portal", alert+plain+`<form action="/login" method="post" class="login">
<input type="hidden" name="token" value="`+portalToken+`">
<input name="user" type="text" value="`+html.EscapeString(user)+`" trplaceholder="login" autocomplete="username">
<input name="password" type="password" trplaceholder="password" autocomplete="current-password">
<button type="submit" class="btn btn-success"><span trspan="connect">Connect</span></button>
</form>`)
}

func (p *Portal) choice(w http.ResponseWriter, user string, factors []string) {
	var b strings.Builder
	for _, sf := range factors {
		b.WriteString(`<button type="submit" name="sf" value="` + sf + `" class="mx-3 btn btn-light" role="button"><div><h4 trspan="` + sf + `2f"></h4></div><img src="/static/` + sf + `.png" alt="` + sf + `2F" title="` + sf + `2F"></button>`)
	}
	p.page(w, "Choose your second factor", `<div class="message message-positive alert" trspan="choose2f"></div>
<div class="buttons"><form action="/2fchoice" method="POST">
<input type="hidden" id="token" name="token" value="`+portalToken+`">
<input type="hidden" name="user" value="`+html.EscapeString(user)+`">
`+b.String()+`
</form></div>
<div class="buttons mt-3"><a href="/start?cancel=1" class="btn btn-primary" role="button"><span trspan="cancel">Cancel</span></a></div>`)
}

// factor serves the page of one second factor.
func (p *Portal) factor(w http.ResponseWriter, user, sf, msg string) {
	hidden := `<input type="hidden" name="token" value="` + portalToken + `"><input type="hidden" name="user" value="` + html.EscapeString(user) + `">`
	switch sf {
	case PortalTOTP:
		alert, plain := message(msg)
		if msg == "" {
			alert = `<div class="message message-positive alert"><span trspan="enterTotpCode">Enter TOTP code</span></div>`
		}
		p.page(w, "TOTP", alert+plain+`<form action="/totp2fcheck" method="post">`+hidden+`
<input name="code" value="" class="form-control" id="extcode" trplaceholder="code" autocomplete="one-time-code">
<button type="submit" class="btn btn-success"><span trspan="connect">Connect</span></button>
</form>`)
	case PortalWebAuthn:
		p.page(w, "WebAuthn", `<form action="/webauthn2fcheck" method="post" id="verify-form">`+hidden+`
<input type="hidden" name="credential" id="credential" value="">
</form>
<script>navigator.credentials.get({publicKey: JSON.parse(document.getElementById("verify-data").textContent)}).then(function(c){document.getElementById("verify-form").submit()});</script>`)
	case PortalDuo:
		// Duo's Universal Prompt: the portal sends the browser to Duo.
		p.page(w, "Redirecting", `<meta http-equiv="refresh" content="0; url=https://api-0123abcd.duosecurity.com/oauth/v1/authorize?response_type=code&amp;client_id=DIABCDEFGHIJKLMNOPQR&amp;request=eyJhbGciOiJIUzUxMiJ9.e30.c2ln">
<p>Redirecting to Duo...</p>`)
	}
}

func (p *Portal) saml(w http.ResponseWriter, user string) {
	writeHTML(w, http.StatusOK, `<html><head><title>Redirecting</title></head><body onload="document.forms[0].submit()">
<form method="post" action="https://signin.aws.amazon.com/saml">
<input type="hidden" name="SAMLResponse" value="`+html.EscapeString(p.o.SAMLResponse(user))+`">
<noscript><input type="submit" value="Continue"></noscript>
</form></body></html>`)
}

func (p *Portal) page(w http.ResponseWriter, title, body string) {
	writeHTML(w, http.StatusOK, `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>`+html.EscapeString(title)+`</title>
<script src="/static/portal.js"></script></head>
<body><div id="content" class="container">
`+body+`
</div></body></html>`)
}
