package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/internal/keychain"
	"github.com/samlogin/samlogin/internal/secret"
)

// tooBig is a keychain that refuses values over 100 bytes, as Windows
// Credential Manager refuses large ones: a password fits, a cookie set
// does not.
type tooBig struct{ keychain.Memory }

func (s *tooBig) Set(k keychain.Key, v secret.String) error {
	if len(v.Reveal()) > 100 {
		return keychain.ErrTooBig
	}
	return s.Memory.Set(k, v)
}

// A session too large for the keychain costs the password nothing: the
// accepted password is kept, the session is not, in one line that says
// why, and the keychain is not declared unavailable.
func TestKeptSessionTooBigForKeychain(t *testing.T) {
	k := newKCPeers(t)
	mem := &tooBig{}
	env, _, errb := kcEnv(t, adfsUsers[alice]+"\n", mem)
	args := append([]string{"--profile", "p", "--keychain", "--remember-session", "--password-stdin", "--no-prompt"}, k.args...)
	if code := runIn(env, args...); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if v, err := mem.Get(k.key()); err != nil || v.Reveal() != adfsUsers[alice] {
		t.Errorf("the accepted password was not kept: %v", err)
	}
	out := errb.String()
	if !strings.Contains(out, "too large for this keychain; it is not kept") || strings.Contains(out, "not available") {
		t.Errorf("stderr: %s", out)
	}
}

// status does not read the keychain for a profile that keeps no session
// (a read may ask to unlock it), and logout with --forget drops a session
// kept in the keychain even after the profile stopped using it.
func TestKeychainSessionStatusAndLogout(t *testing.T) {
	k := newKCPeers(t)
	mem := &keychain.Memory{}
	env, _, errb := kcEnv(t, adfsUsers[alice]+"\n", mem)
	if code := runIn(env, append([]string{"--profile", "p", "--keychain", "--password-stdin", "--no-prompt"}, k.args...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	before := mem.Calls
	if code := runIn(env, "status"); code != 0 {
		t.Fatalf("status: exit %d: %s", code, errb)
	}
	gets := mem.Calls - before
	if gets > 1 { // the password's marker, nothing for a session
		t.Errorf("status made %d keychain calls for a profile without --remember-session", gets)
	}

	env2, _, errb2 := kcEnv(t, adfsUsers[alice]+"\n", mem)
	env2.Home = env.Home
	if code := runIn(env2, append([]string{"--profile", "p", "--keychain", "--remember-session", "--password-stdin", "--no-prompt", "--force"}, k.args...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errb2)
	}
	sk := keychain.Key{Kind: keychain.KindSession, IdP: k.adfs.Host(), Username: alice}
	if _, err := mem.Get(sk); err != nil {
		t.Fatalf("no session in the keychain: %v", err)
	}
	// The profile stops using the keychain; logout --forget still drops
	// the session kept there.
	env3, _, errb3 := kcEnv(t, "", mem)
	env3.Home = env.Home
	if code := runIn(env3, append([]string{"--profile", "p", "--no-keychain", "--password-stdin", "--no-prompt", "--force"}, k.args...)...); code != 0 && !strings.Contains(errb3.String(), "stdin was empty") {
		t.Logf("login with --no-keychain: exit %d: %s", code, errb3)
	}
	env4, _, errb4 := kcEnv(t, "", mem)
	env4.Home = env.Home
	if code := runIn(env4, "logout", "--profile", "p", "--forget"); code != 0 {
		t.Fatalf("logout: exit %d: %s", code, errb4)
	}
	if _, err := mem.Get(sk); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("the session item is still in the keychain after logout --forget: %v (%s)", err, errb4)
	}
}
