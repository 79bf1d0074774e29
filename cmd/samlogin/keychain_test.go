package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/keychain"
	"github.com/samlogin/samlogin/internal/secret"
)

const alice = `CORP\alice`

// kcPeers is a test ADFS and STS, and the login arguments for alice there.
type kcPeers struct {
	adfs *idptest.ADFS
	args []string
}

func newKCPeers(t *testing.T) *kcPeers {
	sts := ststest.New(t, ststest.Options{})
	adfs := idptest.NewADFS(t, idptest.ADFSOptions{Users: adfsUsers, SAMLResponse: freshAssertion, TLS: true})
	return &kcPeers{adfs: adfs, args: []string{"--adfs-host", adfs.Host(), "--ca-bundle", adfs.CACertFile(), "--username", alice,
		"--role", "Admin", "--sts-endpoint", sts.URL()}}
}

func (k *kcPeers) key() keychain.Key { return passwordKey(k.adfs.Host(), alice) }

// kcEnv is a test Env whose keychain is mem.
func kcEnv(t *testing.T, stdin string, mem keychain.Store) (*Env, *bytes.Buffer, *bytes.Buffer) {
	env, out, errb := testEnv(t, stdin, map[string]string{"SAMLOGIN_NO_CACHE": "1"})
	env.Keychain = func() keychain.Store { return mem }
	return env, out, errb
}

func runIn(env *Env, args ...string) int { return run(context.Background(), args, env) }

func readConfig(t *testing.T, env *Env) string {
	b, err := os.ReadFile(filepath.Join(env.Home, ".aws", "config"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestKeychainKeepsAcceptedPassword(t *testing.T) {
	for _, how := range []string{"stdin", "prompt"} {
		t.Run(how, func(t *testing.T) {
			k := newKCPeers(t)
			mem := &keychain.Memory{}
			env, _, errb := kcEnv(t, adfsUsers[alice]+"\n", mem)
			args := append([]string{"--profile", "p", "--keychain"}, k.args...)
			if how == "stdin" {
				args = append(args, "--password-stdin")
			} else {
				env.Prompter = &fakePrompter{answers: map[string]string{"Password for": adfsUsers[alice]}}
			}
			if code := runIn(env, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, errb)
			}
			v, err := mem.Get(k.key())
			if err != nil || v.Reveal() != adfsUsers[alice] {
				t.Fatalf("keychain holds %q, %v; want the accepted password", v.Reveal(), err)
			}
			if !strings.Contains(readConfig(t, env), "samlogin_keychain = true\n") {
				t.Errorf("config does not store samlogin_keychain = true:\n%s", readConfig(t, env))
			}
		})
	}
}

func TestKeychainNotKeptWhenRejected(t *testing.T) {
	k := newKCPeers(t)
	mem := &keychain.Memory{}
	env, _, errb := kcEnv(t, "wrong-password\n", mem)
	if code := runIn(env, append([]string{"--profile", "p", "--keychain", "--password-stdin"}, k.args...)...); code != exitRejected {
		t.Fatalf("exit %d, want 4: %s", code, errb)
	}
	if ks := mem.Keys(); len(ks) != 0 {
		t.Errorf("keychain holds %v after a rejected password", ks)
	}
}

func TestKeychainPasswordIsUsed(t *testing.T) {
	k := newKCPeers(t)
	mem := &keychain.Memory{}
	_ = mem.Set(k.key(), secret.New(adfsUsers[alice]))
	env, _, errb := kcEnv(t, "", mem)
	p := &fakePrompter{}
	env.Prompter = p
	if code := runIn(env, append([]string{"--profile", "p", "--keychain"}, k.args...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if len(p.asked) != 0 {
		t.Errorf("asked %q with the password in the keychain", p.asked)
	}
	if n := k.adfs.PasswordPosts(alice); n != 1 {
		t.Errorf("%d password posts, want 1", n)
	}
	// Next time, the stored setting alone turns it on, also without a
	// prompt; in --debug mode too, where the password shows nowhere.
	env.Prompter = nil
	errb.Reset()
	if code := runIn(env, "--profile", "p", "--force", "--no-prompt", "--debug"); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if n := k.adfs.PasswordPosts(alice); n != 2 {
		t.Errorf("%d password posts, want 2", n)
	}
	if !strings.Contains(errb.String(), "level=DEBUG") || strings.Contains(errb.String(), adfsUsers[alice]) {
		t.Errorf("--debug output shows the stored password, or no debug log:\n%s", errb)
	}
}

func TestKeychainOrderAfterOtherSources(t *testing.T) {
	k := newKCPeers(t)
	mem := &keychain.Memory{}
	_ = mem.Set(k.key(), secret.New("stale-password"))
	env, _, errb := kcEnv(t, adfsUsers[alice]+"\n", mem)
	if code := runIn(env, append([]string{"--profile", "p", "--keychain", "--password-stdin"}, k.args...)...); code != 0 {
		t.Fatalf("exit %d (stdin must come before the keychain): %s", code, errb)
	}
	if v, _ := mem.Get(k.key()); v.Reveal() != adfsUsers[alice] {
		t.Errorf("keychain holds %q, want the accepted password from stdin", v.Reveal())
	}
}

func TestKeychainStoredPasswordRejected(t *testing.T) {
	k := newKCPeers(t)
	mem := &keychain.Memory{}
	_ = mem.Set(k.key(), secret.New("old-password"))
	env, _, errb := kcEnv(t, "", mem)
	p := &fakePrompter{answers: map[string]string{"Password for": adfsUsers[alice]}}
	env.Prompter = p
	code := runIn(env, append([]string{"--profile", "p", "--keychain"}, k.args...)...)
	if code != exitRejected {
		t.Fatalf("exit %d, want 4: %s", code, errb)
	}
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(last, "the identity provider rejected the username or password") ||
		!strings.Contains(last, "; the stored password was rejected and removed from the keychain;") {
		t.Errorf("error line %q", last)
	}
	if _, err := mem.Get(k.key()); err != keychain.ErrNotFound {
		t.Errorf("the rejected password is still stored (%v)", err)
	}
	if n := k.adfs.PasswordPosts(alice); n != 1 {
		t.Errorf("%d password posts, want 1 (never retried)", n)
	}
	if len(p.asked) != 0 {
		t.Errorf("asked %q after the stored password was rejected; want no retry", p.asked)
	}
}

func TestKeychainUnavailable(t *testing.T) {
	const line = "samlogin: the keychain is not available (the collection is locked); going on without it\n"
	locked := &keychain.UnavailableError{Reason: "the collection is locked"}
	t.Run("prompt", func(t *testing.T) {
		k := newKCPeers(t)
		mem := &keychain.Memory{Err: locked}
		env, _, errb := kcEnv(t, "", mem)
		p := &fakePrompter{answers: map[string]string{"Password for": adfsUsers[alice]}}
		env.Prompter = p
		if code := runIn(env, append([]string{"--profile", "p", "--keychain"}, k.args...)...); code != 0 {
			t.Fatalf("exit %d: %s", code, errb)
		}
		if n := strings.Count(errb.String(), line); n != 1 {
			t.Errorf("stderr has the line %d times, want once:\n%s", n, errb)
		}
		if len(p.asked) != 1 {
			t.Errorf("asked %q, want the password once", p.asked)
		}
		if mem.Calls != 1 {
			t.Errorf("%d keychain calls, want 1: it is given up after the first failure", mem.Calls)
		}
	})
	t.Run("no-prompt", func(t *testing.T) {
		k := newKCPeers(t)
		env, _, errb := kcEnv(t, "", &keychain.Memory{Err: locked})
		if code := runIn(env, append([]string{"--profile", "p", "--keychain", "--no-prompt"}, k.args...)...); code != exitUsage {
			t.Fatalf("exit %d, want 2: %s", code, errb)
		}
		want := line + "samlogin: adfs: submit login form: cannot prompt: no password: use --password-stdin, SAMLOGIN_PASSWORD or --password-command; or run it on a terminal\n"
		if errb.String() != want {
			t.Errorf("stderr\n%s\nwant\n%s", errb, want)
		}
	})
}

func TestNoKeychain(t *testing.T) {
	k := newKCPeers(t)
	mem := &keychain.Memory{}
	env, _, errb := kcEnv(t, adfsUsers[alice]+"\n", mem)
	if code := runIn(env, append([]string{"--profile", "p", "--keychain", "--password-stdin"}, k.args...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	calls := mem.Calls
	p := &fakePrompter{answers: map[string]string{"Password for": adfsUsers[alice]}}
	env.Prompter = p
	if code := runIn(env, "--profile", "p", "--force", "--no-keychain"); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if mem.Calls != calls || len(p.asked) != 1 {
		t.Errorf("--no-keychain: %d keychain calls, asked %q; want none, and the prompt", mem.Calls-calls, p.asked)
	}
	if !strings.Contains(readConfig(t, env), "samlogin_keychain = false\n") {
		t.Errorf("config does not store samlogin_keychain = false:\n%s", readConfig(t, env))
	}
	if code := runIn(env, "--profile", "p", "--keychain", "--no-keychain"); code != exitUsage {
		t.Errorf("--keychain --no-keychain: exit %d, want 2", code)
	}
	// The command line beats the environment.
	env.LookupEnv = func(k string) (string, bool) {
		if k == "SAMLOGIN_KEYCHAIN" {
			return "true", true
		}
		return "", false
	}
	env.fromEnv = nil
	p.asked = nil
	if code := runIn(env, "--profile", "p", "--force", "--no-keychain"); code != 0 || mem.Calls != calls {
		t.Errorf("SAMLOGIN_KEYCHAIN=true --no-keychain: exit %d, %d keychain calls; want 0 and none: %s", code, mem.Calls-calls, errb)
	}
}

func TestLogoutForgetRemovesPassword(t *testing.T) {
	k := newKCPeers(t)
	mem := &keychain.Memory{}
	env, _, errb := kcEnv(t, "", mem)
	for _, p := range []string{"one", "two"} {
		env.Stdin = strings.NewReader(adfsUsers[alice] + "\n")
		if code := runIn(env, append([]string{"--profile", p, "--keychain", "--password-stdin"}, k.args...)...); code != 0 {
			t.Fatalf("exit %d: %s", code, errb)
		}
	}
	errb.Reset()
	if code := runIn(env, "logout", "--profile", "one", "--forget"); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(errb.String(), "kept the password in the keychain that profile two also uses") || len(mem.Keys()) != 1 {
		t.Errorf("logout of one of two profiles of alice: %s; keychain %v", errb, mem.Keys())
	}
	errb.Reset()
	if code := runIn(env, "logout", "--profile", "two"); code != 0 || len(mem.Keys()) != 1 {
		t.Errorf("logout without --forget: exit %d, keychain %v; want the password kept", code, mem.Keys())
	}
	if code := runIn(env, "logout", "--profile", "two", "--forget"); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(errb.String(), "removed its password from the keychain") || len(mem.Keys()) != 0 {
		t.Errorf("logout --forget of the last profile of alice: %s; keychain %v", errb, mem.Keys())
	}
}

func TestStatusKeychainMarker(t *testing.T) {
	k := newKCPeers(t)
	mem := &keychain.Memory{}
	env, out, errb := kcEnv(t, adfsUsers[alice]+"\n", mem)
	if code := runIn(env, append([]string{"--profile", "p", "--keychain", "--password-stdin"}, k.args...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	env.Stdin = strings.NewReader(adfsUsers[alice] + "\n")
	if code := runIn(env, append([]string{"--profile", "plain", "--password-stdin"}, k.args...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	status := func() map[string]string {
		out.Reset()
		if code := runIn(env, "status", "-o", "json"); code != 0 {
			t.Fatalf("exit %d: %s", code, errb)
		}
		var st statusOutput
		if err := json.Unmarshal(out.Bytes(), &st); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, p := range st.Profiles {
			m[p.Profile] = p.KeychainPassword
		}
		return m
	}
	if got := status(); got["p"] != "stored" || got["plain"] != "" {
		t.Errorf("status = %v, want p stored, plain without", got)
	}
	_ = mem.Delete(k.key())
	if got := status(); got["p"] != "none" {
		t.Errorf("status = %v, want p none", got)
	}
	out.Reset()
	if code := runIn(env, "status"); code != 0 {
		t.Fatal(errb)
	}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if len([]rune(l)) > statusWidth {
			t.Errorf("status line wider than %d: %q", statusWidth, l)
		}
	}
	if !strings.Contains(out.String(), "KEYCHAIN") {
		t.Errorf("no KEYCHAIN column:\n%s", out)
	}
	mem.Err = &keychain.UnavailableError{Reason: "no answer in 5s"}
	errb.Reset()
	if got := status(); got["p"] != "unknown" {
		t.Errorf("status = %v, want p unknown", got)
	}
	if !strings.Contains(errb.String(), "the keychain is not available (no answer in 5s)") {
		t.Errorf("stderr: %s", errb)
	}
}

// TestStatusFits100ColumnsWithKeychain: the KEYCHAIN column still fits
// a row of long names in 100 columns.
func TestStatusFits100ColumnsWithKeychain(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env, out, _ := consoleEnv(t, now, map[string]string{})
	st := []profileStatus{{Profile: "prod-administrator-eu-central", AccountID: "123456789012", RoleName: "AWSReservedSSO_AdministratorAccess",
		IdP: "https://sso.corp.example.com/saml2/idp/SSOService.php?spentityid=urn:amazon:webservices", Source: "credential_process",
		State: "valid", Expiration: now.Add(11*time.Hour + 59*time.Minute).Format(time.RFC3339), KeychainPassword: "unknown",
		Chains: []chainStatus{{Profile: "prod-deploy"}, {Profile: "prod-readonly"}, {Profile: "prod-billing"}}}}
	printStatus(env, st)
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if n := len([]rune(line)); n > statusWidth {
			t.Errorf("%d columns: %q", n, line)
		}
	}
	if !strings.Contains(out.String(), " KEYCHAIN ") || !strings.Contains(out.String(), " unknown ") {
		t.Errorf("table:\n%s", out)
	}
}

// failingStore fails the test at any use.
type failingStore struct{ t *testing.T }

func (f failingStore) Get(keychain.Key) (secret.String, error) {
	f.t.Error("keychain read")
	return secret.String{}, keychain.ErrUnavailable
}
func (f failingStore) Set(keychain.Key, secret.String) error { f.t.Error("keychain write"); return nil }
func (f failingStore) Delete(keychain.Key) error             { f.t.Error("keychain delete"); return nil }

func TestCredentialProcessCacheHitNeverOpensKeychain(t *testing.T) {
	k := newKCPeers(t)
	mem := &keychain.Memory{}
	env, out, errb := kcEnv(t, adfsUsers[alice]+"\n", mem)
	if code := runIn(env, append([]string{"--profile", "p", "--keychain", "--password-stdin", "--credential-process"}, k.args...)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	opened := 0
	env.Keychain = func() keychain.Store { opened++; return failingStore{t} }
	out.Reset()
	if code := runIn(env, "credential-process", "--profile", "p"); code != 0 || !strings.Contains(out.String(), `"AccessKeyId"`) {
		t.Fatalf("exit %d, out %s: %s", code, out, errb)
	}
	if opened != 0 {
		t.Errorf("a cache hit opened the keychain %d times", opened)
	}
	// The same command after the cache: it does use the keychain (the
	// check above can fail).
	env.Keychain = func() keychain.Store { opened++; return mem }
	if code := runIn(env, "credential-process", "--profile", "p", "--force", "--no-prompt"); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if opened != 1 || k.adfs.PasswordPosts(alice) != 2 {
		t.Errorf("a sign-in opened the keychain %d times, %d password posts; want 1 and 2", opened, k.adfs.PasswordPosts(alice))
	}
}
