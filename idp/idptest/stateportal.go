package idptest

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// The state a StatePortal carries in its URLs and forms, where real portals
// (CAS, Shibboleth, Spring Web Flow, Java servlets) carry theirs. Each lets
// someone resume the sign-in, so none may be printed, --debug included.
const (
	StateJSessionID = "JSESSION-7f3a9c1d"
	StateSID        = "SID-4b2e8d9f"
	StateLT         = "LT-1-9d8c7b6a"
	StateExecution  = "e1s1-EXEC-5a6b"
	StateRelayState = "RELAY-STATE-3c4d"
	// StatePathToken is a token in the URL path: long, letters and digits.
	StatePathToken = "Tok3nAbCdEf0123456789xyz"
)

// StatePortal is a generic SAML portal that keeps its state where real ones
// do: a ;jsessionid path parameter, sid, lt, execution and RelayState query
// parameters, a token as a path segment, and the same as hidden fields of
// its sign-in form, whose password field is named pw (not like "pass").
//
//	GET  /start                       302 to the login page, state in the URL
//	GET  /sso/TOKEN/login;jsessionid  the sign-in form (username, pw, hidden state)
//	*    /sso/TOKEN/auth;jsessionid   checks state and password: the
//	                                  SAMLResponse page, or the form again
//	                                  with "Invalid credentials."
//
// Method is the sign-in form's method ("" = post; "get" sends pw in the
// URL, as some portals do).
type StatePortal struct {
	Method       string
	Users        map[string]string // user name → password
	SAMLResponse func(user string) string

	mu   sync.Mutex
	urls []string
}

// StateSecrets are the state values a StatePortal hands out.
var StateSecrets = []string{StateJSessionID, StateSID, StateLT, StateExecution, StateRelayState, StatePathToken}

// URLs are the request URLs the portal received, in order.
func (p *StatePortal) URLs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.urls...)
}

const statePrefix = "/sso/" + StatePathToken + "/"

func (p *StatePortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.urls = append(p.urls, r.URL.String())
	p.mu.Unlock()
	session := ";jsessionid=" + StateJSessionID
	q := url.Values{"sid": {StateSID}, "lt": {StateLT}, "execution": {StateExecution}, "RelayState": {StateRelayState}}
	switch r.URL.Path {
	case "/start":
		http.Redirect(w, r, statePrefix+"login"+session+"?"+q.Encode(), http.StatusFound)
	case statePrefix + "login" + session:
		if r.URL.Query().Get("sid") != StateSID {
			http.Error(w, "no session", http.StatusBadRequest)
			return
		}
		p.loginPage(w, "")
	case statePrefix + "auth" + session:
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, k := range []string{"lt", "execution", "RelayState"} {
			if r.Form.Get(k) != q.Get(k) {
				http.Error(w, "bad state "+k, http.StatusBadRequest)
				return
			}
		}
		user := r.Form.Get("username")
		if pw, ok := p.Users[user]; !ok || pw != r.Form.Get("pw") {
			p.loginPage(w, "Invalid credentials.")
			return
		}
		writeHTML(w, http.StatusOK, `<html><head><title>Working...</title></head><body onload="document.forms[0].submit()">
<form method="post" action="https://signin.aws.amazon.com/saml">
<input type="hidden" name="SAMLResponse" value="`+html.EscapeString(p.SAMLResponse(user))+`">
<input type="hidden" name="RelayState" value="`+StateRelayState+`">
</form></body></html>`)
	default:
		http.NotFound(w, r)
	}
}

func (p *StatePortal) loginPage(w http.ResponseWriter, msg string) {
	method := strings.ToLower(p.Method)
	if method == "" {
		method = "post"
	}
	act := statePrefix + "auth;jsessionid=" + StateJSessionID + "?sid=" + StateSID
	errDiv := ""
	if msg != "" {
		errDiv = `<div class="alert-danger" role="alert">` + html.EscapeString(msg) + `</div>`
	}
	writeHTML(w, http.StatusOK, `<html><head><title>Sign in</title></head><body>`+errDiv+`
<form method="`+method+`" action="`+html.EscapeString(act)+`">
<input type="text" name="username">
<input type="password" name="pw">
<input type="hidden" name="lt" value="`+StateLT+`">
<input type="hidden" name="execution" value="`+StateExecution+`">
<input type="hidden" name="RelayState" value="`+StateRelayState+`">
<input type="hidden" name="_eventId" value="submit">
<input type="submit" value="Sign in">
</form></body></html>`)
}
