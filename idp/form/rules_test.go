package form

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
)

// ruleCase is a test page and what the walk must make of it.
type ruleCase struct {
	file       string // in testdata/, or ../htmlform/testdata/
	url        string // where the page was served
	lastSecret string // what the request that fetched it carried
	password   string // the password field posted before ("" = none)
	rule       string
	check      func(t *testing.T, p *htmlform.Page, h *hit)
}

var ruleCases = []ruleCase{
	{file: "ssp-saml-post-alice.html", rule: "saml-response"},
	{file: "empty-saml.html", rule: "empty-saml-response"},
	{file: "duo-prompt-v4.html", url: "https://api-0123abcd.duosecurity.com/frame/frame/v4/auth/prompt?sid=frameless-0a1b", rule: "unsupported-mfa", check: what("Duo")},
	// Duo's newer prompts are told by Duo's host, whatever their path.
	{file: "duo-prompt-v4.html", url: "https://api-0123abcd.duosecurity.com/frame/v5/auth/prompt?sid=pwl-0a1b", rule: "unsupported-mfa", check: what("Duo")},
	{file: "duo-redirect.html", lastSecret: "password", rule: "unsupported-mfa", check: what("Duo")},
	{file: "duo-iframe.html", rule: "unsupported-mfa", check: what("Duo")},
	{file: "okta-verify.html", rule: "unsupported-mfa", check: what("Okta Verify")},
	{file: "webauthn.html", rule: "unsupported-mfa", check: what("a security key or passkey (WebAuthn)")},
	{file: "passcode-secret.html", password: "password", rule: "second-secret", check: field("passcode")},
	{file: "ssp-login.html", rule: "password-form"},
	{file: "passkey-autofill-login.html", rule: "password-form"},
	{file: "error-plain-p.html", password: "password", lastSecret: "password", rule: "password-form",
		check: func(t *testing.T, p *htmlform.Page, h *hit) {
			if got := rejectionMessage(p, h.form); got != "Invalid username or password" {
				t.Errorf("rejection message %q", got)
			}
		}},
	{file: "llng-login-trmsg.html", password: "password", lastSecret: "password", rule: "password-form",
		check: func(t *testing.T, p *htmlform.Page, h *hit) {
			err := rejected(stepLogin, idp.ErrRejected, p, h.form)
			if want := "form: submit login form: the identity provider rejected the username or password (its message code 5)"; err.Error() != want {
				t.Errorf("err = %q\nwant  %q", err, want)
			}
		}},
	{file: "llng-2fchoice.html", lastSecret: "password", rule: "method-choice", check: choices("sf", "totp", "", "webauthn", "")},
	{file: "keycloak-select-factor.html", rule: "method-choice", check: choices("secondaf", "otp", "otp", "sms", "sms")},
	{file: "radio-choice.html", rule: "method-choice",
		check: choices("method", "otp", "Authenticator app", "email", "Email a code", "sms", "Text message")},
	{file: "link-choice.html", url: "https://sso.example.com/2fa", rule: "method-choice",
		check: choices("preferProvider", "google", "google", "email", "email")},
	{file: "consent-radio-default.html", rule: "method-choice", check: choices("_shib_idp_consentOptions",
		"_shib_idp_doNotRememberConsent", "Ask me again at next login",
		"_shib_idp_rememberConsent", "Ask me again if information to be provided to this service changes",
		"_shib_idp_globalConsent", "Do not ask me again")},
	{file: "username-first.html", rule: "username-form", check: field("identifier")},
	{file: "mfa-code.html", lastSecret: "password", rule: "code-form", check: field("otp")},
	{file: "llng-totp.html", lastSecret: "password", rule: "code-form", check: field("code")},
	{file: "llng-error-page.html", lastSecret: "verification code", rule: "rejected",
		check: func(t *testing.T, p *htmlform.Page, _ *hit) {
			if got := rejectionMessage(p, nil); got != "Your code is invalid" {
				t.Errorf("message %q", got)
			}
		}},
	// The same page, not after a secret: not a rejection.
	{file: "llng-error-page.html", rule: "unknown-page"},
	{file: "error-language-select.html", lastSecret: "verification code", rule: "rejected"},
	{file: "pingfed-post.html", rule: "auto-submit"},
	{file: "script-hidden-button.html", rule: "auto-submit"},
	{file: "noscript-form.html", rule: "noscript-form", check: func(t *testing.T, _ *htmlform.Page, h *hit) {
		if got := h.form.Action.String(); got != "https://sso.example.com/next" {
			t.Errorf("action %s", got)
		}
	}},
	{file: "meta-refresh.html", rule: "meta-refresh", check: func(t *testing.T, _ *htmlform.Page, h *hit) {
		if got := h.link.String(); got != "https://sso.example.com/sso/continue?state=st-5" {
			t.Errorf("link %s", got)
		}
	}},
	{file: "js-only.html", rule: "needs-javascript"},

	// Captured from LemonLDAP::NG 2.16.1 by the project's test bed (llng/README.md).
	{file: "llng/login.html", url: llngURL, rule: "password-form"},
	{file: "llng/wrong-password.html", url: llngURL, password: "password", lastSecret: "password", rule: "password-form",
		check: func(t *testing.T, p *htmlform.Page, h *hit) {
			err := rejected(stepLogin, idp.ErrRejected, p, h.form)
			if want := "form: submit login form: the identity provider rejected the username or password (its message code 5)"; err.Error() != want {
				t.Errorf("err = %q\nwant  %q", err, want)
			}
		}},
	{file: "llng/choice.html", url: llngURL, lastSecret: "password", rule: "method-choice", check: choices("sf", "totp", "TOTP", "ext", "Fixed code")},
	{file: "llng/totp-code.html", url: llngURL, lastSecret: "password", rule: "code-form", check: field("code")},
	{file: "llng/choice-totp-code.html", url: llngURL, rule: "code-form", check: field("code")},
	{file: "llng/choice-ext-code.html", url: llngURL, rule: "code-form", check: field("code")},
	{file: "llng/totp-wrong-code.html", url: llngURL, lastSecret: "verification code", rule: "rejected",
		check: func(t *testing.T, p *htmlform.Page, _ *hit) {
			err := rejected(stepCode, idp.ErrMFARejected, p, nil)
			if want := "form: submit verification code: the identity provider rejected the second factor (its message code 96)"; err.Error() != want {
				t.Errorf("err = %q\nwant  %q", err, want)
			}
		}},
	{file: "llng/autopost.html", url: llngURL, rule: "saml-response"},
	{file: "ssp-error-unknown-sp.html", rule: "unknown-page"},
}

// llngURL is where the test bed's LemonLDAP::NG portal served its pages.
const llngURL = "http://127.0.0.1:18080/"

// TestRules reads each test page and checks the rule that answers it;
// every rule has a page.
func TestRules(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range ruleCases {
		t.Run(tc.file+"/"+tc.rule, func(t *testing.T) {
			u := tc.url
			if u == "" {
				u = "https://sso.example.com/page"
			}
			start := "https://sso.example.com/start"
			if strings.HasPrefix(u, llngURL) {
				start = llngURL
			}
			d := newDriver(t, Config{URL: start}, nil, nil)
			p, err := htmlform.Parse([]byte(readTestdata(t, tc.file)), mustURL(t, u), 200)
			if err != nil {
				t.Fatal(err)
			}
			w := &walk{d: d, lastSecret: tc.lastSecret, passwordField: tc.password, step: stepOpen}
			r, h := w.rule(p)
			if r.name != tc.rule {
				t.Fatalf("rule %s, want %s", r.name, tc.rule)
			}
			seen[r.name] = true
			if tc.check != nil {
				tc.check(t, p, h)
			}
		})
	}
	for _, r := range rules {
		if !seen[r.name] {
			t.Errorf("rule %s has no test page", r.name)
		}
	}
}

func what(name string) func(*testing.T, *htmlform.Page, *hit) {
	return func(t *testing.T, _ *htmlform.Page, h *hit) {
		if h.what != name {
			t.Errorf("unsupported %q, want %q", h.what, name)
		}
	}
}

func field(name string) func(*testing.T, *htmlform.Page, *hit) {
	return func(t *testing.T, _ *htmlform.Page, h *hit) {
		if h.field.Name != name {
			t.Errorf("field %q, want %q", h.field.Name, name)
		}
	}
}

// choices checks the field and the value, label pairs offered.
func choices(name string, valueLabels ...string) func(*testing.T, *htmlform.Page, *hit) {
	return func(t *testing.T, _ *htmlform.Page, h *hit) {
		var got []string
		for _, c := range h.choices {
			if c.name != name {
				t.Errorf("choice %+v: field %q, want %q", c, c.name, name)
			}
			got = append(got, c.value, c.label)
		}
		if d := cmp.Diff(valueLabels, got); d != "" {
			t.Errorf("choices (-want +got):\n%s", d)
		}
	}
}

// TestRuleOrderDocumented: the package documentation lists the rules in
// the table's order.
func TestRuleOrderDocumented(t *testing.T) {
	doc, _, _ := strings.Cut(readTestdata(t, "../form.go"), "package form")
	last := -1
	for _, r := range rules {
		i := strings.Index(doc, " "+r.name+":")
		if j := strings.Index(doc, " "+r.name+","); i < 0 {
			i = j
		}
		if i < 0 || i < last {
			t.Errorf("rule %s is not documented in order in form.go", r.name)
		}
		last = max(last, i)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestHandOvers follows the hand-over pages as a browser without a user
// would, and checks what was sent: the hidden button of a form a script
// submits, the <noscript> form, the refresh.
func TestHandOvers(t *testing.T) {
	var got []string
	srv, _ := pageServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		r.ParseForm()
		got = append(got, r.Method+" "+r.URL.RequestURI()+" "+r.PostForm.Encode())
		switch r.URL.Path {
		case "/start":
			fmt.Fprint(w, readTestdata(t, "script-hidden-button.html"))
		case "/handover":
			fmt.Fprint(w, readTestdata(t, "noscript-form.html"))
		case "/next":
			fmt.Fprint(w, readTestdata(t, "meta-refresh.html"))
		case "/sso/continue":
			fmt.Fprint(w, `<form method="post" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="PHNhbWw+"></form>`)
		}
	})
	d := newDriver(t, Config{URL: srv.URL + "/start"}, nil, nil)
	saml, err := d.Login(t.Context(), idp.LoginInput{Username: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if saml.Reveal() != "PHNhbWw+" {
		t.Errorf("SAMLResponse %q", saml.Reveal())
	}
	want := []string{
		"GET /start ",
		"POST /handover RelayState=rs&continue=Continue&state=st-3", // the button a script hides is sent
		"POST /next state=st-4",
		"GET /sso/continue?state=st-5 ",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
}

// TestHandOverLoop: a refresh to the same page again is a loop, not a hang.
func TestHandOverLoop(t *testing.T) {
	srv, n := pageServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		fmt.Fprint(w, `<title>Wait</title><meta http-equiv="refresh" content="0;url=/again">`)
	})
	d := newDriver(t, Config{URL: srv.URL + "/start"}, nil, nil)
	_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice"})
	if err == nil || !strings.Contains(err.Error(), "a loop") {
		t.Fatalf("err = %v, want a loop", err)
	}
	if n.Load() != 2 {
		t.Errorf("%d requests, want 2", n.Load())
	}
}

// TestPresetChoice: a radio group the page has already checked (a consent
// page's default) is sent as it is, with the button that goes on, not the
// first one (Reject); --mfa-method still picks another.
func TestPresetChoice(t *testing.T) {
	for _, tc := range []struct{ method, want string }{
		{"", "_eventId_proceed=Accept&_shib_idp_consentOptions=_shib_idp_rememberConsent"},
		{"do not ask me again", "_eventId_proceed=Accept&_shib_idp_consentOptions=_shib_idp_globalConsent"},
	} {
		var got string
		srv, _ := pageServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			r.ParseForm()
			if r.Method == http.MethodPost {
				got = r.PostForm.Encode()
				fmt.Fprint(w, `<form method="post" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="PHNhbWw+"></form>`)
				return
			}
			fmt.Fprint(w, readTestdata(t, "consent-radio-default.html"))
		})
		d := newDriver(t, Config{URL: srv.URL + "/start"}, nil, nil)
		if _, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", MFAMethod: tc.method}); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("--mfa-method %q: posted %q, want %q", tc.method, got, tc.want)
		}
	}
}
