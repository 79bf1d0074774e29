package form

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

// twoFactorPortal is an idptest.Portal with bob (TOTP and WebAuthn: the
// choice page), carol (TOTP only), dave (Duo), erin (WebAuthn only) and
// frank (Duo and TOTP).
func twoFactorPortal(t *testing.T, badPassword, badCode string) *idptest.Portal {
	return idptest.NewPortal(t, idptest.PortalOptions{
		Users: map[string]idptest.PortalUser{
			"bob":   {Password: "bob-pw", Factors: []string{idptest.PortalTOTP, idptest.PortalWebAuthn}, Code: "246810"},
			"carol": {Password: "carol-pw", Factors: []string{idptest.PortalTOTP}, Code: "135791"},
			"dave":  {Password: "dave-pw", Factors: []string{idptest.PortalDuo}},
			"erin":  {Password: "erin-pw", Factors: []string{idptest.PortalWebAuthn}},
		},
		BadPassword: badPassword,
		BadCode:     badCode,
	})
}

func TestChoiceByMFAMethod(t *testing.T) {
	p := twoFactorPortal(t, "", "")
	for _, method := range []string{"TOTP", "totp", "Totp"} {
		p.Reset()
		d := newDriver(t, Config{URL: p.URL() + "/start"}, &fakePrompter{}, nil)
		got, err := d.Login(t.Context(), idp.LoginInput{Username: "bob", Password: secret.New("bob-pw"),
			MFAMethod: method, MFACode: secret.New("246810")})
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if got.Reveal() != idptest.FakeSAMLResponse("bob") {
			t.Errorf("SAMLResponse differs from the portal's")
		}
		want := []string{
			"GET /start",
			"POST /login password=bob-pw&token=1764129000_4242&user=bob",
			"POST /2fchoice sf=totp&token=1764129000_4242&user=bob", // the button, as a browser sends it
			"POST /totp2fcheck code=246810&token=1764129000_4242&user=bob",
		}
		if d := cmp.Diff(want, p.Requests()); d != "" {
			t.Errorf("requests (-want +got):\n%s", d)
		}
	}
}

func TestChoicePrompted(t *testing.T) {
	p := twoFactorPortal(t, "", "")
	fp := &fakePrompter{selects: []int{0}, secrets: []secret.String{secret.New("246810")}}
	d := newDriver(t, Config{URL: p.URL() + "/start"}, fp, nil)
	if _, err := d.Login(t.Context(), idp.LoginInput{Username: "bob", Password: secret.New("bob-pw")}); err != nil {
		t.Fatal(err)
	}
	// The labels are filled by a script: the values are listed.
	want := []string{"select:Sign-in method:totp|webauthn", "secret:Verification code"}
	if d := cmp.Diff(want, fp.asked); d != "" {
		t.Errorf("prompts (-want +got):\n%s", d)
	}
}

func TestChoiceWithoutPrompter(t *testing.T) {
	p := twoFactorPortal(t, "", "")
	d := newDriver(t, Config{URL: p.URL() + "/start"}, nil, nil)
	_, err := d.Login(t.Context(), idp.LoginInput{Username: "bob", Password: secret.New("bob-pw")})
	if !errors.Is(err, idp.ErrNoPrompt) {
		t.Fatalf("err = %v, want ErrNoPrompt", err)
	}
	want := "form: choose a sign-in method: cannot prompt: pick one of the methods the portal offers with --mfa-method: totp, webauthn"
	if err.Error() != want {
		t.Errorf("err = %q\nwant  %q", err, want)
	}
	t.Run("no match", func(t *testing.T) {
		_, err := d.Login(t.Context(), idp.LoginInput{Username: "bob", Password: secret.New("bob-pw"), MFAMethod: "sms"})
		if err == nil || !strings.Contains(err.Error(), `--mfa-method "sms" matches none of the methods the portal offers: totp, webauthn`) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRejections(t *testing.T) {
	for _, tc := range []struct {
		name, badPassword, badCode, user, password, code string
		kind                                             error
		want                                             string
	}{
		{"password, alert", idptest.RejectAlert, "", "bob", "nope", "", idp.ErrRejected,
			`form: submit login form: the identity provider rejected the username or password: "Wrong username or password"`},
		{"password, plain p", idptest.RejectPlain, "", "bob", "nope", "", idp.ErrRejected,
			`form: submit login form: the identity provider rejected the username or password: "Wrong username or password"`},
		{"password, message code", idptest.RejectCode, "", "bob", "nope", "", idp.ErrRejected,
			`form: submit login form: the identity provider rejected the username or password (its message code 5)`},
		// An error page instead of the sign-in form: refused (exit 4), but
		// not said to be the password (LemonLDAP::NG answers a missing
		// attribute the same way).
		{"password, error page", idptest.RejectErrorPage, "", "bob", "nope", "", idp.ErrRejected,
			`form: submit login form: the identity provider refused the sign-in after the password: "Wrong username or password"`},
		{"code, error page", "", idptest.RejectErrorPage, "carol", "carol-pw", "000000", idp.ErrMFARejected,
			`form: submit verification code: the identity provider rejected the second factor: "Your code is invalid"`},
		{"code, form again", "", idptest.RejectAlert, "carol", "carol-pw", "000000", idp.ErrMFARejected,
			`form: submit verification code: the identity provider rejected the second factor: "Your code is invalid"`},
		{"code, message code", "", idptest.RejectCode, "carol", "carol-pw", "000000", idp.ErrMFARejected,
			`form: submit verification code: the identity provider rejected the second factor (its message code 5)`},
		{"code, plain p", "", idptest.RejectPlain, "carol", "carol-pw", "000000", idp.ErrMFARejected,
			`form: submit verification code: the identity provider rejected the second factor: "Your code is invalid"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := twoFactorPortal(t, tc.badPassword, tc.badCode)
			d := newDriver(t, Config{URL: p.URL() + "/start"}, &fakePrompter{}, nil)
			_, err := d.Login(t.Context(), idp.LoginInput{Username: tc.user, Password: secret.New(tc.password), MFACode: secret.New(tc.code)})
			var rej *idp.RejectedError
			if !errors.As(err, &rej) || !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want a RejectedError with %v", err, tc.kind)
			}
			if err.Error() != tc.want {
				t.Errorf("err = %q\nwant  %q", err, tc.want)
			}
			posts := 0
			for _, r := range p.Requests() {
				if strings.HasPrefix(r, "POST /login") || strings.HasPrefix(r, "POST /totp2fcheck") {
					posts++
				}
			}
			if wantPosts := map[bool]int{true: 1, false: 2}[tc.code == ""]; posts != wantPosts {
				t.Errorf("%d secret posts, want %d (nothing resent): %q", posts, wantPosts, p.Requests())
			}
		})
	}
}

func TestBrowserOnlyPages(t *testing.T) {
	p := twoFactorPortal(t, "", "")
	for _, tc := range []struct {
		name, user, path, method string
		kind                     error
		want                     string
	}{
		{"duo universal prompt", "dave", "/start", "", idp.ErrUnsupportedMFA,
			`form: submit login form: Duo is not supported by the form driver (page "Redirecting" at ` + p.URL() + `/login)`},
		{"webauthn", "bob", "/start", "webauthn", idp.ErrUnsupportedMFA,
			`form: choose a sign-in method: a security key or passkey (WebAuthn) is not supported by the form driver (page "WebAuthn" at ` + p.URL() + `/2fchoice)`},
		{"javascript only", "bob", "/js", "", idp.ErrNeedsBrowser,
			`form: open sign-in page: the page "Loading" at ` + p.URL() + `/js needs JavaScript to go on (no form, no link, no refresh), which samlogin does not run`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.Reset()
			d := newDriver(t, Config{URL: p.URL() + tc.path}, &fakePrompter{}, nil)
			_, err := d.Login(t.Context(), idp.LoginInput{Username: tc.user, Password: secret.New(tc.user + "-pw"), MFAMethod: tc.method})
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
			if err.Error() != tc.want {
				t.Errorf("err = %q\nwant  %q", err, tc.want)
			}
			for _, r := range p.Requests() {
				if strings.Contains(r, "duosecurity") || strings.Contains(r, "webauthn2fcheck") {
					t.Errorf("request %q: nothing goes on after an unsupported page", r)
				}
			}
		})
	}
}

// TestDebugLogsRuleNames: --debug names the rule that answered each page.
func TestDebugLogsRuleNames(t *testing.T) {
	p := twoFactorPortal(t, "", "")
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d := newDriver(t, Config{URL: p.URL() + "/start"}, &fakePrompter{}, log)
	if _, err := d.Login(t.Context(), idp.LoginInput{Username: "bob", Password: secret.New("bob-pw"),
		MFAMethod: "totp", MFACode: secret.New("246810")}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(buf.String(), "\n") {
		if i := strings.Index(line, " rule="); i >= 0 && strings.Contains(line, `msg="form: page"`) {
			got = append(got, strings.Fields(line[i+len(" rule="):])[0])
		}
	}
	want := []string{"password-form", "method-choice", "code-form", "saml-response"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rules logged (-want +got):\n%s\n%s", d, buf.String())
	}
	for _, s := range []string{"bob-pw", "246810", idptest.FakeSAMLResponse("bob")} {
		if strings.Contains(buf.String(), s) {
			t.Errorf("debug log holds %q", s)
		}
	}
}
