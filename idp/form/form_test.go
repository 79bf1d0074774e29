package form

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

func newClient(t testing.TB, log *slog.Logger) *http.Client {
	t.Helper()
	c, err := idp.NewHTTPClient(idp.HTTPOptions{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newDriver(t testing.TB, cfg Config, p idp.Prompter, log *slog.Logger) *Driver {
	t.Helper()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d, err := New(cfg, idp.Deps{Client: newClient(t, log), Prompt: p, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNew(t *testing.T) {
	client := newClient(t, nil)
	for _, tc := range []struct {
		name   string
		cfg    Config
		client *http.Client
		want   string
	}{
		{"no URL", Config{}, client, "no sign-in URL"},
		{"plain http", Config{URL: "http://idp.example.com/sso"}, client, "refusing plain http"},
		{"no scheme", Config{URL: "idp.example.com/sso"}, client, "without a scheme"},
		{"bad URL", Config{URL: "https://[::1"}, client, "not a valid URL"},
		{"negative steps", Config{URL: "https://idp.example.com/", MaxSteps: -1}, client, "negative"},
		{"no client", Config{URL: "https://idp.example.com/"}, nil, "no HTTP client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, idp.Deps{Client: tc.client})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want an error containing %q", err, tc.want)
			}
		})
	}
	d, err := New(Config{URL: "http://127.0.0.1:1/sso"}, idp.Deps{Client: client})
	if err != nil {
		t.Fatal(err)
	}
	if d.maxSteps != DefaultMaxSteps {
		t.Errorf("maxSteps = %d, want %d", d.maxSteps, DefaultMaxSteps)
	}
}

func TestLoginSimpleSAMLphp(t *testing.T) {
	for _, tc := range []struct{ user, password string }{
		{"alice", "alice-pass"},
		{"sam.special@example.test", "p@ss w0rd&=+%:x"},
	} {
		t.Run(tc.user, func(t *testing.T) {
			p := newPortal(t, &portal{user: tc.user, password: tc.password})
			d := newDriver(t, Config{URL: p.startURL()}, &fakePrompter{}, nil)
			got, err := d.Login(t.Context(), idp.LoginInput{Username: tc.user, Password: secret.New(tc.password)})
			if err != nil {
				t.Fatal(err)
			}
			if got.Reveal() != aliceSAML(t) {
				t.Errorf("SAMLResponse differs from the page's")
			}
			reqs, posts, _ := p.snapshot()
			want := []string{"GET /saml2/idp/SSOService.php", "GET " + loginPath, "POST " + loginPath}
			if d := cmp.Diff(want, reqs); d != "" {
				t.Errorf("requests (-want +got):\n%s", d)
			}
			if posts != 1 {
				t.Errorf("%d password posts, want 1", posts)
			}
		})
	}
}

func TestLoginPromptsForPassword(t *testing.T) {
	p := newPortal(t, &portal{})
	fp := &fakePrompter{secrets: []secret.String{secret.New("alice-pass")}}
	d := newDriver(t, Config{URL: p.startURL()}, fp, nil)
	if _, err := d.Login(t.Context(), idp.LoginInput{Username: "alice"}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"secret:Password for alice at 127.0.0.1"}, fp.asked); d != "" {
		t.Errorf("prompts (-want +got):\n%s", d)
	}
}

func TestLoginFollowsIntermediateAutoPost(t *testing.T) {
	p := newPortal(t, &portal{intermediate: true})
	d := newDriver(t, Config{URL: p.startURL()}, &fakePrompter{}, nil)
	got, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("alice-pass")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Reveal() != aliceSAML(t) {
		t.Errorf("SAMLResponse differs from the page's")
	}
	reqs, _, _ := p.snapshot()
	want := []string{"GET /saml2/idp/SSOService.php", "GET " + loginPath, "POST " + loginPath, "POST /pingfed/auth"}
	if d := cmp.Diff(want, reqs); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
}

func TestLoginMFA(t *testing.T) {
	t.Run("code from LoginInput", func(t *testing.T) {
		p := newPortal(t, &portal{intermediate: true, mfaCode: "123456"})
		fp := &fakePrompter{}
		d := newDriver(t, Config{URL: p.startURL()}, fp, nil)
		got, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("alice-pass"), MFACode: secret.New(" 123456 ")})
		if err != nil {
			t.Fatal(err)
		}
		if got.Reveal() != aliceSAML(t) {
			t.Errorf("SAMLResponse differs from the page's")
		}
		if _, _, codes := p.snapshot(); !cmp.Equal(codes, []string{"123456"}) {
			t.Errorf("codes posted: %q", codes)
		}
		if len(fp.asked) != 0 {
			t.Errorf("prompted: %q", fp.asked)
		}
	})
	t.Run("code from the prompter", func(t *testing.T) {
		p := newPortal(t, &portal{mfaCode: "654321"})
		fp := &fakePrompter{secrets: []secret.String{secret.New("alice-pass"), secret.New("654321")}}
		d := newDriver(t, Config{URL: p.startURL()}, fp, nil)
		if _, err := d.Login(t.Context(), idp.LoginInput{Username: "alice"}); err != nil {
			t.Fatal(err)
		}
		want := []string{"secret:Password for alice at 127.0.0.1", "secret:Verification code"}
		if d := cmp.Diff(want, fp.asked); d != "" {
			t.Errorf("prompts (-want +got):\n%s", d)
		}
	})
	t.Run("wrong code from LoginInput is tried once", func(t *testing.T) {
		p := newPortal(t, &portal{mfaCode: "123456"})
		fp := &fakePrompter{}
		d := newDriver(t, Config{URL: p.startURL()}, fp, nil)
		_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("alice-pass"), MFACode: secret.New("000000")})
		var rej *idp.RejectedError
		if !errors.As(err, &rej) || !errors.Is(err, idp.ErrMFARejected) {
			t.Fatalf("err = %v, want a RejectedError with ErrMFARejected", err)
		}
		if rej.Message != "The code you entered is not valid." {
			t.Errorf("message %q", rej.Message)
		}
		if !strings.HasPrefix(err.Error(), "form: submit verification code: ") {
			t.Errorf("error %q does not name the step", err)
		}
		if _, _, codes := p.snapshot(); len(codes) != 1 {
			t.Errorf("codes posted: %q, want one", codes)
		}
		if len(fp.asked) != 0 {
			t.Errorf("prompted: %q", fp.asked)
		}
	})
	t.Run("wrong prompted code is asked again", func(t *testing.T) {
		p := newPortal(t, &portal{mfaCode: "123456"})
		fp := &fakePrompter{secrets: []secret.String{secret.New("111111"), secret.New("123456")}}
		var status []string
		d, err := New(Config{URL: p.startURL()}, idp.Deps{Client: newClient(t, nil), Prompt: fp,
			Log: slog.New(slog.DiscardHandler), Status: func(m string) { status = append(status, m) }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("alice-pass")}); err != nil {
			t.Fatal(err)
		}
		if _, _, codes := p.snapshot(); !cmp.Equal(codes, []string{"111111", "123456"}) {
			t.Errorf("codes posted: %q", codes)
		}
		if d := cmp.Diff([]string{"The code you entered is not valid.; try again"}, status); d != "" {
			t.Errorf("status (-want +got):\n%s", d)
		}
	})
	t.Run("prompted codes are bounded", func(t *testing.T) {
		p := newPortal(t, &portal{mfaCode: "123456"})
		fp := &fakePrompter{secrets: []secret.String{secret.New("1"), secret.New("2"), secret.New("3"), secret.New("4")}}
		d := newDriver(t, Config{URL: p.startURL()}, fp, nil)
		_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("alice-pass")})
		if !errors.Is(err, idp.ErrMFARejected) {
			t.Fatalf("err = %v, want ErrMFARejected", err)
		}
		if _, _, codes := p.snapshot(); len(codes) != maxCodeAttempts {
			t.Errorf("codes posted: %q, want %d", codes, maxCodeAttempts)
		}
	})
}

func TestLoginWrongPassword(t *testing.T) {
	p := newPortal(t, &portal{})
	d := newDriver(t, Config{URL: p.startURL()}, &fakePrompter{}, nil)
	_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("nope")})
	var rej *idp.RejectedError
	if !errors.As(err, &rej) || !errors.Is(err, idp.ErrRejected) {
		t.Fatalf("err = %v, want a RejectedError with ErrRejected", err)
	}
	if rej.Message != "Incorrect username or password" {
		t.Errorf("message %q", rej.Message)
	}
	if !strings.HasPrefix(err.Error(), "form: submit login form: ") {
		t.Errorf("error %q does not name the step", err)
	}
	if _, posts, _ := p.snapshot(); posts != 1 {
		t.Errorf("%d password posts, want exactly 1", posts)
	}
}

func TestLoginMissingInput(t *testing.T) {
	p := newPortal(t, &portal{})
	t.Run("no prompter", func(t *testing.T) {
		d := newDriver(t, Config{URL: p.startURL()}, nil, nil)
		_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice"})
		if !errors.Is(err, idp.ErrNoPrompt) || !strings.Contains(err.Error(), "form: submit login form: no password given") {
			t.Fatalf("err = %v, want ErrNoPrompt naming the password", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		d := newDriver(t, Config{URL: p.startURL()}, &fakePrompter{err: idp.ErrCancelled}, nil)
		_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice"})
		if !errors.Is(err, idp.ErrCancelled) {
			t.Fatalf("err = %v, want ErrCancelled", err)
		}
	})
	t.Run("username prompted", func(t *testing.T) {
		fp := &fakePrompter{inputs: []string{"alice"}, secrets: []secret.String{secret.New("alice-pass")}}
		d := newDriver(t, Config{URL: p.startURL()}, fp, nil)
		if _, err := d.Login(t.Context(), idp.LoginInput{}); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"input:Username", "secret:Password for alice at 127.0.0.1"}, fp.asked); d != "" {
			t.Errorf("prompts (-want +got):\n%s", d)
		}
	})
}

// pageServer serves one handler over 127.0.0.1 and counts requests.
func pageServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, int(n.Add(1)))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestLoginUnknownPage(t *testing.T) {
	page := readTestdata(t, "ssp-error-unknown-sp.html")
	srv, _ := pageServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, page)
	})
	d := newDriver(t, Config{URL: srv.URL + "/saml2/idp/SSOService.php?spentityid=urn:example:unknown"}, &fakePrompter{}, nil)
	_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("alice-pass")})
	var pe *idp.PageError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a PageError", err)
	}
	if pe.Step != "open sign-in page" || pe.Title != "Metadata not found" || pe.Status != 500 ||
		pe.URL != srv.URL+"/saml2/idp/SSOService.php" {
		t.Errorf("PageError = %+v", pe)
	}
	if !strings.Contains(pe.Detail, "Unable to locate metadata for") {
		t.Errorf("Detail %q does not quote the page", pe.Detail)
	}
	if !strings.HasPrefix(err.Error(), `form: open sign-in page: unexpected page "Metadata not found"`) {
		t.Errorf("error %q", err)
	}
}

func TestLoginMaxSteps(t *testing.T) {
	// Every page is a fresh auto-submit form (a new value each time): only
	// the step bound stops it.
	srv, n := pageServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		fmt.Fprintf(w, `<html><head><title>Working</title></head><body onload="document.forms[0].submit()">
<form method="post" action="/next"><input type="hidden" name="n" value="%d"></form></body></html>`, n)
	})
	d := newDriver(t, Config{URL: srv.URL + "/start", MaxSteps: 5}, &fakePrompter{}, nil)
	_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("alice-pass")})
	var pe *idp.PageError
	if !errors.As(err, &pe) || !strings.Contains(pe.Detail, "no SAMLResponse after 5 pages") {
		t.Fatalf("err = %v, want a PageError about the step limit", err)
	}
	if pe.Step != "follow auto-submit form" || pe.Title != "Working" {
		t.Errorf("PageError = %+v", pe)
	}
	if got := n.Load(); got != 5 {
		t.Errorf("%d requests, want 5", got)
	}
}

func TestLoginLoop(t *testing.T) {
	srv, n := pageServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		fmt.Fprint(w, `<html><head><title>Redirecting</title></head><body>
<form method="post" action="/again"><input type="hidden" name="state" value="same"></form></body></html>`)
	})
	d := newDriver(t, Config{URL: srv.URL + "/start"}, &fakePrompter{}, nil)
	_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("alice-pass")})
	var pe *idp.PageError
	if !errors.As(err, &pe) || !strings.Contains(pe.Detail, "loop") {
		t.Fatalf("err = %v, want a PageError about a loop", err)
	}
	if got := n.Load(); got != 2 {
		t.Errorf("%d requests, want 2", got)
	}
}

func TestLoginUsernameFirst(t *testing.T) {
	// A portal that asks for the username on one page and the password on
	// the next, the username shown read-only there.
	srv, _ := pageServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		r.ParseForm()
		switch r.Method + " " + r.URL.Path {
		case "GET /start":
			fmt.Fprint(w, `<title>Sign in</title><form method="post" action="/identify">
<input type="email" name="identifier"><input type="hidden" name="flow" value="f1"><button type="submit">Next</button></form>`)
		case "POST /identify":
			if r.PostForm.Encode() != "flow=f1&identifier=alice%40example.test" {
				t.Errorf("identify form: %q", r.PostForm.Encode())
			}
			fmt.Fprint(w, `<title>Password</title><form method="post" action="/verify">
<input type="hidden" name="flow" value="f2"><input type="password" name="secret"><button type="submit" name="go" value="1">Sign in</button></form>`)
		case "POST /verify":
			if r.PostForm.Encode() != "flow=f2&go=1&secret=pw" {
				t.Errorf("password form: %q", r.PostForm.Encode())
			}
			fmt.Fprint(w, `<form method="post" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="PHNhbWw+"></form>`)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
		}
	})
	d := newDriver(t, Config{URL: srv.URL + "/start"}, &fakePrompter{}, nil)
	got, err := d.Login(t.Context(), idp.LoginInput{Username: "alice@example.test", Password: secret.New("pw")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Reveal() != "PHNhbWw+" {
		t.Errorf("got %q", got.Reveal())
	}
}

// TestLoginOddPages: pages the walk cannot go on from end in an error that
// names the step, never a panic, a hang or a request to somewhere unsafe.
func TestLoginOddPages(t *testing.T) {
	for _, tc := range []struct {
		name, page string
		status     int
		want       string
	}{
		{"empty body", "", 200, "no form and no SAMLResponse"},
		{"not HTML", `{"error":"nope"}`, 200, "no form and no SAMLResponse"},
		{"no forms", `<title>Hello</title><p>Nothing to see</p>`, 200, "it says: Nothing to see"},
		{"empty form", `<form></form>`, 200, "no SAMLResponse, sign-in form"},
		{"hidden error message is not read", `<title>x</title><div class="error" style="display: none">Please fill in</div><p>Maintenance</p>`, 503, "it says: Maintenance"},
		{"error message", `<title>Oops</title><div class="alert alert-danger"><h3>Locked</h3><p>Your account is <b>locked</b>.</p></div>`, 200, ": Locked Your account is locked."},
		{"empty hidden field only", `<form method="post"><input type="hidden" name="AuthMethod"></form>`, 200, "no SAMLResponse, sign-in form"},
		{"invalid action", `<form method="post" action="http://[::1"><input type="hidden" name="a" value="b"></form>`, 200, "no valid action"},
		{"action to plain http", `<form method="post" action="http://idp.example.com/x"><input type="hidden" name="a" value="b"></form>`, 200, "refusing plain http"},
		{"password without name", `<form method="post"><input name="u"><input type="password"></form>`, 200, "password field has no name"},
		{"password change", `<form method="post"><input type="password" name="new"><input type="password" name="confirm"></form>`, 200, "more than one password"},
		{"empty SAMLResponse", `<form method="post"><input type="hidden" name="SAMLResponse" value=" "></form>`, 200, "SAMLResponse field is empty"},
		{"code without prompter", `<form method="post"><input name="otp"></form>`, 200, "no verification code given"},
		{"code form sent by GET", `<form><input name="otp"></form>`, 200, "would send the verification code in the URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := pageServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n > 1 {
					t.Errorf("second request %s %s", r.Method, r.URL)
				}
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.page)
			})
			d := newDriver(t, Config{URL: srv.URL + "/start"}, nil, nil)
			_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("pw")})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "form: ") {
				t.Fatalf("err = %v, want a form: error containing %q", err, tc.want)
			}
		})
	}
}

func TestLoginContext(t *testing.T) {
	p := newPortal(t, &portal{})
	d := newDriver(t, Config{URL: p.startURL()}, &fakePrompter{}, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := d.Login(ctx, idp.LoginInput{Username: "alice", Password: secret.New("alice-pass")})
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "form: open sign-in page: ") {
		t.Fatalf("err = %v, want context.Canceled at the first step", err)
	}
}

// TestLoginDebugLogHasNoSecrets runs a whole login (auto-post and code page
// included) with debug logging on, through the redacting client, and checks
// that no secret reaches the log.
func TestLoginDebugLogHasNoSecrets(t *testing.T) {
	const password, code = "alice-pass", "987123"
	p := newPortal(t, &portal{intermediate: true, mfaCode: code})
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d := newDriver(t, Config{URL: p.startURL()}, &fakePrompter{secrets: []secret.String{secret.New(code)}}, log)
	got, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New(password)})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"form: submit", "step=\"submit login form\"", "http exchange", "username=alice", "found SAMLResponse"} {
		if !strings.Contains(out, want) {
			t.Errorf("debug log lacks %q:\n%s", want, out)
		}
	}
	for name, s := range map[string]string{
		"password": password, "code": code, "SAMLResponse": got.Reveal(),
		"SAMLResponse prefix": got.Reveal()[:40], "AuthState": "7de5bab71b6618b79d", "session cookie": sessValue,
	} {
		if strings.Contains(out, s) {
			t.Errorf("debug log shows the %s:\n%s", name, out)
		}
	}
}

func TestLoginTransportErrorRedactsURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL + "/sso?SAMLRequest=s3cr3tstate&spentityid=urn:amazon:webservices"
	srv.Close() // nothing listens there any more
	d := newDriver(t, Config{URL: u}, &fakePrompter{}, nil)
	_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("pw")})
	if err == nil || !strings.HasPrefix(err.Error(), "form: open sign-in page: ") {
		t.Fatalf("err = %v, want an error naming the step", err)
	}
	if strings.Contains(err.Error(), "s3cr3tstate") || !strings.Contains(err.Error(), "spentityid=urn:amazon:webservices") {
		t.Errorf("error %q: want the SAMLRequest value redacted, the rest kept", err)
	}
}

// TestStatePortalDebugLogHasNoState walks a portal that keeps its state in
// a ;jsessionid path parameter, sid, lt, execution and RelayState, a token
// in the path, and a sign-in form whose password field is named pw, posted
// or sent in the URL (GET): neither the debug log nor an error may show a
// value of them, or the password; the names stay, for debugging.
func TestStatePortalDebugLogHasNoState(t *testing.T) {
	const password = "pw-Secret-42"
	for _, method := range []string{"post", "get"} {
		t.Run(method, func(t *testing.T) {
			p := &idptest.StatePortal{Method: method, Users: map[string]string{"alice": password},
				SAMLResponse: func(string) string { return "U0FNTFJlc3BvbnNlLXZhbHVl" }}
			srv := httptest.NewServer(p)
			defer srv.Close()
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			d := newDriver(t, Config{URL: srv.URL + "/start"}, &fakePrompter{}, log)
			got, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New(password)})
			out := buf.String()
			if err != nil {
				out += "\nerror: " + err.Error()
			}
			if method == "post" && (err != nil || got.Reveal() != "U0FNTFJlc3BvbnNlLXZhbHVl") {
				t.Fatalf("Login = %v", err)
			}
			if len(p.URLs()) < 2 {
				t.Fatalf("the walk did not reach the sign-in page: %v", p.URLs())
			}
			for _, s := range append([]string{password, "U0FNTFJlc3BvbnNlLXZhbHVl"}, idptest.StateSecrets...) {
				if strings.Contains(out, s) {
					t.Errorf("the debug log or error shows %q", s)
				}
			}
			for _, want := range []string{"jsessionid=[redacted]", "sid=[redacted]", "lt=[redacted]",
				"execution=[redacted]", "RelayState=[redacted]", "/sso/[redacted]/"} {
				if !strings.Contains(out, want) {
					t.Errorf("the debug log lacks %s", want)
				}
			}
			if t.Failed() || testing.Verbose() {
				t.Logf("log:\n%s", out)
			}
		})
	}
}
