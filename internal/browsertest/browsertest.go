// Package browsertest runs the browser sign-in against headless Chromium on
// loopback: a wrapper script that samlogin starts as its browser
// (SAMLOGIN_BROWSER), a trap server that answers for AWS's sign-in hosts
// and counts what reaches it, and a User that types in the page over its
// own DevTools connection, the way a person would. Imported by tests only.
//
// The browser resolves no name outside loopback: --host-resolver-rules maps
// AWS's sign-in hosts to the trap and every other name to NOTFOUND, so that
// even a broken interception never sends anything off the machine.
package browsertest

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"

	"github.com/samlogin/samlogin/internal/testbed"
	"github.com/samlogin/samlogin/internal/testtmp"
)

// Harness is one headless browser set-up for a test.
type Harness struct {
	t testing.TB
	// Chromium is the real browser binary.
	Chromium string
	// Wrapper is the script to give samlogin as SAMLOGIN_BROWSER (or
	// browser.Config.Browser): it starts Chromium headless, with the
	// resolver rules, the trap's certificate trusted by its key hash, and a
	// DevTools port for the User.
	Wrapper string
	// Port is the DevTools port of the browser the wrapper starts.
	Port int
	// Trap stands in for AWS's sign-in hosts.
	Trap *Trap
}

// Options adjust the wrapper.
type Options struct {
	// TrustSPKI are more base64 SHA-256 key hashes of test servers whose
	// certificates the browser accepts (the trap's is always there).
	TrustSPKI []string
	// Args are more Chromium switches.
	Args []string
}

// New writes the wrapper and starts the trap. It skips (fails in CI) when
// no Chromium is found.
func New(t testing.TB, o Options) *Harness {
	t.Helper()
	chromium := testbed.RequireChromium(t)
	h := &Harness{t: t, Chromium: chromium, Trap: NewTrap(t), Port: FreePort(t)}
	tp := h.Trap.Port()
	var rules []string
	for _, host := range []string{"signin.aws.amazon.com", "signin.amazonaws-us-gov.com", "signin.amazonaws.cn"} {
		rules = append(rules, "MAP "+host+" 127.0.0.1:"+tp, "MAP *."+host+" 127.0.0.1:"+tp)
	}
	rules = append(rules, "MAP * ~NOTFOUND", "EXCLUDE 127.0.0.1", "EXCLUDE localhost")
	spki := append([]string{SPKI(h.Trap.cert.RawSubjectPublicKeyInfo)}, o.TrustSPKI...)
	args := []string{
		"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--disable-background-networking", "--disable-component-update", "--disable-quic",
		"--disable-features=MediaRouter,OptimizationHints,Translate",
		"--remote-debugging-port=" + fmt.Sprint(h.Port), "--remote-allow-origins=*",
		"--host-resolver-rules=" + strings.Join(rules, ", "),
		"--ignore-certificate-errors-spki-list=" + strings.Join(spki, ","),
	}
	args = append(args, o.Args...)
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# samlogin test browser: headless Chromium on loopback only\nexec " + shq(chromium))
	for _, a := range args {
		b.WriteString(" " + shq(a))
	}
	b.WriteString(" \"$@\"\n")
	h.Wrapper = filepath.Join(testtmp.Dir(t), "test-browser")
	if err := os.WriteFile(h.Wrapper, []byte(b.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	return h
}

func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// SPKI is the --ignore-certificate-errors-spki-list hash of a public key.
func SPKI(rawSubjectPublicKeyInfo []byte) string {
	sum := sha256.Sum256(rawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// DevToolsURL is the browser's DevTools HTTP endpoint, for --browser-url.
func (h *Harness) DevToolsURL() string { return fmt.Sprintf("http://127.0.0.1:%d", h.Port) }

// Running reports whether a browser answers on the DevTools port.
func (h *Harness) Running() bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", h.Port), 500*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// WaitGone waits until the browser no longer answers (it was closed), up to
// d; it reports whether it is gone.
func (h *Harness) WaitGone(d time.Duration) bool {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if !h.Running() {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return !h.Running()
}

// StartBrowser starts the wrapper's Chromium itself, at url, with a fresh
// profile: a browser the user already runs (for --browser-url), or one
// driven without samlogin. It waits until DevTools answers; t.Cleanup stops
// the browser and waits for it.
func (h *Harness) StartBrowser(url string) {
	h.t.Helper()
	cmd := exec.Command(h.Wrapper, "--user-data-dir="+testtmp.Dir(h.t), url)
	if err := cmd.Start(); err != nil {
		h.t.Fatalf("browsertest: start the browser: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	h.t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	end := time.Now().Add(30 * time.Second)
	for !h.Running() {
		select {
		case <-done:
			h.t.Fatal("browsertest: the browser exited at start")
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(end) {
			h.t.Fatal("browsertest: the browser's DevTools did not answer within 30s")
		}
	}
}

// Targets lists the running browser's targets over a DevTools connection
// of its own.
func (h *Harness) Targets(ctx context.Context) ([]*target.Info, error) {
	actx, acancel := remote.NewAllocator(ctx, h.DevToolsURL())
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	return chromedp.Targets(bctx)
}

// Trap answers every request for AWS's sign-in hosts with 200 and counts
// it: a request here is a SAMLResponse that left samlogin's hands. It
// speaks https and plain http on one port (the first byte tells), so that
// a post to http://signin.aws.amazon.com is counted too.
type Trap struct {
	cert *x509.Certificate
	ln   net.Listener
	srv  *http.Server
	mu   sync.Mutex
	hits []string
}

// NewTrap starts a trap on 127.0.0.1; t.Cleanup stops it.
func NewTrap(t testing.TB) *Trap {
	tr := &Trap{}
	// httptest's certificate, taken from a server started for it.
	tmp := httptest.NewUnstartedServer(http.NotFoundHandler())
	tmp.StartTLS()
	tlsCfg, cert := tmp.TLS.Clone(), tmp.Certificate()
	tmp.Close()
	tr.cert = cert
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr.ln = ln
	tr.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 8<<20))
			scheme := "http"
			if r.TLS != nil {
				scheme = "https"
			}
			tr.mu.Lock()
			tr.hits = append(tr.hits, r.Method+" "+scheme+"://"+r.Host+r.URL.Path)
			tr.mu.Unlock()
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<title>AWS trap</title>the trap got this request")
		}),
		ErrorLog:          log.New(io.Discard, "", 0),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = tr.srv.Serve(&sniffListener{Listener: ln, tls: tlsCfg}) }()
	t.Cleanup(func() { _ = tr.srv.Close() })
	return tr
}

// sniffListener hands out TLS connections for a client that starts with a
// TLS handshake record, plain ones for the others.
type sniffListener struct {
	net.Listener
	tls *tls.Config
}

func (l *sniffListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	first, err := br.Peek(1)
	_ = c.SetReadDeadline(time.Time{})
	pc := &peekedConn{Conn: c, r: br}
	if err == nil && first[0] == 0x16 { // TLS handshake
		return tls.Server(pc, l.tls), nil
	}
	return pc, nil
}

type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Port is the trap's port.
func (tr *Trap) Port() string {
	_, p, _ := net.SplitHostPort(tr.ln.Addr().String())
	return p
}

// Hits returns "METHOD host/path" of every request the trap got.
func (tr *Trap) Hits() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.hits...)
}

// User is a person at the browser: it attaches to the tab samlogin opened
// (over its own DevTools connection) and types and clicks there.
type User struct {
	t       testing.TB
	bctx    context.Context // the browser, for closing the tab
	ctx     context.Context // the tab
	cancels []context.CancelFunc
	id      target.ID
}

// User waits (up to d) for a tab whose URL starts with prefix and attaches
// to it. t.Cleanup detaches, leaving the tab open.
func (h *Harness) User(ctx context.Context, prefix string, d time.Duration) *User {
	h.t.Helper()
	u := &User{t: h.t}
	h.t.Cleanup(u.detach)
	end := time.Now().Add(d)
	for {
		if time.Now().After(end) {
			h.t.Fatalf("browsertest: no tab at %s within %s", prefix, d)
		}
		if u.bctx == nil && h.Running() {
			actx, acancel := remote.NewAllocator(ctx, h.DevToolsURL())
			bctx, bcancel := chromedp.NewContext(actx)
			if _, err := chromedp.Targets(bctx); err == nil {
				u.bctx = bctx
				u.cancels = append(u.cancels, bcancel, acancel)
			} else {
				bcancel()
				acancel()
			}
		}
		if u.bctx != nil {
			infos, err := chromedp.Targets(u.bctx)
			if err == nil {
				for _, in := range infos {
					if in.Type == "page" && strings.HasPrefix(in.URL, prefix) {
						u.id = in.TargetID
						tctx, tcancel := chromedp.NewContext(u.bctx, chromedp.WithTargetID(in.TargetID), chromedp.WithDetachOnCancel())
						u.ctx = tctx
						u.cancels = append([]context.CancelFunc{tcancel}, u.cancels...)
						return u
					}
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (u *User) detach() {
	for _, c := range u.cancels {
		c()
	}
	u.cancels = nil
}

// Type types text into the element matching the CSS selector, key by key.
func (u *User) Type(sel, text string) {
	u.t.Helper()
	if err := chromedp.Do(u.ctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		u.t.Fatalf("browsertest: type into %s: %v", sel, err)
	}
}

// Click clicks the element matching the CSS selector.
func (u *User) Click(sel string) {
	u.t.Helper()
	if err := chromedp.Do(u.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		u.t.Fatalf("browsertest: click %s: %v", sel, err)
	}
}

// WaitVisible waits until the element matching the CSS selector is
// visible: the user sees the page.
func (u *User) WaitVisible(sel string) {
	u.t.Helper()
	if err := chromedp.Do(u.ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		u.t.Fatalf("browsertest: wait for %s: %v", sel, err)
	}
}

// Ctx is the tab's chromedp context, for what Type and Click do not cover
// (the WebAuthn domain).
func (u *User) Ctx() context.Context { return u.ctx }

// CloseTab closes the tab, as the user clicking its close button.
func (u *User) CloseTab() {
	u.t.Helper()
	if _, err := chromedp.CallBrowser(u.bctx, target.CloseTarget, target.CloseTargetParams{TargetID: u.id}); err != nil {
		u.t.Fatalf("browsertest: close the tab: %v", err)
	}
}
