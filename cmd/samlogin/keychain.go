package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/keychain"
	"github.com/samlogin/samlogin/internal/secret"
)

// keychainUse is the OS keychain as one run of samlogin uses it: opened at
// its first use (a credential_process cache hit never gets here), and given
// up for the rest of the run at its first failure, with one line on stderr.
// A keychain that is locked, missing or refusing costs one bounded call
// (keychain.Timeout) at most, and samlogin goes on as without --keychain.
type keychainUse struct {
	env  *Env
	s    keychain.Store
	down bool
}

// keychain is the run's keychainUse.
func (env *Env) keychain() *keychainUse {
	if env.kc == nil {
		env.kc = &keychainUse{env: env}
	}
	return env.kc
}

func (u *keychainUse) store() (keychain.Store, error) {
	if u.down {
		return nil, keychain.ErrUnavailable
	}
	if u.s == nil {
		if u.env.Keychain == nil {
			u.fail(&keychain.UnavailableError{Reason: "none on this system"})
			return nil, keychain.ErrUnavailable
		}
		u.s = u.env.Keychain()
	}
	return u.s, nil
}

// fail says, once, that the keychain is not available; it is not asked
// again in this run.
func (u *keychainUse) fail(err error) {
	if u.down {
		return
	}
	u.down = true
	reason := err.Error()
	var ue *keychain.UnavailableError
	if errors.As(err, &ue) {
		reason = ue.Reason
	}
	fmt.Fprintf(u.env.Stderr, "samlogin: the keychain is not available (%s); going on without it\n", printable(reason))
}

// get is Store.Get; a failure other than ErrNotFound gives the keychain up.
func (u *keychainUse) get(k keychain.Key) (secret.String, error) {
	s, err := u.store()
	if err != nil {
		return secret.String{}, err
	}
	v, err := s.Get(k)
	if err != nil && !errors.Is(err, keychain.ErrNotFound) {
		u.fail(err)
	}
	return v, err
}

// stored reports whether the keychain holds k, without reading the secret
// where the platform allows (keychain.Stored), for status.
func (u *keychainUse) stored(k keychain.Key) (bool, error) {
	s, err := u.store()
	if err != nil {
		return false, err
	}
	ok, err := keychain.Stored(s, k)
	if err != nil {
		u.fail(err)
	}
	return ok, err
}

func (u *keychainUse) set(k keychain.Key, v secret.String) error {
	s, err := u.store()
	if err != nil {
		return err
	}
	if err := s.Set(k, v); err != nil {
		if !errors.Is(err, keychain.ErrTooBig) {
			u.fail(err)
		}
		return err
	}
	return nil
}

func (u *keychainUse) delete(k keychain.Key) error {
	s, err := u.store()
	if err != nil {
		return err
	}
	if err := s.Delete(k); err != nil {
		u.fail(err)
		return err
	}
	return nil
}

// passwordKey is the keychain key of the password of username at idp (the
// ADFS host or portal URL as stored).
func passwordKey(idp, username string) keychain.Key {
	return keychain.Key{Kind: keychain.KindPassword, IdP: idp, Username: username}
}

// keychainPassword is the password of one sign-in in the keychain.
type keychainPassword struct {
	u   *keychainUse
	key keychain.Key
}

// keychainFor is the keychain entry of a sign-in, or nil without
// --keychain (or without a user name to key it by).
func keychainFor(env *Env, so *signinOptions, username string) *keychainPassword {
	if !so.keychain || username == "" || !so.hasIdP() {
		return nil
	}
	return &keychainPassword{u: env.keychain(), key: passwordKey(so.describe(), username)}
}

// password reads the stored password; false when there is none (or no
// keychain).
func (k *keychainPassword) password() (secret.String, bool) {
	v, err := k.u.get(k.key)
	if err != nil || v.Empty() {
		return secret.String{}, false
	}
	return v, true
}

// keep stores a password the IdP accepted.
func (k *keychainPassword) keep(pw secret.String) {
	if !pw.Empty() {
		_ = k.u.set(k.key, pw) // a failure has said its line
	}
}

// rejected removes the stored password the IdP rejected, and returns the
// sign-in's error saying so.
func (k *keychainPassword) rejected(err error) error {
	return &storedRejectedError{err: err, removeErr: k.u.delete(k.key)}
}

// storedRejectedError is a rejection of the password read from the
// keychain (exit 4, as any rejection); errors.go gives its hint.
type storedRejectedError struct {
	err       error
	removeErr error // nil: removed
}

func (e *storedRejectedError) Error() string { return e.err.Error() }
func (e *storedRejectedError) Unwrap() error { return e.err }

func (e *storedRejectedError) hint() string {
	if e.removeErr != nil {
		return "the stored password was rejected, and samlogin could not remove it from the keychain; remove the item of service \"samlogin\" with your keychain's tool; samlogin sent it once and did not retry"
	}
	return "the stored password was rejected and removed from the keychain; samlogin sent it once and did not retry; run samlogin again to type the new one"
}

// resolveKeychain makes --no-keychain set --keychain to false, which the
// profile then stores. The command line beats the environment: --no-keychain
// beats SAMLOGIN_KEYCHAIN, and --keychain beats SAMLOGIN_NO_KEYCHAIN.
func resolveKeychain(fs *pflag.FlagSet, env *Env) error {
	no, yes := fs.Lookup("no-keychain"), fs.Lookup("keychain")
	if no == nil || yes == nil || !no.Changed || no.Value.String() != "true" {
		return nil
	}
	fromEnv := func(name string) bool { _, ok := env.fromEnv[name]; return ok }
	if yes.Changed && yes.Value.String() == "true" {
		switch {
		case fromEnv("keychain") == fromEnv("no-keychain"):
			return usagef("--keychain and --no-keychain both given: use one")
		case fromEnv("no-keychain"):
			return nil
		}
	}
	return fs.Set("keychain", "false")
}

// typedPassword passes the questions on and remembers the answer to the
// password question (the drivers ask "Password ..."): signIn keeps it in
// the keychain once the IdP accepted it.
type typedPassword struct {
	p        idp.Prompter
	password secret.String
}

func (t *typedPassword) Input(m string) (string, error)           { return t.p.Input(m) }
func (t *typedPassword) Select(m string, o []string) (int, error) { return t.p.Select(m, o) }
func (t *typedPassword) Secret(m string) (secret.String, error) {
	s, err := t.p.Secret(m)
	if err == nil && strings.HasPrefix(m, "Password") {
		t.password = s
	}
	return s, err
}

// cmpSecret is the first of a, b that is not empty.
func cmpSecret(a, b secret.String) secret.String {
	if !a.Empty() {
		return a
	}
	return b
}
