package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/browser"
)

// browserOptions are the flags of a sign-in in the user's own browser.
type browserOptions struct {
	on        bool   // --browser
	profile   string // --browser-profile DIR
	attachURL string // --browser-url: a running browser's DevTools endpoint
}

// sayer is a prompter that can tell the user something on the terminal
// (credential_process's, whose stderr the AWS tools may capture).
type sayer interface{ Say(msg string) }

// noEnvTwin marks a flag whose SAMLOGIN_* name means something else:
// SAMLOGIN_BROWSER names the browser binary, not --browser.
const noEnvTwin = "samlogin-no-env-twin"

func addBrowserFlags(fs *pflag.FlagSet, bo *browserOptions) {
	fs.BoolVar(&bo.on, "browser", false, "sign in in your own Chromium-family browser (Chrome, Edge, Brave, Chromium; SAMLOGIN_BROWSER names another), with whatever the IdP asks: security keys, push, number matching (stored with the profile)")
	_ = fs.SetAnnotation("browser", noEnvTwin, []string{"SAMLOGIN_BROWSER names the browser"})
	fs.StringVar(&bo.profile, "browser-profile", "", "keep the browser profile for --browser in this folder, so that the IdP's \"stay signed in\" works next time; it holds the IdP's cookies: protect it like a password (stored with the profile)")
	fs.StringVar(&bo.attachURL, "browser-url", "", "sign in in a browser you already run with --remote-debugging-port: its DevTools address on this machine (http://127.0.0.1:PORT); implies --browser")
}

// browserOn reports whether the sign-in happens in the user's browser.
func (so *signinOptions) browserOn() bool { return so.browser.on || so.browser.attachURL != "" }

// checkBrowser checks the browser flags before anything runs, and settles
// what the profile stores: --browser-url implies --browser (a later
// `--profile P` alone starts the user's browser: the address changes with
// each browser, so it is not stored), and --browser-profile is stored as
// an absolute path.
func checkBrowser(fs *pflag.FlagSet, so *signinOptions, row *driverRow) error {
	if so.browser.attachURL != "" {
		if err := browser.CheckAttachURL(so.browser.attachURL); err != nil {
			return usagef("%v", strings.TrimPrefix(err.Error(), idp.ErrBadInput.Error()+": "))
		}
		if !so.browser.on {
			if err := fs.Set("browser", "true"); err != nil {
				return err
			}
		}
	}
	if so.browser.profile != "" {
		abs, err := filepath.Abs(so.browser.profile)
		if err != nil {
			return usagef("--browser-profile %q: %v", so.browser.profile, err)
		}
		if abs != so.browser.profile {
			if err := fs.Set("browser-profile", abs); err != nil {
				return err
			}
		}
	}
	if so.browserOn() && row != nil && row.browserURL == nil {
		return usagef("--browser works with %s; --%s signs in without a browser", browserFlags(), row.flag)
	}
	return nil
}

// signInBrowser signs in at the row's IdP in the user's browser and
// returns the parsed assertion. No password, code or kept session is used:
// the user signs in in the browser, and the browser keeps its own session
// (--browser-profile).
func signInBrowser(ctx context.Context, env *Env, so *signinOptions, row *driverRow, rp string, p idp.Prompter, debug bool) (*assertion.Assertion, error) {
	if row.browserURL == nil {
		return nil, usagef("--browser works with %s; --%s signs in without a browser", browserFlags(), row.flag)
	}
	start, err := row.browserURL(so, rp)
	if err != nil {
		return nil, usagef("%v", err)
	}
	say := func(msg string) { fmt.Fprintf(env.Stderr, "samlogin: %s\n", msg) }
	if s, ok := p.(sayer); ok {
		say = s.Say
	}
	d, err := browser.New(browser.Config{
		URL:        start,
		Browser:    env.Getenv("SAMLOGIN_BROWSER"),
		ProfileDir: so.browser.profile, // absolute: checkBrowser
		AttachURL:  so.browser.attachURL,
		// The command's bound (--timeout) ends the wait too; the browser
		// is then still closed gracefully, in the background.
		Timeout:    so.timeout,
		Log:        newLogger(env, debug),
		Status:     say,
		HasDisplay: func() bool { return hasDisplay(env) },
	})
	if err != nil {
		return nil, err
	}
	where := "your browser"
	if so.browser.attachURL != "" {
		where = "a new window of the browser at " + so.browser.attachURL
	}
	say(fmt.Sprintf("signing in to %s in %s...", so.shown(), where))
	awsconfig.ReportStep(ctx, "signing in at "+so.shown()+" in the browser")
	saml, err := d.Login(ctx, idp.LoginInput{})
	env.atEnd(d.Wait) // the browser closes while STS is called
	switch {
	case errors.Is(err, browser.ErrNoDisplay):
		return nil, withHint(err, "sign in from your desktop session, or start a Chromium there with --remote-debugging-port=9222 and give samlogin --browser-url http://127.0.0.1:9222")
	case errors.Is(err, browser.ErrTimeout):
		return nil, withHint(err, "sign in within --timeout, or raise it")
	case err != nil:
		return nil, err
	}
	a, err := assertion.Parse([]byte(saml.Reveal()))
	if err != nil {
		return nil, fmt.Errorf("the SAMLResponse from %s: %w", so.shown(), err)
	}
	return a, nil
}

// browserFlags names the IdP flags whose rows can sign in in the browser.
func browserFlags() string {
	var names []string
	for _, r := range drivers {
		if r.browserURL != nil {
			names = append(names, "--"+r.flag)
		}
	}
	return strings.Join(names, " or ")
}

// browserIdentity sets the user name from the assertion after a sign-in in
// the browser: the user typed it there, so the assertion (its subject, see
// Assertion.Identity) is what names the identity that keys the caches and
// the profile. A --username that names someone else is replaced, with a
// line that says so.
func (f *flow) browserIdentity(a *assertion.Assertion) error {
	so := &f.lo.signinOptions
	if !so.browserOn() {
		return nil
	}
	id := a.Identity()
	if id == "" {
		if so.username == "" {
			return fmt.Errorf("the SAMLResponse from %s names no user (no NameID or RoleSessionName); give --username to name the profile's user", so.shown())
		}
		return nil
	}
	if strings.EqualFold(id, so.username) {
		return nil
	}
	if so.username != "" {
		fmt.Fprintf(f.env.Stderr, "samlogin: signed in as %s in the browser (not %s); the profile now names %s\n", id, so.username, id)
	}
	// Through the flag, so that the profile remembers it like a given one.
	return f.fs.Set("username", id)
}
