package adfs_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

func TestSignIn(t *testing.T) {
	type want struct {
		requests int      // requests the server saw
		methods  []string // method + path of each request
		pwPosts  int
		asked    []string
	}
	signIn := "/adfs/ls/IdpInitiatedSignOn.aspx"
	tests := []struct {
		name     string
		o        idptest.ADFSOptions
		user     string
		password string
		prompt   *fakePrompt
		want     want
		check    func(t *testing.T, reqs []idptest.Recorded)
	}{
		{
			name: "2016 single POST", o: idptest.ADFSOptions{Generation: "2016", TLS: true},
			user: alice, password: alicePW,
			want: want{requests: 1, methods: []string{"POST " + signIn}, pwPosts: 1},
			check: func(t *testing.T, reqs []idptest.Recorded) {
				want := []idptest.Field{{Name: "UserName", Value: alice}, {Name: "Password", Value: alicePW}, {Name: "AuthMethod", Value: "FormsAuthentication"}}
				if diff := cmp.Diff(want, reqs[0].Form); diff != "" {
					t.Errorf("credentials POST (-want +got):\n%s", diff)
				}
				if got := reqs[0].Query.Get("loginToRp"); got != "urn:amazon:webservices" {
					t.Errorf("loginToRp = %q", got)
				}
			},
		},
		{
			name: "2016 UPN user over plain http", o: idptest.ADFSOptions{Generation: "2016"},
			user: "BOB@corp.example.com", password: "hunter2",
			want: want{requests: 1, methods: []string{"POST " + signIn}, pwPosts: 1},
		},
		{
			name: "2019 single POST", o: idptest.ADFSOptions{Generation: "2019", TLS: true},
			user: alice, password: alicePW,
			want: want{requests: 1, methods: []string{"POST " + signIn}, pwPosts: 1},
		},
		{
			name: "2019 falls back to the page's form once", o: idptest.ADFSOptions{Generation: "2019", TLS: true, RequireFormVisit: true},
			user: alice, password: alicePW,
			want: want{requests: 2, methods: []string{"POST " + signIn, "POST " + signIn}, pwPosts: 2},
			check: func(t *testing.T, reqs []idptest.Recorded) {
				// What a browser sends from form#loginForm: no Kmsi (unchecked),
				// one UserName (the hidden one in #options is another form).
				got := reqs[1].Names()
				if diff := cmp.Diff([]string{"AuthMethod", "Password", "UserName"}, got); diff != "" {
					t.Errorf("form fields (-want +got):\n%s", diff)
				}
				if v, _ := reqs[1].Value("AuthMethod"); v != "FormsAuthentication" {
					t.Errorf("AuthMethod = %q, want the hidden value kept", v)
				}
				if reqs[1].Cookies["idptest-visited"] == "" {
					t.Errorf("the cookie set with the sign-in page was not sent back: %v", reqs[1].Cookies)
				}
				if reqs[1].Query.Get("client-request-id") == "" {
					t.Errorf("the form's action (with client-request-id) was not used: %v", reqs[1].Query)
				}
			},
		},
		{
			name: "2016 redirect with MSISAuth cookie", o: idptest.ADFSOptions{Generation: "2016", TLS: true, RedirectAfterLogin: true},
			user: alice, password: alicePW,
			want: want{requests: 2, methods: []string{"POST " + signIn, "GET " + signIn}, pwPosts: 1},
			check: func(t *testing.T, reqs []idptest.Recorded) {
				if reqs[1].Cookies["MSISAuth"] == "" {
					t.Errorf("MSISAuth not sent back after the redirect: %v", reqs[1].Cookies)
				}
			},
		},
		{
			name: "2.0 ASP.NET form", o: idptest.ADFSOptions{Generation: "2.0", TLS: true},
			user: alice, password: alicePW,
			want: want{requests: 3, methods: []string{"POST " + signIn, "GET /adfs/ls/FormsSignIn.aspx", "POST /adfs/ls/FormsSignIn.aspx"}, pwPosts: 2},
			check: func(t *testing.T, reqs []idptest.Recorded) {
				r := reqs[2]
				for _, name := range []string{"__VIEWSTATE", "__VIEWSTATEGENERATOR", "__EVENTVALIDATION", "__db"} {
					if v, ok := r.Value(name); !ok || v == "" {
						t.Errorf("hidden field %s not sent back", name)
					}
				}
				if v, _ := r.Value("ctl00$ContentPlaceHolder1$SubmitButton"); v != "Sign In" {
					t.Errorf("SubmitButton = %q, want the clicked button's value", v)
				}
				if v, _ := r.Value("ctl00$ContentPlaceHolder1$UsernameTextBox"); v != alice {
					t.Errorf("UsernameTextBox = %q", v)
				}
			},
		},
		{
			name: "password asked once the sign-in form is reached", o: idptest.ADFSOptions{Generation: "2016", TLS: true},
			user: alice, prompt: &fakePrompt{secrets: []string{alicePW}},
			want: want{requests: 2, methods: []string{"GET " + signIn, "POST " + signIn}, pwPosts: 1, asked: []string{`secret: Password for CORP\alice at 127.0.0.1`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.o, envOptions{prompt: tt.prompt})
			got, err := e.drv.Login(context.Background(), idp.LoginInput{Username: tt.user, Password: secret.New(tt.password)})
			if err != nil {
				t.Fatalf("Login: %v", err)
			}
			if want := idptest.FakeSAMLResponse(canonical(tt.user)); got.Reveal() != want {
				t.Errorf("SAMLResponse = %q, want %q", got.Reveal(), want)
			}
			reqs := e.srv.Requests()
			var methods []string
			for _, r := range reqs {
				methods = append(methods, r.Method+" "+r.Path)
			}
			gotWant := want{requests: e.srv.Count(), methods: methods, pwPosts: e.srv.PasswordPosts(tt.user), asked: e.prompt.Asked()}
			if diff := cmp.Diff(tt.want, gotWant, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if e.srv.Logins() != 1 {
				t.Errorf("Logins = %d", e.srv.Logins())
			}
			if tt.check != nil {
				tt.check(t, reqs)
			}
		})
	}
}

// canonical is the user name as the idptest Users map spells it.
func canonical(u string) string {
	for k := range users {
		if strings.EqualFold(k, u) {
			return k
		}
	}
	return u
}

func TestWrongPassword(t *testing.T) {
	tests := []struct {
		name    string
		o       idptest.ADFSOptions
		prompt  *fakePrompt
		pw      string
		msg     string
		pwPosts int
	}{
		{"2016", idptest.ADFSOptions{Generation: "2016", TLS: true}, nil, "wrong", idptest.MsgBadPassword, 1},
		{"2019", idptest.ADFSOptions{Generation: "2019"}, nil, "wrong", idptest.MsgBadPassword, 1},
		// The blind POST is ignored by ADFS 2.0 (it redirects to its form),
		// so the password goes once more, through the form.
		{"2.0", idptest.ADFSOptions{Generation: "2.0"}, nil, "wrong", idptest.MsgBadPassword20, 2},
		{"prompted", idptest.ADFSOptions{Generation: "2016"}, &fakePrompt{secrets: []string{"wrong", alicePW}}, "", idptest.MsgBadPassword, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.o, envOptions{prompt: tt.prompt})
			_, err := e.drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(tt.pw)})
			var rej *idp.RejectedError
			if !errors.As(err, &rej) || !errors.Is(err, idp.ErrRejected) {
				t.Fatalf("err = %v, want a RejectedError wrapping ErrRejected", err)
			}
			if rej.Message != tt.msg {
				t.Errorf("Message = %q, want %q", rej.Message, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "adfs: submit login form: ") {
				t.Errorf("err = %q, want it to name the step", err)
			}
			if got := e.srv.PasswordPosts(alice); got != tt.pwPosts {
				t.Errorf("password posted %d times, want %d", got, tt.pwPosts)
			}
		})
	}
}

func TestMFACode(t *testing.T) {
	tests := []struct {
		name      string
		code      string
		prompt    *fakePrompt
		wantErr   error
		codePosts int
		asked     int
	}{
		{name: "from input", code: "123456", codePosts: 1},
		{name: "from prompt", prompt: &fakePrompt{secrets: []string{" 123456 "}}, codePosts: 1, asked: 1},
		{name: "prompt, wrong then right", prompt: &fakePrompt{secrets: []string{"000000", "123456"}}, codePosts: 2, asked: 2},
		{name: "wrong from input is final", code: "000000", prompt: &fakePrompt{secrets: []string{"123456"}}, wantErr: idp.ErrMFARejected, codePosts: 1},
		{name: "prompt, three wrong", prompt: &fakePrompt{secrets: []string{"1", "2", "3", "123456"}}, wantErr: idp.ErrMFARejected, codePosts: 3, asked: 3},
		{name: "cannot prompt", wantErr: idp.ErrNoPrompt, asked: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, idptest.ADFSOptions{MFA: "code", TLS: true}, envOptions{prompt: tt.prompt})
			got, err := e.drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(alicePW), MFACode: secret.New(tt.code)})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if tt.wantErr == idp.ErrMFARejected {
					var rej *idp.RejectedError
					if !errors.As(err, &rej) || rej.Message != idptest.MsgBadCode {
						t.Errorf("err = %v, want the IdP's message %q", err, idptest.MsgBadCode)
					}
				}
			} else if err != nil || got.Reveal() != idptest.FakeSAMLResponse(alice) {
				t.Fatalf("Login = %q, %v", got.Reveal(), err)
			}
			posts := formPosts(e.srv.Requests(), "Passcode")
			if len(posts) != tt.codePosts {
				t.Errorf("code posted %d times, want %d", len(posts), tt.codePosts)
			}
			for _, r := range posts {
				if r.Cookies["MSISAuth"] == "" {
					t.Errorf("MSISAuth cookie not sent with the code: %v", r.Cookies)
				}
				if ctx, _ := r.Value("Context"); ctx == "" {
					t.Errorf("Context not sent back")
				}
				if v, _ := r.Value("AuthMethod"); v != "SecurIDAuthentication" {
					t.Errorf("AuthMethod = %q", v)
				}
				if v, _ := r.Value("Submit"); v != "Submit" {
					t.Errorf("Submit button not sent as a browser would: %q", v)
				}
			}
			if got := len(e.prompt.Asked()); got != tt.asked {
				t.Errorf("asked %d times (%q), want %d", got, e.prompt.Asked(), tt.asked)
			}
			if e.srv.PasswordPosts(alice) != 1 {
				t.Errorf("password posted %d times", e.srv.PasswordPosts(alice))
			}
		})
	}
}

func TestPush(t *testing.T) {
	t.Run("approved after 3 polls, number shown", func(t *testing.T) {
		e := newEnv(t, idptest.ADFSOptions{MFA: "push", PushApproveAfter: 3, PushNumber: "42", TLS: true}, envOptions{})
		got, err := e.drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(alicePW)})
		if err != nil || got.Reveal() != idptest.FakeSAMLResponse(alice) {
			t.Fatalf("Login = %q, %v", got.Reveal(), err)
		}
		if e.srv.Polls() != 4 {
			t.Errorf("polls = %d, want 4 (3 pending, then approved)", e.srv.Polls())
		}
		lines := e.status.Lines()
		if len(lines) != 1 || !strings.Contains(lines[0], "enter the number 42") {
			t.Errorf("status lines = %q, want one naming the number", lines)
		}
		for _, r := range formPosts(e.srv.Requests(), "Context") {
			if r.Cookies["MSISAuth"] == "" {
				t.Errorf("poll without the MSISAuth cookie")
			}
		}
	})
	t.Run("timeout on the injected clock", func(t *testing.T) {
		clock := &stepClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), step: 50 * time.Second}
		e := newEnv(t, idptest.ADFSOptions{MFA: "push", PushApproveAfter: -1}, envOptions{now: clock.Now})
		_, err := e.drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(alicePW), MFATimeout: 2 * time.Minute})
		if !errors.Is(err, idp.ErrMFATimeout) {
			t.Fatalf("err = %v, want ErrMFATimeout", err)
		}
		// Deadline 50s+2m; polls see the clock at 100s, 150s, 200s.
		if n := e.srv.Polls(); n != 3 {
			t.Errorf("polls = %d, want 3", n)
		}
		if lines := e.status.Lines(); len(lines) != 1 || !strings.Contains(lines[0], "on your phone") {
			t.Errorf("status lines = %q", lines)
		}
	})
	t.Run("cancelled while waiting", func(t *testing.T) {
		e := newEnv(t, idptest.ADFSOptions{MFA: "push", PushApproveAfter: -1}, envOptions{})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := e.drv.Login(ctx, idp.LoginInput{Username: alice, Password: secret.New(alicePW), MFATimeout: time.Hour})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want the context's deadline", err)
		}
	})
}

func TestChoice(t *testing.T) {
	tests := []struct {
		name   string
		in     idp.LoginInput
		prompt *fakePrompt
		method string // AuthMethod chosen
		asked  []string
	}{
		{name: "MFAMethod by label word", in: idp.LoginInput{MFAMethod: "rsa", MFACode: secret.New("123456")}, method: "SecurIDAuthentication"},
		{name: "MFAMethod by AuthMethod", in: idp.LoginInput{MFAMethod: "AzureMfaAuthentication"}, method: "AzureMfaAuthentication"},
		{
			name: "Select", prompt: &fakePrompt{selects: []int{0}}, method: "AzureMfaAuthentication",
			asked: []string{`select: Additional authentication method ["Azure Multi-Factor Authentication" "RSA SecurID"]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, idptest.ADFSOptions{MFA: "choice", PushApproveAfter: 1, TLS: true}, envOptions{prompt: tt.prompt})
			in := tt.in
			in.Username, in.Password = alice, secret.New(alicePW)
			got, err := e.drv.Login(context.Background(), in)
			if err != nil || got.Reveal() != idptest.FakeSAMLResponse(alice) {
				t.Fatalf("Login = %q, %v", got.Reveal(), err)
			}
			reqs := e.srv.Requests()
			if v, _ := reqs[1].Value("AuthMethod"); v != tt.method {
				t.Errorf("chose %q, want %q", v, tt.method)
			}
			if diff := cmp.Diff(tt.asked, e.prompt.Asked()); diff != "" {
				t.Errorf("asked (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("MFAMethod matching nothing", func(t *testing.T) {
		e := newEnv(t, idptest.ADFSOptions{MFA: "choice"}, envOptions{})
		_, err := e.drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(alicePW), MFAMethod: "sms"})
		if !errors.Is(err, idp.ErrBadInput) || !strings.Contains(err.Error(), `--mfa-method "sms" matches none`) || !strings.Contains(err.Error(), "RSA SecurID") {
			t.Fatalf("err = %v, want one listing the methods", err)
		}
	})
}

func TestDuoUnsupported(t *testing.T) {
	e := newEnv(t, idptest.ADFSOptions{MFA: "duo"}, envOptions{})
	_, err := e.drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(alicePW)})
	if !errors.Is(err, idp.ErrUnsupportedMFA) {
		t.Fatalf("err = %v, want ErrUnsupportedMFA", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "Duo") || strings.Contains(msg, "\n") || strings.Contains(msg, "unexpected page") {
		t.Errorf("err = %q, want one line naming Duo", msg)
	}
	if e.srv.Count() != 1 {
		t.Errorf("requests = %d, want 1 (nothing sent to the Duo page)", e.srv.Count())
	}
}

func TestPageErrors(t *testing.T) {
	tests := []struct {
		name       string
		o          idptest.ADFSOptions
		rp         string
		password   string
		prompt     *fakePrompt
		step       string
		detail     []string
		wantAsked  int
		wantPosted int
	}{
		{
			name: "IdP-initiated page disabled", o: idptest.ADFSOptions{IdPInitiatedDisabled: true, TLS: true}, password: alicePW,
			step: "submit login form", detail: []string{"disabled", "Set-AdfsProperties -EnableIdpInitiatedSignonPage $true", "Activity ID"}, wantPosted: 1,
		},
		{
			name: "disabled, password not asked", o: idptest.ADFSOptions{IdPInitiatedDisabled: true}, prompt: &fakePrompt{secrets: []string{alicePW}},
			step: "open sign-in page", detail: []string{"EnableIdpInitiatedSignonPage"},
		},
		{
			name: "unknown relying party", o: idptest.ADFSOptions{}, rp: "urn:amazon:webservices:govcloud", password: alicePW,
			step: "submit login form", detail: []string{"MSIS7007", `"urn:amazon:webservices:govcloud"`}, wantPosted: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.o, envOptions{prompt: tt.prompt, rp: tt.rp})
			_, err := e.drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(tt.password)})
			var pe *idp.PageError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a PageError", err)
			}
			if pe.Step != tt.step || pe.Title != "Sign In" || pe.Status != 200 {
				t.Errorf("PageError = %+v", pe)
			}
			if !strings.HasSuffix(pe.URL, "/adfs/ls/IdpInitiatedSignOn.aspx") || strings.Contains(pe.URL, "?") {
				t.Errorf("URL = %q, want the page without its query", pe.URL)
			}
			for _, d := range tt.detail {
				if !strings.Contains(pe.Detail, d) {
					t.Errorf("Detail = %q, want it to contain %q", pe.Detail, d)
				}
			}
			if got := len(e.prompt.Asked()); got != tt.wantAsked {
				t.Errorf("prompted %d times", got)
			}
			if got := e.srv.PasswordPosts(alice); got != tt.wantPosted {
				t.Errorf("password posted %d times, want %d", got, tt.wantPosted)
			}
		})
	}
}

func TestUnexpectedPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`<html><head><title> Down for
		maintenance </title></head><body><p>Back soon.</p></body></html>`))
	}))
	t.Cleanup(srv.Close)
	client, _ := idp.NewHTTPClient(idp.HTTPOptions{})
	d, err := adfs.New(adfs.Config{Host: srv.URL}, idp.Deps{Client: client})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(alicePW)})
	var pe *idp.PageError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a PageError", err)
	}
	want := &idp.PageError{
		Step: "submit login form", Title: "Down for maintenance", URL: srv.URL + "/adfs/ls/IdpInitiatedSignOn.aspx", Status: 503,
		Detail: "expected the ADFS sign-in form, an additional-authentication page or the SAMLResponse",
	}
	if diff := cmp.Diff(want, pe); diff != "" {
		t.Errorf("PageError (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(err.Error(), `adfs: submit login form: unexpected page "Down for maintenance"`) {
		t.Errorf("err = %q", err)
	}
}

func TestUnknownCA(t *testing.T) {
	e := newEnv(t, idptest.ADFSOptions{TLS: true}, envOptions{noCABun: true})
	_, err := e.drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(alicePW)})
	var ua x509.UnknownAuthorityError
	if !errors.As(err, &ua) {
		t.Fatalf("err = %v, want an unknown-authority error", err)
	}
	if e.srv.PasswordPosts(alice) != 0 {
		t.Errorf("the password reached a server whose certificate was not trusted")
	}
}

func TestStalledServer(t *testing.T) {
	e := newEnv(t, idptest.ADFSOptions{Latency: time.Hour, TLS: true}, envOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := e.drv.Login(ctx, idp.LoginInput{Username: alice, Password: secret.New(alicePW)})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
	if !strings.HasPrefix(err.Error(), "adfs: submit login form: ") {
		t.Errorf("err = %q, want it to name the step", err)
	}
}

func TestNoUsername(t *testing.T) {
	e := newEnv(t, idptest.ADFSOptions{}, envOptions{})
	if _, err := e.drv.Login(context.Background(), idp.LoginInput{Password: secret.New("x")}); err == nil {
		t.Fatal("Login without a user name succeeded")
	}
	if e.srv.Count() != 0 {
		t.Errorf("requests = %d, want 0", e.srv.Count())
	}
}

func TestDuoUniversalPromptUnsupported(t *testing.T) {
	e := newEnv(t, idptest.ADFSOptions{MFA: idptest.MFADuoUniversal}, envOptions{})
	_, err := e.drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(alicePW)})
	if !errors.Is(err, idp.ErrUnsupportedMFA) {
		t.Fatalf("err = %v, want ErrUnsupportedMFA", err)
	}
	want := `adfs: additional authentication: unsupported additional-authentication method: Duo is not supported yet (the Universal Prompt, page "Sign In")`
	if err.Error() != want {
		t.Errorf("err = %q\nwant  %q", err, want)
	}
	if e.srv.Count() != 1 {
		t.Errorf("requests = %d, want 1 (nothing sent after the Duo page)", e.srv.Count())
	}
}
