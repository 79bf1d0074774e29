package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/browsertest"
	"github.com/samlogin/samlogin/internal/testbed"
)

// TestBrowserScripts runs testdata/browser: the browser sign-in from the
// binary, in headless Chromium (internal/browsertest) that resolves no name
// outside loopback, against the in-repo ADFS and JavaScript portal. Each
// script has its own browser harness: SAMLOGIN_BROWSER is its wrapper,
// $BROWSER_URL its DevTools address, and the command browser plays the
// user (see cmdBrowser).
func TestBrowserScripts(t *testing.T) {
	runBrowserScripts(t, nil)
}

// TestBrowserTestbed runs testdata/browser/ssp_*.txtar: the browser sign-in
// against the test bed's real SimpleSAMLphp ($IDP_URL), whose login page the
// user fills in. `make test` starts the test bed; without it the test skips
// (and fails under CI=true).
func TestBrowserTestbed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	tb := testbed.Require(t, false)
	runBrowserScripts(t, map[string]string{"IDP_URL": tb.IdPLoginURL, "IDP_ORIGIN": tb.IdPURL})
}

// runBrowserScripts runs the scripts of testdata/browser: with testbed
// variables (non-nil), the ssp_ ones; else the others.
func runBrowserScripts(t *testing.T, testbedVars map[string]string) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	testbed.RequireChromium(t)
	peers := startPeers(t)
	maps.Copy(peers, testbedVars)
	spki := []string{pemSPKI(t, peers["ADFS_CA"])}
	// A portal whose sign-in needs JavaScript (the form driver cannot walk
	// it), with "stay signed in".
	js := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: adfsUsers, SAMLResponse: freshAssertion, RememberMe: true})
	peers["JS_URL"] = js.URL()
	params := scriptParams("", peers)
	all, err := filepath.Glob(filepath.Join("testdata", "browser", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range all {
		if strings.HasPrefix(filepath.Base(f), "ssp_") == (testbedVars != nil) {
			params.Files = append(params.Files, f)
		}
	}
	var harnesses sync.Map // WorkDir → *scriptBrowser
	params.Setup = withSetup(params.Setup, func(e *testscript.Env) error {
		h := browsertest.New(t, browsertest.Options{TrustSPKI: spki})
		harnesses.Store(e.WorkDir, &scriptBrowser{h: h})
		e.Setenv("SAMLOGIN_BROWSER", h.Wrapper)
		e.Setenv("BROWSER_WRAPPER", h.Wrapper)
		e.Setenv("DISPLAY", ":samlogin-test") // the wrapper runs headless
		e.Setenv("BROWSER_URL", h.DevToolsURL())
		e.Setenv("ADFS_URL", "https://"+peers["ADFS_HOST"])
		return nil
	})
	params.Cmds["jsposts"] = func(ts *testscript.TestScript, neg bool, args []string) {
		// jsposts N: the JS portal got N password posts in all.
		want, err := strconv.Atoi(args[0])
		ts.Check(err)
		if got := js.PasswordPosts(); (got == want) == neg {
			ts.Fatalf("the JS portal got %d password posts, want %d", got, want)
		}
	}
	params.Cmds["browser"] = func(ts *testscript.TestScript, neg bool, args []string) {
		v, _ := harnesses.Load(ts.Getenv("WORK"))
		v.(*scriptBrowser).cmd(t, ts, neg, args)
	}
	testscript.Run(t, params)
}

// scriptBrowser is one script's browser and the user playing at it.
type scriptBrowser struct {
	h       *browsertest.Harness
	queue   [][]string
	done    chan struct{}
	err     error
	started *exec.Cmd
}

// goTB turns the harness's t.Fatalf, in the user's goroutine, into an
// error that `browser wait` reports.
type goTB struct {
	testing.TB
	err *error
}

func (g goTB) Helper()           {}
func (g goTB) Fatal(args ...any) { g.Fatalf("%s", fmt.Sprint(args...)) }
func (g goTB) Fatalf(format string, args ...any) {
	*g.err = fmt.Errorf(format, args...)
	runtime.Goexit()
}

// cmd is the script command browser:
//
//	browser do type SEL TEXT | click SEL | wait SEL | close | sleep DURATION
//	    queues what the user does once the tab is there;
//	browser user URL-PREFIX   starts the user: it waits for samlogin's
//	    tab at URL-PREFIX and does the queued steps, while the next
//	    command (samlogin) runs;
//	browser wait              waits for the user and fails on its error;
//	browser trap N            AWS (the trap) got exactly N requests;
//	browser gone              the browser samlogin started is closed;
//	browser start             starts a browser for --browser-url
//	    ($BROWSER_URL), stopped at the end of the script;
//	browser tabs N            the running browser has N page tabs.
func (b *scriptBrowser) cmd(t *testing.T, ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: browser do|user|wait|trap|gone|start|tabs ...")
	}
	switch args[0] {
	case "do":
		b.queue = append(b.queue, args[1:])
	case "user":
		if len(args) != 2 {
			ts.Fatalf("usage: browser user URL-PREFIX")
		}
		steps, prefix := b.queue, args[1]
		b.queue, b.err, b.done = nil, nil, make(chan struct{})
		go func() {
			defer close(b.done)
			tb := goTB{TB: t, err: &b.err}
			u := b.h.UserTB(tb, context.Background(), prefix, 60*time.Second)
			for _, s := range steps {
				if err := doStep(tb, u, s); err != nil {
					b.err = err
					return
				}
			}
		}()
	case "wait":
		if b.done == nil {
			ts.Fatalf("browser wait: no user started")
		}
		select {
		case <-b.done:
		case <-time.After(90 * time.Second):
			ts.Fatalf("browser wait: the user did not finish")
		}
		if b.err != nil {
			ts.Fatalf("browser user: %v", b.err)
		}
	case "trap":
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		hits := b.h.Trap.Hits()
		if (len(hits) == want) == neg {
			ts.Fatalf("the AWS trap got %d requests %q, want %d", len(hits), hits, want)
		}
	case "gone":
		if b.h.WaitGone(10*time.Second) == neg {
			ts.Fatalf("browser gone: the browser is running=%v", !neg)
		}
	case "start":
		cmd := exec.Command(b.h.Wrapper, "about:blank")
		ts.Check(cmd.Start())
		b.started = cmd
		ts.Defer(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		if err := b.waitDevTools(30 * time.Second); err != nil {
			ts.Fatalf("browser start: %v", err)
		}
	case "tabs":
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		infos, err := b.h.Targets(context.Background())
		ts.Check(err)
		var got []string
		for _, in := range infos {
			if in.Type == "page" {
				got = append(got, in.URL)
			}
		}
		if (len(got) == want) == neg {
			ts.Fatalf("the browser has %d page tabs %q, want %d", len(got), got, want)
		}
	default:
		ts.Fatalf("browser: unknown %q", args[0])
	}
}

// waitDevTools waits up to d for the started browser's DevTools to answer
// (its list of targets), and says why it did not.
func (b *scriptBrowser) waitDevTools(d time.Duration) error {
	end := time.Now().Add(d)
	for {
		err := errors.New("not listening")
		if b.h.Running() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, err = b.h.Targets(ctx)
			cancel()
		}
		if err == nil {
			return nil
		}
		if time.Now().After(end) {
			return fmt.Errorf("DevTools at port %d did not answer within %s: %v", b.h.Port, d, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// doStep does one queued step of the user; the harness's failures end the
// goroutine through goTB.
func doStep(tb goTB, u *browsertest.User, s []string) (err error) {
	u = u.WithTB(tb)
	switch {
	case len(s) == 3 && s[0] == "type":
		u.Type(s[1], s[2])
	case len(s) == 2 && s[0] == "click":
		u.Click(s[1])
	case len(s) == 2 && s[0] == "wait":
		u.WaitVisible(s[1])
	case len(s) == 1 && s[0] == "close":
		u.CloseTab()
	case len(s) == 2 && s[0] == "sleep":
		d, err := time.ParseDuration(s[1])
		if err != nil {
			return err
		}
		time.Sleep(d)
	default:
		return fmt.Errorf("browser do %q: want type SEL TEXT, click SEL, close or sleep D", s)
	}
	return nil
}

// TestWaitDevToolsNoBrowser: `browser start` fails when DevTools does not
// answer (here no browser runs on the harness's port), rather than going on
// to a script step that fails for a reason it does not name.
func TestWaitDevToolsNoBrowser(t *testing.T) {
	b := &scriptBrowser{h: browsertest.New(t, browsertest.Options{})}
	err := b.waitDevTools(300 * time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not answer within 300ms") {
		t.Fatalf("waitDevTools = %v, want a DevTools that did not answer", err)
	}
}
