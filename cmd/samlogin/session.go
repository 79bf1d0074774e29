package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
	"github.com/samlogin/samlogin/internal/keychain"
	"github.com/samlogin/samlogin/internal/secret"
	"github.com/samlogin/samlogin/internal/sessionstore"
)

// The kept IdP session (--remember-session): the IdP's cookies, kept between
// runs so that the next sign-in for the same IdP and user walks through
// without a password or a second factor while the IdP's session lasts.

// newSessionStore is where kept sessions live: with --keychain, the OS
// keychain (as the run uses it: one line and given up at its first
// failure); else a 0600 file per IdP and user under
// ~/.aws/samlogin/sessions/.
var newSessionStore = func(env *Env, inKeychain bool) sessionstore.Store {
	if inKeychain {
		return &sessionstore.Keychain{Store: runKeychain{env.keychain()}, Now: env.Now}
	}
	return &sessionstore.File{Dir: awsconfig.StateDir(env.Home), Now: env.Now}
}

// runKeychain is the run's keychainUse as a keychain.Store.
type runKeychain struct{ u *keychainUse }

func (r runKeychain) Get(k keychain.Key) (secret.String, error) { return r.u.get(k) }
func (r runKeychain) Set(k keychain.Key, v secret.String) error { return r.u.set(k, v) }
func (r runKeychain) Delete(k keychain.Key) error               { return r.u.delete(k) }

// sessionKey is the key of the kept session of so's IdP and user; false
// when there is no user name to key it by.
func sessionKey(so *signinOptions) (sessionstore.Key, bool) {
	if !so.hasIdP() || strings.TrimSpace(so.username) == "" {
		return sessionstore.Key{}, false
	}
	return sessionstore.Key{IdP: so.describe(), Username: so.username}, true
}

// sessionRoute is the IdP's site whose cookies are kept: the same Route the
// driver sends the password on.
func sessionRoute(so *signinOptions, rp string) (*idp.Route, error) {
	var u *url.URL
	var err error
	if so.adfsHost != "" {
		u, err = adfs.SignInURL(so.adfsHost, rp)
	} else {
		u, err = url.Parse(so.idpURL)
	}
	if err != nil {
		return nil, usagef("%v", err)
	}
	return idp.NewRoute(u, so.allowHosts)
}

// keptSessionOf tells, for status and logout, whether a session is kept
// for the IdP and user in a profile's settings (--remember-session): nil
// when none. A session kept in the keychain is looked up without being
// read (keychain.Stored: no unlock prompt), so it comes back without
// cookies, and so without an end time.
func keptSessionOf(env *Env, settings map[string]string) (*sessionstore.Session, sessionstore.Key) {
	so := &signinOptions{
		adfsHost: settings["samlogin_adfs_host"],
		idpURL:   settings["samlogin_idp_url"],
		username: settings["samlogin_username"],
	}
	k, ok := sessionKey(so)
	if !ok || settings["samlogin_remember_session"] != "true" {
		return nil, k
	}
	if settings["samlogin_keychain"] == "true" {
		if stored, err := env.keychain().stored(sessionstore.KeychainKey(k)); err == nil && stored {
			return &sessionstore.Session{}, k
		}
		return nil, k
	}
	s, err := newSessionStore(env, false).Load(k)
	if err != nil {
		return nil, k
	}
	return s, k
}

// dropSession removes the kept session of k wherever it may be: the file,
// and the keychain when the profile uses (or used) it.
func dropSession(env *Env, k sessionstore.Key, keychainToo bool) error {
	err := newSessionStore(env, false).Delete(k)
	if keychainToo {
		if kerr := newSessionStore(env, true).Delete(k); kerr != nil && !errors.Is(kerr, keychain.ErrUnavailable) {
			err = errors.Join(err, kerr)
		}
	}
	return err
}

// noFlag is --no-X: set, it sets --X to false (so that a stored "true" is
// not applied) and records that it was asked.
type noFlag struct {
	fs     *pflag.FlagSet
	target string
	set    *bool
}

func (n noFlag) String() string   { return "false" }
func (n noFlag) Type() string     { return "bool" }
func (n noFlag) IsBoolFlag() bool { return true }
func (n noFlag) Set(v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return errors.New("give true or false")
	}
	if !b {
		return nil
	}
	*n.set = true
	if err := n.fs.Set(n.target, "false"); err != nil {
		return fmt.Errorf("--%s: %w", n.target, err)
	}
	return nil
}

// keptSession is the kept session of one sign-in: what was loaded, the jar
// of the current walk, and whether anything was asked of the user (after
// which a walk is never started again: the password must not be posted
// twice).
type keptSession struct {
	on      bool // --remember-session, with a user name to key by
	store   sessionstore.Store
	key     sessionstore.Key
	route   *idp.Route
	now     func() time.Time
	kept    *sessionstore.Session // loaded at the start; nil: none
	cur     *idp.SessionJar
	retried bool
	asked   atomic.Bool
	// codeGiven: a code came with the command (--mfa-code): a walk may
	// have sent it, and a code is tried once, so no fresh retry.
	codeGiven bool
	warn      func(format string, args ...any)
}

// openKeptSession loads the kept session of so's IdP and user when
// --remember-session is on, and drops it when --no-remember-session was
// given. A store that cannot be read is one line on stderr, and the sign-in
// goes on without it.
func openKeptSession(env *Env, so *signinOptions, rp string) (*keptSession, error) {
	ks := &keptSession{now: env.Now, codeGiven: so.mfaCode != "", warn: func(f string, a ...any) { fmt.Fprintf(env.Stderr, "samlogin: "+f+"\n", a...) }}
	k, ok := sessionKey(so)
	if !ok {
		return ks, nil
	}
	store := newSessionStore(env, so.keychain)
	if so.forgetSession || !so.rememberSession {
		if so.forgetSession {
			if err := dropSession(env, k, so.keychain || so.noKeychain); err != nil {
				ks.warn("could not drop the kept session: %v", err)
			}
		}
		return ks, nil
	}
	route, err := sessionRoute(so, rp)
	if err != nil {
		return ks, nil // the driver says what is wrong with the IdP
	}
	ks.on, ks.store, ks.key, ks.route = true, store, k, route
	s, err := store.Load(k)
	switch {
	case err == nil:
		ks.kept = s
	case errors.Is(err, keychain.ErrUnavailable):
		// said once already, by the keychain
	case !errors.Is(err, sessionstore.ErrNotFound):
		ks.warn("the kept session could not be read (%v); signing in without it", err)
	}
	return ks, nil
}

// jar is the cookie jar of the next walk: the kept cookies on the first
// one, none after a retry; nil (a fresh jar, nothing kept) when off.
func (ks *keptSession) jar() http.CookieJar {
	if !ks.on {
		return nil
	}
	var cookies []idp.KeptCookie
	if ks.kept != nil && !ks.retried {
		cookies = ks.kept.Cookies
	}
	ks.cur = idp.NewSessionJar(ks.route, cookies, ks.now)
	return ks.cur
}

// retryFresh reports whether err, from a walk with the kept cookies, is an
// error page met before anything was asked: the kept session is then
// dropped and the sign-in starts afresh, once.
func (ks *keptSession) retryFresh(err error) bool {
	var pe *idp.PageError
	var be *idp.BrowserPageError
	if ks.kept == nil || ks.retried || ks.asked.Load() || ks.codeGiven || !errors.As(err, &pe) && !errors.As(err, &be) {
		return false
	}
	ks.retried = true
	if derr := ks.store.Delete(ks.key); derr != nil {
		ks.warn("could not drop the kept session: %v", derr)
	}
	return true
}

// save keeps the cookies of the IdP's site after a sign-in that succeeded
// (none left: the kept session is removed).
func (ks *keptSession) save() {
	if !ks.on || ks.cur == nil {
		return
	}
	switch err := ks.store.Save(ks.key, &sessionstore.Session{Cookies: ks.cur.Kept()}); {
	case err == nil, errors.Is(err, keychain.ErrUnavailable): // the keychain said so once
	case errors.Is(err, keychain.ErrTooBig):
		ks.warn("the IdP's session is too large for this keychain; it is not kept (without --keychain it would be kept in a 0600 file)")
	default:
		ks.warn("could not keep the IdP session: %v", err)
	}
}

// lazyPassword wraps read so that it runs at most once, when a driver
// reaches a sign-in form, and marks the walk as having asked.
func (ks *keptSession) lazyPassword(read func(context.Context) (secret.String, error)) func(context.Context) (secret.String, error) {
	var once sync.Once
	var pw secret.String
	var err error
	return func(ctx context.Context) (secret.String, error) {
		ks.asked.Store(true)
		once.Do(func() { pw, err = read(ctx) })
		return pw, err
	}
}

// watch marks the walk as having asked when p is used.
func (ks *keptSession) watch(p idp.Prompter) idp.Prompter { return watchPrompter{p: p, ks: ks} }

type watchPrompter struct {
	p  idp.Prompter
	ks *keptSession
}

func (w watchPrompter) Input(m string) (string, error) {
	w.ks.asked.Store(true)
	return w.p.Input(m)
}

func (w watchPrompter) Secret(m string) (secret.String, error) {
	w.ks.asked.Store(true)
	return w.p.Secret(m)
}

func (w watchPrompter) Select(m string, o []string) (int, error) {
	w.ks.asked.Store(true)
	return w.p.Select(m, o)
}
