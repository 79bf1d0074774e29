package onelogin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

const (
	user     = "alice@corp.example.com"
	password = "correct horse & battery=staple"
	clientS  = "cs-0123456789abcdef"
	code     = "246810"
)

type fakePrompt struct {
	secrets []string
	selects []int
	asked   []string
}

func (f *fakePrompt) Secret(msg string) (secret.String, error) {
	f.asked = append(f.asked, "secret: "+msg)
	if len(f.secrets) == 0 {
		return secret.String{}, fmt.Errorf("%w: no answer for %q", idp.ErrNoPrompt, msg)
	}
	v := f.secrets[0]
	f.secrets = f.secrets[1:]
	return secret.New(v), nil
}

func (f *fakePrompt) Input(msg string) (string, error) {
	f.asked = append(f.asked, "input: "+msg)
	return "", fmt.Errorf("%w: no answer for %q", idp.ErrNoPrompt, msg)
}

func (f *fakePrompt) Select(msg string, options []string) (int, error) {
	f.asked = append(f.asked, fmt.Sprintf("select: %s %q", msg, options))
	if len(f.selects) == 0 {
		return 0, fmt.Errorf("%w: no answer for %q", idp.ErrNoPrompt, msg)
	}
	v := f.selects[0]
	f.selects = f.selects[1:]
	return v, nil
}

// fakeClock is read by the driver and moved on by its sleep: no test sleeps.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return ctx.Err()
}

type memTokens struct {
	tok secret.String
	exp time.Time
	put int
}

func (m *memTokens) Get(string) (secret.String, time.Time) { return m.tok, m.exp }
func (m *memTokens) Put(_ string, t secret.String, exp time.Time) {
	m.tok, m.exp = t, exp
	m.put++
}

type rig struct {
	srv    *idptest.OneLogin
	d      *Driver
	p      *fakePrompt
	clock  *fakeClock
	status []string
	log    *bytes.Buffer
}

func opts(devices ...string) idptest.OneLoginOptions {
	return idptest.OneLoginOptions{ClientID: "cid-42", ClientSecret: clientS, Subdomain: "corp", AppID: "123456",
		Username: user, Password: password, Devices: devices, Code: code}
}

func newRig(t *testing.T, o idptest.OneLoginOptions, p *fakePrompt, mod func(*Config)) *rig {
	t.Helper()
	srv := idptest.NewOneLogin(t, o)
	var client *http.Client
	var err error
	if o.TLS {
		client = newTLSClient(t, srv)
	} else if client, err = idp.NewHTTPClient(idp.HTTPOptions{}); err != nil {
		t.Fatal(err)
	}
	r := &rig{srv: srv, p: p, clock: &fakeClock{t: time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)}, log: &bytes.Buffer{}}
	if p == nil {
		r.p = &fakePrompt{}
	}
	cfg := Config{APIURL: srv.URL(), Subdomain: "corp", AppID: "123456", ClientID: "cid-42", ClientSecret: secret.New(clientS)}
	if mod != nil {
		mod(&cfg)
	}
	d, err := New(cfg, idp.Deps{Client: client, Prompt: r.p, Now: r.clock.Now,
		Log:    slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Status: func(m string) { r.status = append(r.status, m) }})
	if err != nil {
		t.Fatal(err)
	}
	d.sleep = r.clock.Sleep
	r.d = d
	return r
}

func (r *rig) login(in idp.LoginInput) (secret.String, error) {
	if in.Username == "" {
		in.Username = user
	}
	if in.Password.Empty() {
		in.Password = secret.New(password)
	}
	return r.d.Login(context.Background(), in)
}

func want(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("requests:\n got  %q\n want %q", got, want)
	}
}

const (
	reqToken  = "POST /auth/oauth2/v2/token {client_id,client_secret,grant_type}"
	reqAssert = "POST /api/2/saml_assertion {app_id,password,subdomain,username_or_email}"
	reqOTP    = "POST /api/2/saml_assertion/verify_factor {app_id,device_id,otp_token,state_token}"
	reqPush   = "POST /api/2/saml_assertion/verify_factor {app_id,device_id,state_token}"
	reqPoll   = "POST /api/2/saml_assertion/verify_factor {app_id,device_id,do_not_notify=true,state_token}"
)

func TestNoMFA(t *testing.T) {
	o := opts()
	o.TLS = true
	r := newRig(t, o, nil, nil)
	saml, err := r.login(idp.LoginInput{})
	if err != nil || saml.Reveal() != idptest.FakeSAMLResponse(user) {
		t.Fatalf("Login = %v, %v", saml.Reveal(), err)
	}
	want(t, r.srv.Requests(), []string{reqToken, reqAssert})
}

func TestOTP(t *testing.T) {
	r := newRig(t, opts("Google Authenticator"), &fakePrompt{secrets: []string{code}}, nil)
	if _, err := r.login(idp.LoginInput{}); err != nil {
		t.Fatal(err)
	}
	want(t, r.srv.Requests(), []string{reqToken, reqAssert, reqOTP})
	want(t, r.p.asked, []string{"secret: Code from Google Authenticator"})
}

func TestCodeUpFrontAndChoiceByMethod(t *testing.T) {
	r := newRig(t, opts("OneLogin SMS", "Yubico YubiKey", "OneLogin Protect"), nil, nil)
	if _, err := r.login(idp.LoginInput{MFAMethod: "yubico", MFACode: secret.New(code)}); err != nil {
		t.Fatal(err)
	}
	want(t, r.srv.Requests(), []string{reqToken, reqAssert, reqOTP})
	if len(r.p.asked) != 0 {
		t.Errorf("asked %q", r.p.asked)
	}
}

func TestDevicePrompt(t *testing.T) {
	r := newRig(t, opts("OneLogin SMS", "Google Authenticator"), &fakePrompt{selects: []int{1}, secrets: []string{code}}, nil)
	if _, err := r.login(idp.LoginInput{}); err != nil {
		t.Fatal(err)
	}
	want(t, r.p.asked, []string{`select: MFA device ["OneLogin SMS" "Google Authenticator"]`, "secret: Code from Google Authenticator"})
}

func TestBadMethod(t *testing.T) {
	r := newRig(t, opts("OneLogin SMS", "Google Authenticator"), nil, nil)
	_, err := r.login(idp.LoginInput{MFAMethod: "duo"})
	if !errors.Is(err, idp.ErrBadInput) || !strings.Contains(err.Error(), "OneLogin SMS, Google Authenticator") {
		t.Fatalf("err = %v", err)
	}
}

func TestSMS(t *testing.T) {
	r := newRig(t, opts("OneLogin SMS"), &fakePrompt{secrets: []string{code}}, nil)
	if _, err := r.login(idp.LoginInput{}); err != nil {
		t.Fatal(err)
	}
	want(t, r.srv.Requests(), []string{reqToken, reqAssert, reqPush, reqOTP})
	if len(r.status) != 1 || !strings.Contains(r.status[0], "SMS") {
		t.Errorf("status %q", r.status)
	}
}

func TestPushApproved(t *testing.T) {
	o := opts("OneLogin Protect")
	o.PushPolls = 2
	r := newRig(t, o, nil, func(c *Config) { c.PollInterval = time.Millisecond })
	if _, err := r.login(idp.LoginInput{}); err != nil {
		t.Fatal(err)
	}
	want(t, r.srv.Requests(), []string{reqToken, reqAssert, reqPush, reqPoll, reqPoll})
	if !slices.Equal(r.clock.sleeps, []time.Duration{time.Second, time.Second}) {
		t.Errorf("sleeps %v: polls at least a second apart", r.clock.sleeps)
	}
}

func TestPushDenied(t *testing.T) {
	o := opts("OneLogin Protect")
	o.PushPolls, o.PushDenied = 5, true
	r := newRig(t, o, nil, nil)
	_, err := r.login(idp.LoginInput{})
	if !errors.Is(err, idp.ErrMFARejected) {
		t.Fatalf("err = %v", err)
	}
}

func TestPushTimeout(t *testing.T) {
	o := opts("OneLogin Protect")
	o.PushPolls = -1
	r := newRig(t, o, nil, nil)
	_, err := r.login(idp.LoginInput{MFATimeout: 10 * time.Second})
	if !errors.Is(err, idp.ErrMFATimeout) {
		t.Fatalf("err = %v", err)
	}
	if n := len(r.srv.Requests()); n != 2+11 {
		t.Errorf("%d requests, want 13 (1 push + 10 polls)", n)
	}
}

func TestWrongPasswordNotRetried(t *testing.T) {
	r := newRig(t, opts("Google Authenticator"), nil, nil)
	_, err := r.login(idp.LoginInput{Password: secret.New("wrong")})
	var re *idp.RejectedError
	if !errors.Is(err, idp.ErrRejected) || !errors.As(err, &re) || !strings.Contains(err.Error(), "Invalid user credentials") {
		t.Fatalf("err = %v", err)
	}
	want(t, r.srv.Requests(), []string{reqToken, reqAssert})
}

func TestBadOTP(t *testing.T) {
	r := newRig(t, opts("Google Authenticator"), nil, nil)
	_, err := r.login(idp.LoginInput{MFACode: secret.New("000000")})
	if !errors.Is(err, idp.ErrMFARejected) {
		t.Fatalf("err = %v", err)
	}
	want(t, r.srv.Requests(), []string{reqToken, reqAssert, reqOTP})
}

func TestExpiredStateStartsOverOnce(t *testing.T) {
	o := opts("Google Authenticator")
	o.ExpireState = true
	r := newRig(t, o, &fakePrompt{secrets: []string{code, code}}, nil)
	if _, err := r.login(idp.LoginInput{}); err != nil {
		t.Fatal(err)
	}
	want(t, r.srv.Requests(), []string{reqToken, reqAssert, reqOTP, reqAssert, reqOTP})
	if len(r.status) != 1 || !strings.Contains(r.status[0], "starting over") {
		t.Errorf("status %q", r.status)
	}
}

func TestSettingsAndPolicies(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*idptest.OneLoginOptions)
		cfg  func(*Config)
		is   error
		text string
	}{
		{"subdomain", nil, func(c *Config) { c.Subdomain = "crop" }, ErrSetting, `subdomain "crop"`},
		{"app id", nil, func(c *Config) { c.AppID = "99" }, ErrSetting, `app id "99"`},
		{"client secret", nil, func(c *Config) { c.ClientSecret = secret.New("nope") }, ErrSetting, "client id cid-42"},
		{"ip", func(o *idptest.OneLoginOptions) { o.IPRestricted = true }, nil, ErrIPRestricted, "current IP address"},
		{"5xx", func(o *idptest.OneLoginOptions) { o.Fail5xx = true }, nil, nil, "503 Service Unavailable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := opts()
			if tc.mod != nil {
				tc.mod(&o)
			}
			r := newRig(t, o, nil, tc.cfg)
			_, err := r.login(idp.LoginInput{})
			if err == nil || tc.is != nil && !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("err = %v", err)
			}
			if errors.Is(err, idp.ErrRejected) {
				t.Fatalf("err = %v: not a rejected password", err)
			}
		})
	}
}

func TestRateLimitWaits(t *testing.T) {
	o := opts()
	o.RateLimit = 2
	r := newRig(t, o, nil, nil)
	if _, err := r.login(idp.LoginInput{}); err != nil {
		t.Fatal(err)
	}
	if len(r.status) != 2 || !strings.Contains(r.status[0], "rate limited") {
		t.Errorf("status %q", r.status)
	}
	o.RateLimit = 100
	r = newRig(t, o, nil, nil)
	if _, err := r.login(idp.LoginInput{}); err == nil || !strings.Contains(err.Error(), "429") {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenCache(t *testing.T) {
	m := &memTokens{}
	r := newRig(t, opts(), nil, func(c *Config) { c.Tokens = m })
	for range 2 {
		if _, err := r.login(idp.LoginInput{}); err != nil {
			t.Fatal(err)
		}
	}
	want(t, r.srv.Requests(), []string{reqToken, reqAssert, reqAssert})
	if m.put != 1 || !m.exp.Equal(r.clock.Now().Add(10*time.Hour)) {
		t.Errorf("put %d, expires %v", m.put, m.exp)
	}
}

func TestNoSecretInLog(t *testing.T) {
	r := newRig(t, opts("Google Authenticator"), nil, nil)
	if _, err := r.login(idp.LoginInput{MFACode: secret.New(code)}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{password, clientS, code, idptest.FakeSAMLResponse(user)} {
		if strings.Contains(r.log.String(), s) {
			t.Errorf("log holds a secret %q", s)
		}
	}
}

func TestNewChecks(t *testing.T) {
	for _, u := range []string{"http://api.example.com", "ftp://x"} {
		if _, err := New(Config{APIURL: u, Subdomain: "a", AppID: "1", ClientID: "c", ClientSecret: secret.New("s")}, idp.Deps{Client: http.DefaultClient}); err == nil {
			t.Errorf("New(%q) accepted", u)
		}
	}
	if _, err := New(Config{Subdomain: "a", AppID: "1", ClientID: "c"}, idp.Deps{Client: http.DefaultClient}); err == nil || !strings.Contains(err.Error(), "SAMLOGIN_ONELOGIN_CLIENT_SECRET") {
		t.Errorf("no secret: %v", err)
	}
}

// newTLSClient is idp.NewHTTPClient trusting the test server's certificate.
func newTLSClient(t testing.TB, srv *idptest.OneLogin) *http.Client {
	t.Helper()
	client, err := idp.NewHTTPClient(idp.HTTPOptions{CABundle: srv.CACertFile()})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func TestRevokedCachedTokenIsNotARejection(t *testing.T) {
	m := &memTokens{tok: secret.New("revoked-token"), exp: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	r := newRig(t, opts(), nil, func(c *Config) { c.Tokens = m })
	if _, err := r.login(idp.LoginInput{}); err != nil {
		t.Fatal(err)
	}
	want(t, r.srv.Requests(), []string{reqAssert, reqToken, reqAssert})
	if m.tok.Reveal() == "revoked-token" {
		t.Error("the refused token is still cached")
	}
}
