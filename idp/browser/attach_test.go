package browser_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
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
	if len(hits) != 1 || hits[0] != "POST https://signin.aws.amazon.com/saml" {
		t.Fatalf("the trap got %v, want the one POST of the SAMLResponse to signin.aws.amazon.com/saml", hits)
	}
}

// TestAttachClosedTab: in a browser samlogin attached to, the user closing
// samlogin's tab ends the wait at once (exit 3), the browser stays.
func TestAttachClosedTab(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	h.StartBrowser("about:blank")
	adfs := idptest.NewADFS(t, idptest.ADFSOptions{Users: map[string]string{`CORP\alice`: "pw-alice"}})
	ctx := context.Background()
	cfg := browser.Config{URL: adfs.SignInURL(idptest.DefaultRP), AttachURL: h.DevToolsURL(), Timeout: 25 * time.Second}
	ch := login(ctx, t, cfg)
	u := h.User(ctx, adfs.URL(), 30*time.Second)
	u.WaitVisible("#userNameInput")
	start := time.Now()
	u.CloseTab()
	r := wait(t, ch)
	if !errors.Is(r.err, browser.ErrClosed) || !errors.Is(r.err, idp.ErrCancelled) {
		t.Fatalf("Login after closing the tab: %v, want ErrClosed", r.err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the closed tab was noticed after %s", d)
	}
	if !h.Running() {
		t.Error("the user's browser was closed")
	}
}

// TestAttachAddress: --browser-url's /json/version answer is checked: a
// server that is not a browser, or one that names a websocket elsewhere,
// is refused with one line; nothing is dialled there.
func TestAttachAddress(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"empty answer", `{}`, "does not answer as a browser's DevTools"},
		{"not json", `hello`, "does not answer as a browser's DevTools"},
		{"elsewhere", `{"webSocketDebuggerUrl":"ws://192.0.2.1:9/devtools/browser/x"}`, "names another address"},
		{"other port", `{"webSocketDebuggerUrl":"ws://127.0.0.1:9/devtools/browser/x"}`, "names another address"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, c.body)
			}))
			defer srv.Close()
			d, err := browser.New(browser.Config{URL: "http://127.0.0.1:1/", AttachURL: srv.URL, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.Login(context.Background(), idp.LoginInput{})
			if !errors.Is(err, browser.ErrStart) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Login: %v, want ErrStart saying %q", err, c.want)
			}
		})
	}
	// Nothing listening: one line naming the flag to start it with.
	d, _ := browser.New(browser.Config{URL: "http://127.0.0.1:1/", AttachURL: "http://127.0.0.1:1", Timeout: 5 * time.Second})
	_, err := d.Login(context.Background(), idp.LoginInput{})
	if !errors.Is(err, browser.ErrStart) || !strings.Contains(err.Error(), "--remote-debugging-port=1") {
		t.Fatalf("Login with nothing there: %v", err)
	}
}

// TestCallerDeadline: the caller's bound (samlogin's --timeout, which also
// covers STS) ends the wait as a timeout, and the browser still closes.
func TestCallerDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	adfs := idptest.NewADFS(t, idptest.ADFSOptions{Users: map[string]string{`CORP\alice`: "pw-alice"}})
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	cfg := headless(t, h, adfs.SignInURL(idptest.DefaultRP))
	cfg.Timeout = time.Minute
	r := wait(t, login(ctx, t, cfg))
	if !errors.Is(r.err, browser.ErrTimeout) {
		t.Fatalf("Login past the caller's deadline: %v, want ErrTimeout", r.err)
	}
	if !h.WaitGone(10 * time.Second) {
		t.Error("the browser is still running")
	}
}

// TestAttachPopup: in an attached browser, a popup samlogin's tab opens is
// watched too (the SAMLResponse it posts never reaches AWS), while a tab
// the user had open before is left alone (its own post to AWS goes on).
func TestAttachPopup(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	own := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, `<title>the user's own tab</title><form id=f method=post action="https://signin.aws.amazon.com/saml"><input name=SAMLResponse value=theirs></form>
<script>setTimeout(function () { document.getElementById('f').submit() }, 4000)</script>`)
	}))
	defer own.Close()
	h.StartBrowser(own.URL)
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers, Popup: true})
	ch := login(context.Background(), t, browser.Config{URL: p.URL(), AttachURL: h.DevToolsURL(), Timeout: 60 * time.Second})
	// While samlogin waits, the user's own tab posts to AWS (4 s after it
	// loaded): that post is theirs, and goes on.
	end := time.Now().Add(15 * time.Second)
	for len(posts(h.Trap.Hits())) == 0 && time.Now().Before(end) {
		select {
		case r := <-ch:
			t.Fatalf("Login ended before the user signed in: %.20q, %v", r.saml, r.err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if hits := posts(h.Trap.Hits()); len(hits) != 1 {
		t.Fatalf("AWS (the trap) got %q, want the user's own tab's post", hits)
	}
	signIn(t, h, p)
	r := wait(t, ch)
	if r.err != nil || r.saml != idptest.FakeSAMLResponse("alice") {
		t.Fatalf("Login: %.20q, %v", r.saml, r.err)
	}
	if hits := posts(h.Trap.Hits()); len(hits) != 1 {
		t.Errorf("AWS (the trap) got %q, want only the user's own tab's post", hits)
	}
}

// posts keeps the POSTs of the trap's hits (the user's tab, showing the
// trap's page, also asks it for a favicon).
func posts(hits []string) []string {
	var out []string
	for _, h := range hits {
		if strings.HasPrefix(h, "POST ") {
			out = append(out, h)
		}
	}
	return out
}

// TestAttachUserNewTab: a tab the user opens while samlogin waits (not
// opened by samlogin's tab) is the user's: its post to AWS goes on, and
// samlogin keeps waiting for its own.
func TestAttachUserNewTab(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	h.StartBrowser("about:blank")
	theirs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, `<title>another sign-in</title><form id=f method=post action="https://signin.aws.amazon.com/saml"><input name=SAMLResponse value=theirs></form><script>document.getElementById('f').submit()</script>`)
	}))
	defer theirs.Close()
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: jsUsers})
	ch := login(context.Background(), t, browser.Config{URL: p.URL(), AttachURL: h.DevToolsURL(), Timeout: 60 * time.Second})
	h.User(context.Background(), p.URL(), 30*time.Second) // samlogin's tab is up
	h.OpenTab(theirs.URL)
	end := time.Now().Add(15 * time.Second)
	for len(posts(h.Trap.Hits())) == 0 && time.Now().Before(end) {
		select {
		case r := <-ch:
			t.Fatalf("Login took another tab's sign-in: %.20q, %v", r.saml, r.err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	signIn(t, h, p)
	r := wait(t, ch)
	if r.err != nil || r.saml != idptest.FakeSAMLResponse("alice") {
		t.Fatalf("Login: %.20q, %v", r.saml, r.err)
	}
	if hits := posts(h.Trap.Hits()); len(hits) != 1 {
		t.Errorf("AWS (the trap) got %q, want the user's other tab's post", hits)
	}
}
