package browser_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/browser"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/browsertest"
)

var jsUsers = map[string]string{"alice": "pw-alice"}

// signIn types alice's password in the JS portal's page, like a person.
func signIn(t *testing.T, h *browsertest.Harness, p *idptest.JSPortal) *browsertest.User {
	t.Helper()
	u := h.User(context.Background(), p.URL(), 30*time.Second)
	u.Type("#username", "alice")
	u.Type("#password", "pw-alice")
	u.Click("#signin")
	return u
}

// checkSignedIn asserts a good sign-in: the SAMLResponse, nothing at AWS
// (the trap), and the browser closed.
func checkSignedIn(t *testing.T, h *browsertest.Harness, r result, want string) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("Login: %v", r.err)
	}
	if r.saml != want {
		t.Errorf("SAMLResponse = %.40q... (%d bytes), want %.40q... (%d bytes)", r.saml, len(r.saml), want, len(want))
	}
	if hits := h.Trap.Hits(); len(hits) != 0 {
		t.Errorf("AWS (the trap) got %v, want nothing", hits)
	}
}

func checkGone(t *testing.T, h *browsertest.Harness) {
	t.Helper()
	if !h.WaitGone(10 * time.Second) {
		t.Error("the browser is still running after the sign-in")
	}
}

// TestJSPortalInBrowser signs in at a portal that only a browser can use:
// no <form>, a fetch() of JSON, a form built by script.
func TestJSPortalInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers, RelayState: "https://console.aws.amazon.com/"})
	ch := login(context.Background(), t, headless(t, h, p.URL()))
	signIn(t, h, p)
	checkSignedIn(t, h, wait(t, ch), idptest.FakeSAMLResponse("alice"))
	checkGone(t, h)
	if n := p.PasswordPosts(); n != 1 {
		t.Errorf("password posts = %d, want 1", n)
	}
}

// TestRegionalEndpoint: a post to a regional sign-in host
// (us-east-1.signin.aws.amazon.com) is intercepted too.
func TestRegionalEndpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers, Action: "https://us-east-1.signin.aws.amazon.com/saml"})
	ch := login(context.Background(), t, headless(t, h, p.URL()))
	signIn(t, h, p)
	checkSignedIn(t, h, wait(t, ch), idptest.FakeSAMLResponse("alice"))
	checkGone(t, h)
}

// TestPopup: the portal posts the SAMLResponse from a second window its
// sign-in button opens; the interception covers every window of the
// browser samlogin started, so AWS (the trap) still gets nothing.
func TestPopup(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers, Popup: true})
	ch := login(context.Background(), t, headless(t, h, p.URL()))
	signIn(t, h, p)
	checkSignedIn(t, h, wait(t, ch), idptest.FakeSAMLResponse("alice"))
	checkGone(t, h)
}

// addSecurityKey plugs a virtual USB security key into the user's tab.
func addSecurityKey(t *testing.T, u *browsertest.User) {
	t.Helper()
	if _, err := chromedp.Call(u.Ctx(), webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatalf("WebAuthn.enable: %v", err)
	}
	if _, err := chromedp.Call(u.Ctx(), webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
		Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol:                    webauthn.AuthenticatorProtocolCtap2,
			Transport:                   webauthn.AuthenticatorTransportUsb,
			HasResidentKey:              true,
			HasUserVerification:         true,
			IsUserVerified:              true,
			AutomaticPresenceSimulation: true,
		},
	}); err != nil {
		t.Fatalf("WebAuthn.addVirtualAuthenticator: %v", err)
	}
}

// TestWebAuthn signs in with a password and a security key (registered on
// first use, then asked for): the portal checks the credential id, the
// challenge, the type and the origin before it issues the SAMLResponse.
func TestWebAuthn(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers, WebAuthn: true})
	if !strings.HasPrefix(p.URL(), "http://localhost:") {
		t.Fatalf("WebAuthn portal at %s, want http://localhost:PORT", p.URL())
	}
	ch := login(context.Background(), t, headless(t, h, p.URL()))
	u := h.User(context.Background(), p.URL(), 30*time.Second)
	addSecurityKey(t, u)
	u.Type("#username", "alice")
	u.Type("#password", "pw-alice")
	u.Click("#signin")
	r := wait(t, ch)
	if errs := p.Errors(); len(errs) != 0 {
		t.Errorf("the portal rejected the browser's answers: %v", errs)
	}
	checkSignedIn(t, h, r, idptest.FakeSAMLResponse("alice"))
	checkGone(t, h)
}

// TestWebAuthnNoKey: with no security key, the portal never issues a
// SAMLResponse, and the driver times out.
func TestWebAuthnNoKey(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers, WebAuthn: true})
	cfg := headless(t, h, p.URL())
	cfg.Timeout = 4 * time.Second
	ch := login(context.Background(), t, cfg)
	signIn(t, h, p)
	r := wait(t, ch)
	if !errors.Is(r.err, browser.ErrTimeout) {
		t.Fatalf("Login with no security key: %v, want ErrTimeout", r.err)
	}
	if r.saml != "" || p.Issued() != 0 {
		t.Errorf("a SAMLResponse was issued with no security key (issued %d)", p.Issued())
	}
	if n := p.PasswordPosts(); n != 1 {
		t.Errorf("password posts = %d, want 1 (the password step ran)", n)
	}
	checkGone(t, h)
}

// TestTimeout: nobody signs in; the wait ends at Config.Timeout with
// ErrTimeout, the last page's title in the message, and the browser closed.
func TestTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers})
	cfg := headless(t, h, p.URL())
	cfg.Timeout = 3 * time.Second
	ch := login(context.Background(), t, cfg)
	u := h.User(context.Background(), p.URL(), 30*time.Second)
	u.WaitVisible("#signin")
	r := wait(t, ch)
	if !errors.Is(r.err, browser.ErrTimeout) {
		t.Fatalf("Login with nobody typing: %v, want ErrTimeout", r.err)
	}
	if !strings.Contains(r.err.Error(), idptest.JSPortalTitle) {
		t.Errorf("error %q does not name the last page's title %q", r.err, idptest.JSPortalTitle)
	}
	checkGone(t, h)
}

// TestNoSAMLResponse: the portal posts to AWS without a SAMLResponse; the
// driver still keeps the post from AWS and says which page did it.
func TestNoSAMLResponse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers, NoSAMLResponse: true, RelayState: "x"})
	cfg := headless(t, h, p.URL())
	cfg.Timeout = 20 * time.Second
	ch := login(context.Background(), t, cfg)
	signIn(t, h, p)
	r := wait(t, ch)
	if !errors.Is(r.err, browser.ErrNoSAMLResponse) {
		t.Fatalf("Login: %v, want ErrNoSAMLResponse", r.err)
	}
	if !strings.Contains(r.err.Error(), idptest.JSPortalTitle) {
		t.Errorf("error %q does not name the page's title %q", r.err, idptest.JSPortalTitle)
	}
	if hits := h.Trap.Hits(); len(hits) != 0 {
		t.Errorf("AWS (the trap) got %v, want nothing", hits)
	}
	checkGone(t, h)
}

// bigSAMLResponse is a SAMLResponse of about 200 KB: an assertion with a
// thousand roles.
func bigSAMLResponse(user string) string {
	var b strings.Builder
	b.WriteString(`<samlp:Response><saml:Assertion><saml:Subject>` + user + `</saml:Subject><saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">`)
	for i := 0; b.Len() < 150_000; i++ {
		fmt.Fprintf(&b, `<saml:AttributeValue>arn:aws:iam::%012d:role/team-role-%d,arn:aws:iam::%012d:saml-provider/corp-idp</saml:AttributeValue>`, 100000000000+i, i, 100000000000+i)
	}
	b.WriteString(`</saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>`)
	return base64.StdEncoding.EncodeToString([]byte(b.String()))
}

// TestLargeSAMLResponse: a 200 KB SAMLResponse arrives whole, from the
// body in Fetch.requestPaused and, when Chromium leaves a body out of it
// (it may for a large one), from Network.getRequestPostData.
func TestLargeSAMLResponse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	want := bigSAMLResponse("alice")
	if len(want) < 190_000 {
		t.Fatalf("the test SAMLResponse is %d bytes, want about 200 KB", len(want))
	}
	for _, fallback := range []bool{false, true} {
		t.Run(map[bool]string{false: "event", true: "getRequestPostData"}[fallback], func(t *testing.T) {
			h := browsertest.New(t, browsertest.Options{})
			p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers, SAMLResponse: bigSAMLResponse, RelayState: "https://console.aws.amazon.com/"})
			cfg := headless(t, h, p.URL())
			var logs syncBuffer
			cfg.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			newDriver := browser.New
			if fallback {
				newDriver = browser.NewBodyFromNetwork
			}
			d, err := newDriver(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ch := make(chan result, 1)
			go func() {
				s, err := d.Login(context.Background(), idp.LoginInput{})
				d.Wait()
				ch <- result{s.Reveal(), err}
			}()
			signIn(t, h, p)
			checkSignedIn(t, h, wait(t, ch), want)
			checkGone(t, h)
			if got := strings.Contains(logs.String(), "Network.getRequestPostData"); got != fallback {
				t.Errorf("read with Network.getRequestPostData: %v, want %v; debug log:\n%s", got, fallback, logs.String())
			}
			if strings.Contains(logs.String(), want[:64]) {
				t.Error("the debug log has the SAMLResponse")
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the driver's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestProfileKept: with a kept profile, the portal's remember-me cookie
// survives the browser's close, and the second sign-in needs no typing.
func TestProfileKept(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers, RememberMe: true})
	cfg := headless(t, h, p.URL())
	cfg.ProfileDir = t.TempDir()

	ch := login(context.Background(), t, cfg)
	signIn(t, h, p)
	checkSignedIn(t, h, wait(t, ch), idptest.FakeSAMLResponse("alice"))
	checkGone(t, h)

	cfg.Timeout = 10 * time.Second
	r := wait(t, login(context.Background(), t, cfg))
	if r.err != nil {
		t.Fatalf("second Login with the kept profile (nobody typing): %v", r.err)
	}
	checkSignedIn(t, h, r, idptest.FakeSAMLResponse("alice"))
	checkGone(t, h)
	if n := p.PasswordPosts(); n != 1 {
		t.Errorf("password posts after two sign-ins = %d, want 1", n)
	}
	if n := p.Issued(); n != 2 {
		t.Errorf("SAMLResponses issued = %d, want 2", n)
	}
}
