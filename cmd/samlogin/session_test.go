package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/sessionstore"
	"github.com/samlogin/samlogin/internal/testtmp"
)

// sessionPeers is an ADFS with "Keep me signed in" and a test STS, and
// the arguments of a login at them.
func sessionPeers(t *testing.T, o idptest.ADFSOptions) (*idptest.ADFS, []string) {
	o.Users, o.TLS, o.SAMLResponse = adfsUsers, true, freshAssertion
	if o.KMSILifetime == 0 {
		o.KMSILifetime = time.Hour
	}
	adfs := idptest.NewADFS(t, o)
	sts := ststest.New(t, ststest.Options{})
	return adfs, []string{"--adfs-host", adfs.Host(), "--ca-bundle", adfs.CACertFile(), "--username", `CORP\alice`,
		"--role", "Admin", "--profile", "p", "--sts-endpoint", sts.URL(), "--no-prompt", "--force"}
}

// runSession runs samlogin in env with fresh output buffers.
func runSession(t *testing.T, env *Env, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env.Stdout, env.Stderr = &out, &errb
	return run(context.Background(), args, env), errb.String()
}

// TestKeptSessionErrorPage: a kept session that leads to an error page is
// dropped, and the sign-in starts afresh once, without its cookies: the
// password command runs once, the password is posted once more, and the
// new session is kept.
func TestKeptSessionErrorPage(t *testing.T) {
	testtmp.SkipUnderWine(t, "its --password-command is a POSIX sh line (on Windows cmd.exe runs it: TestShellCommand)")
	adfs, args := sessionPeers(t, idptest.ADFSOptions{StaleKMSIError: true})
	env, _, _ := testEnv(t, "", map[string]string{"SAMLOGIN_NO_CACHE": "true"})
	ran := filepath.Join(env.Home, "ran")
	pwCmd := "echo x >>'" + ran + "'; echo '" + adfsUsers[`CORP\alice`] + "'"
	args = append(args, "--password-command", pwCmd)
	if code, stderr := runSession(t, env, append(args, "--remember-session")...); code != 0 {
		t.Fatalf("first login: exit %d: %s", code, stderr)
	}
	store := &sessionstore.File{Dir: awsconfig.StateDir(env.Home)}
	key := sessionstore.Key{IdP: adfs.Host(), Username: `CORP\alice`}
	first, err := store.Load(key)
	if err != nil {
		t.Fatalf("no session kept after the first login: %v", err)
	}
	// The kept session alone signs in.
	if code, stderr := runSession(t, env, args...); code != 0 || adfs.KMSILogins() != 1 || adfs.PasswordPosts(`CORP\alice`) != 1 {
		t.Fatalf("second login: exit %d, %d KMSI sign-ins, %d password posts: %s", code, adfs.KMSILogins(), adfs.PasswordPosts(`CORP\alice`), stderr)
	}
	adfs.RevokeSessions() // the farm now answers the kept cookie with MSIS7012
	code, stderr := runSession(t, env, args...)
	if code != 0 {
		t.Fatalf("login after revocation: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "led to an error page; it was dropped, signing in afresh") {
		t.Errorf("stderr does not say the kept session was dropped:\n%s", stderr)
	}
	if n := adfs.PasswordPosts(`CORP\alice`); n != 2 {
		t.Errorf("%d password posts, want 2 (one fresh sign-in)", n)
	}
	b, _ := os.ReadFile(ran)
	if n := strings.Count(string(b), "x"); n != 2 {
		t.Errorf("the password command ran %d times, want 2 (first login, the fresh one)", n)
	}
	again, err := store.Load(key)
	if err != nil {
		t.Fatalf("no session kept after the fresh sign-in: %v", err)
	}
	if again.Cookies[0].Value == first.Cookies[0].Value {
		t.Errorf("the kept session was not replaced")
	}
}

// TestLogoutKeepsSharedSession: logout drops the kept session only when
// no other profile signs in with the same IdP and user.
func TestLogoutKeepsSharedSession(t *testing.T) {
	_, args := sessionPeers(t, idptest.ADFSOptions{})
	env, _, _ := testEnv(t, "", map[string]string{"SAMLOGIN_NO_CACHE": "true", "SAMLOGIN_PASSWORD": adfsUsers[`CORP\alice`]})
	for _, p := range []string{"p", "q"} {
		a := append(append([]string(nil), args...), "--remember-session", "--profile", p)
		if code, stderr := runSession(t, env, a...); code != 0 {
			t.Fatalf("login %s: exit %d: %s", p, code, stderr)
		}
	}
	sessions := func() int {
		files, _ := filepath.Glob(filepath.Join(awsconfig.StateDir(env.Home), "sessions", "*.json"))
		return len(files)
	}
	if sessions() != 1 {
		t.Fatalf("%d kept sessions, want 1 (same IdP and user)", sessions())
	}
	code, stderr := runSession(t, env, "logout", "--profile", "p")
	if code != 0 || !strings.Contains(stderr, "kept the IdP session that profile q also uses") || sessions() != 1 {
		t.Fatalf("logout p: exit %d, %d sessions: %s", code, sessions(), stderr)
	}
	code, stderr = runSession(t, env, "logout", "--profile", "q")
	if code != 0 || !strings.Contains(stderr, "dropped the kept IdP session") || sessions() != 0 {
		t.Fatalf("logout q: exit %d, %d sessions: %s", code, sessions(), stderr)
	}
}
