package main

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

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
// an absolute path. A --browser-profile given now (profileGiven: not the
// stored one) needs --browser, and an attached browser (--browser-url) has
// its own profile: usage errors. (A stored folder is not applied without
// --browser, see applyStored, and an attached browser ignores it.)
func checkBrowser(fs *pflag.FlagSet, so *signinOptions, row *driverRow, profileGiven bool) error {
	if profileGiven && so.browser.profile != "" && so.browser.attachURL != "" {
		return usagef("--browser-profile and --browser-url both given: a browser you attach to keeps its own profile")
	}
	if profileGiven && so.browser.profile != "" && !so.browserOn() {
		return usagef("--browser-profile without --browser: it keeps the profile of the browser --browser starts")
	}
	if so.browser.attachURL != "" {
		if err := browser.CheckAttachURL(so.browser.attachURL); err != nil {
			return usagef("%v", err)
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
	if so.browserOn() && row != nil {
		return noBrowserRow(row)
	}
	return nil
}

// noBrowserRow refuses --browser for a driver row that cannot sign in in
// a browser (nil for one that can).
func noBrowserRow(row *driverRow) error {
	if row.browserURL != nil {
		return nil
	}
	return usagef("--browser works with %s; --%s signs in without a browser", browserFlags(), row.flag)
}

// signInBrowser signs in at the row's IdP in the user's browser and
// returns the parsed assertion. No password, code or kept session is used:
// the user signs in in the browser, and the browser keeps its own session
// (--browser-profile).
func signInBrowser(ctx context.Context, env *Env, so *signinOptions, row *driverRow, rp string, p idp.Prompter, debug bool) (*assertion.Assertion, error) {
	if err := noBrowserRow(row); err != nil {
		return nil, err
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
	// While the user signs in, load the system's roots for the STS call
	// that follows (Go keeps them): a tenth of a second less after the
	// browser's post.
	go func() { _, _ = x509.SystemCertPool() }()
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

// maxIdentity bounds the user name taken from an assertion, in bytes.
const maxIdentity = 256

// browserIdentity settles the user name after a sign-in in the browser,
// before STS is called and before anything is cached. The user typed it
// there, so the assertion (Assertion.Identity) names the identity:
//
//   - no user name known before (none given, none stored): the
//     assertion's becomes the profile's user, if it is printable;
//   - a user name known before (--username, SAMLOGIN_USERNAME, or the
//     profile's stored one): the assertion must name that user (its
//     Identity, NameID or RoleSessionName, compared case-insensitively),
//     else the sign-in is refused, so that one user's keys are never kept
//     under another's name. ADFS's DOMAIN\user names the same user as
//     user@domain... An assertion that names no user at all is taken for
//     the known one.
func (f *flow) browserIdentity(a *assertion.Assertion) error {
	so := &f.lo.signinOptions
	if !so.browserOn() {
		return nil
	}
	id := a.Identity()
	if known := so.username; known != "" {
		if id == "" || sameUser(a, known) {
			return nil
		}
		return f.otherUserError(idp.CleanTextN(id, 80), known)
	}
	if id == "" {
		return fmt.Errorf("the SAMLResponse from %s names no user (no NameID or RoleSessionName); give --username to name the profile's user", so.shown())
	}
	if !printableIdentity(id) {
		return fmt.Errorf("the SAMLResponse from %s names the user %q, which cannot name a profile's user (not printable, or over %d bytes); give --username to name it",
			so.shown(), idp.CleanTextN(id, 60), maxIdentity)
	}
	// Through the flag, so that the profile remembers it like a given one.
	return f.fs.Set("username", id)
}

// printableIdentity reports whether id can name a profile's user: one
// printable line of at most maxIdentity bytes that CleanText keeps as it is.
func printableIdentity(id string) bool {
	if len(id) > maxIdentity || !utf8.ValidString(id) || strings.TrimSpace(id) != id {
		return false
	}
	for _, r := range id {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// sameUser reports whether the assertion names the user known: its
// Identity, NameID or RoleSessionName, case ignored; a known DOMAIN\user
// (ADFS's form) also matches user@... .
func sameUser(a *assertion.Assertion, known string) bool {
	short := ""
	if i := strings.LastIndexByte(known, '\\'); i >= 0 {
		short = known[i+1:]
	}
	for _, n := range []string{a.Identity(), a.Subject, a.SessionName} {
		if n == "" {
			continue
		}
		if strings.EqualFold(n, known) {
			return true
		}
		if at := strings.IndexByte(n, '@'); short != "" && at > 0 && strings.EqualFold(n[:at], short) {
			return true
		}
	}
	return false
}

// otherUserError refuses a browser sign-in as another user than the one
// known (given now or stored).
type otherUserError struct{ msg string }

func (e *otherUserError) Error() string { return e.msg }

// otherUserError is the refusal of a browser sign-in as id where the user
// known was known.
func (f *flow) otherUserError(id, known string) error {
	knownC := idp.CleanText(known)
	if f.userFrom == "--username" || f.userFrom == "SAMLOGIN_USERNAME" {
		return &otherUserError{fmt.Sprintf("signed in as %s in the browser, but %s names %s; sign in there as %s, or give --username %s",
			id, f.userFrom, knownC, knownC, id)}
	}
	return &otherUserError{fmt.Sprintf("signed in as %s in the browser, but profile %s is %s's (%s); sign in there as %s, or give --username %s to switch the profile",
		id, f.profile, knownC, cmp.Or(f.userFrom, "samlogin_username"), knownC, id)}
}
