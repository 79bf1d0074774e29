package browser_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/browser"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/browsertest"
)

// headless gives the driver the harness's wrapper as its browser; the
// wrapper runs Chromium headless, so any display name does.
func headless(t *testing.T, h *browsertest.Harness, url string) browser.Config {
	t.Setenv("DISPLAY", ":samlogin-test")
	return browser.Config{URL: url, Browser: h.Wrapper, Timeout: 60 * time.Second}
}

type result struct {
	saml string
	err  error
}

func login(ctx context.Context, t *testing.T, cfg browser.Config) <-chan result {
	d, err := browser.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan result, 1)
	go func() {
		s, err := d.Login(ctx, idp.LoginInput{})
		d.Wait() // the browser is closed, as before the program ends
		ch <- result{s.Reveal(), err}
	}()
	return ch
}

func wait(t *testing.T, ch <-chan result) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(90 * time.Second):
		t.Fatal("the browser sign-in did not end")
	}
	return result{}
}

// TestADFSInBrowser signs in at the in-repo ADFS through headless Chromium,
// typing like a user: the SAMLResponse comes back, the trap (AWS) got
// nothing, and the browser is closed.
func TestADFSInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	adfs := idptest.NewADFS(t, idptest.ADFSOptions{Users: map[string]string{`CORP\alice`: "pw-alice"}})
	ctx := context.Background()
	ch := login(ctx, t, headless(t, h, adfs.SignInURL(idptest.DefaultRP)))
	u := h.User(ctx, adfs.URL(), 30*time.Second)
	u.Type("#userNameInput", `CORP\alice`)
	u.Type("#passwordInput", "pw-alice")
	u.Click("#submitButton")
	r := wait(t, ch)
	if r.err != nil {
		t.Fatalf("Login: %v", r.err)
	}
	if r.saml != idptest.FakeSAMLResponse(`CORP\alice`) {
		t.Errorf("SAMLResponse = %.40q..., want the one ADFS issued", r.saml)
	}
	if hits := h.Trap.Hits(); len(hits) != 0 {
		t.Errorf("AWS (the trap) got %v, want nothing", hits)
	}
	if !h.WaitGone(10 * time.Second) {
		t.Error("the browser is still running after the sign-in")
	}
}

// TestClosedTab: the user closes the tab at the sign-in page; Login ends
// with ErrCancelled and ErrClosed, naming the page, and the browser closes.
func TestClosedTab(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	adfs := idptest.NewADFS(t, idptest.ADFSOptions{Users: map[string]string{`CORP\alice`: "pw-alice"}})
	ctx := context.Background()
	ch := login(ctx, t, headless(t, h, adfs.SignInURL(idptest.DefaultRP)))
	u := h.User(ctx, adfs.URL(), 30*time.Second)
	u.WaitVisible("#submitButton") // the user sees the page, then closes it
	u.CloseTab()
	r := wait(t, ch)
	if !errors.Is(r.err, idp.ErrCancelled) || !errors.Is(r.err, browser.ErrClosed) {
		t.Fatalf("Login after closing the tab: %v, want ErrCancelled and ErrClosed", r.err)
	}
	if !strings.Contains(r.err.Error(), "Sign In") {
		t.Errorf("error %q does not name the last page's title", r.err)
	}
	if !h.WaitGone(10 * time.Second) {
		t.Error("the browser is still running")
	}
}
