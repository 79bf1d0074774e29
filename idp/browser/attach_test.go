package browser_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/browser"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/browsertest"
)

// TestNoBrowser: no browser is found; Login says which ones it looked for
// and how to name one, and starts nothing.
func TestNoBrowser(t *testing.T) {
	t.Setenv("DISPLAY", ":samlogin-test")
	cfg := browser.Config{
		URL:     "http://127.0.0.1:1/",
		Timeout: 5 * time.Second,
		Finder: browser.Finder{
			Candidates: []string{"/nowhere/chromium", "no-such-browser"},
			LookPath:   func(string) (string, error) { return "", errors.New("not on the PATH") },
			Stat:       func(string) (fs.FileInfo, error) { return nil, fs.ErrNotExist },
			Getenv:     func(string) string { return "" },
		},
	}
	d, err := browser.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Login(context.Background(), idp.LoginInput{})
	if !errors.Is(err, browser.ErrNoBrowser) {
		t.Fatalf("Login with no browser: %v, want ErrNoBrowser", err)
	}
	for _, want := range []string{"/nowhere/chromium", "no-such-browser", "SAMLOGIN_BROWSER"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

// TestAttach signs in through a browser the user already runs
// (--browser-url): samlogin's tab closes, the browser and its own tab stay.
func TestAttach(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	h.StartBrowser("about:blank")
	ctx := context.Background()
	before, err := h.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var own []string
	for _, in := range before {
		if in.Type == "page" {
			own = append(own, string(in.TargetID))
		}
	}
	if len(own) != 1 {
		t.Fatalf("the user's browser has pages %v, want one", before)
	}

	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers})
	cfg := browser.Config{URL: p.URL(), AttachURL: h.DevToolsURL(), Timeout: 60 * time.Second}
	ch := login(ctx, t, cfg)
	signIn(t, h, p)
	checkSignedIn(t, h, wait(t, ch), idptest.FakeSAMLResponse("alice"))

	if !h.Running() {
		t.Fatal("the attached browser was closed")
	}
	after, err := h.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, in := range after {
		if in.Type != "page" {
			continue
		}
		pages = append(pages, string(in.TargetID))
		if strings.HasPrefix(in.URL, p.URL()) || strings.Contains(in.URL, "signin.aws") || in.Title == browser.DoneTitle {
			t.Errorf("samlogin's tab is still open: %q at %s", in.Title, in.URL)
		}
	}
	if len(pages) != 1 || pages[0] != own[0] {
		t.Errorf("pages after the sign-in %v, want the user's own %v", pages, own)
	}
}

// TestTrapWorks proves the zero counts mean something: a browser with the
// same resolver rules but no samlogin, signing in at ADFS, posts the
// SAMLResponse to the trap.
func TestTrapWorks(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	adfs := idptest.NewADFS(t, idptest.ADFSOptions{Users: map[string]string{`CORP\alice`: "pw-alice"}})
	h.StartBrowser(adfs.SignInURL(idptest.DefaultRP))
	u := h.User(context.Background(), adfs.URL(), 30*time.Second)
	u.Type("#userNameInput", `CORP\alice`)
	u.Type("#passwordInput", "pw-alice")
	u.Click("#submitButton")
	end := time.Now().Add(30 * time.Second)
	for len(h.Trap.Hits()) == 0 && time.Now().Before(end) {
		time.Sleep(50 * time.Millisecond)
	}
	hits := h.Trap.Hits()
	if len(hits) != 1 || !strings.HasPrefix(hits[0], "POST signin.aws.amazon.com") || !strings.HasSuffix(hits[0], "/saml") {
		t.Fatalf("the trap got %v, want the one POST of the SAMLResponse to signin.aws.amazon.com/saml", hits)
	}
}
