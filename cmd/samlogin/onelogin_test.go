package main

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/keychain"
	"github.com/samlogin/samlogin/internal/secret"
	"github.com/samlogin/samlogin/internal/testtmp"
)

// OneLogin test accounts of the scripts (idptest.OneLogin).
const (
	olClientID = "cid-42"
	olSecret   = "cs-0123456789abcdef"
	olUser     = "alice@corp.example.com"
	olPassword = "ol-correct-horse"
	olCode     = "246810"
)

func olOptions(devices ...string) idptest.OneLoginOptions {
	return idptest.OneLoginOptions{ClientID: olClientID, ClientSecret: olSecret, Subdomain: "corp", AppID: "123456",
		Username: olUser, Password: olPassword, Devices: devices, Code: olCode, SAMLResponse: freshAssertion}
}

// startOneLogin starts the OneLogin API look-alikes of the scripts (no
// MFA, an authenticator app, OneLogin Protect approved at the second poll
// and never approved, SMS) and the command "onelogin log NAME" that prints
// what one received.
func startOneLogin(t testing.TB) (map[string]string, func(ts *testscript.TestScript, neg bool, args []string)) {
	push := olOptions("OneLogin Protect")
	push.PushPolls = 1
	never := olOptions("OneLogin Protect")
	never.PushPolls = -1
	ip := olOptions()
	ip.IPRestricted = true
	down := olOptions()
	down.Fail5xx = true
	busy := olOptions()
	busy.RateLimit = 1
	expire := olOptions("Google Authenticator")
	expire.ExpireState = true
	srvs := map[string]*idptest.OneLogin{
		"ip":     idptest.NewOneLogin(t, ip),
		"down":   idptest.NewOneLogin(t, down),
		"busy":   idptest.NewOneLogin(t, busy),
		"expire": idptest.NewOneLogin(t, expire),
		"plain":  idptest.NewOneLogin(t, olOptions()),
		"otp":    idptest.NewOneLogin(t, olOptions("Google Authenticator")),
		"push":   idptest.NewOneLogin(t, push),
		"never":  idptest.NewOneLogin(t, never),
		"sms":    idptest.NewOneLogin(t, olOptions("OneLogin SMS", "Google Authenticator")),
	}
	vars := map[string]string{
		"OL_SECRET": olSecret, "OL_PASSWORD": olPassword, "OL_USER": olUser,
	}
	for name, s := range srvs {
		vars["OL_"+strings.ToUpper(name)+"_URL"] = s.URL()
	}
	return vars, func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 || args[0] != "log" || srvs[args[1]] == nil {
			ts.Fatalf("usage: onelogin log plain|otp|push|never|sms|ip|down|busy|expire")
		}
		for _, r := range srvs[args[1]].Requests() {
			ts.Stdout().Write([]byte(r + "\n"))
		}
	}
}

func TestOneLoginTokenFile(t *testing.T) {
	home := testtmp.Dir(t)
	c := newOneLoginTokens(&Env{Home: home}, "api.us.onelogin.com")
	exp := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	c.Put("cid-42", secret.New("tok-1"), exp)
	if tok, e := c.Get("cid-42"); tok.Reveal() != "tok-1" || !e.Equal(exp) {
		t.Fatalf("Get = %q, %v", tok.Reveal(), e)
	}
	if tok, _ := c.Get("other"); !tok.Empty() {
		t.Fatalf("another client id got %q", tok.Reveal())
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(c.path("cid-42"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v, %v", fi.Mode(), err)
		}
	}
	c.Put("cid-42", secret.String{}, time.Time{})
	if _, err := os.Stat(c.path("cid-42")); !os.IsNotExist(err) {
		t.Fatalf("dropped token file: %v", err)
	}
}

// TestOneLoginClientSecretKeychain: with --keychain, a client secret that
// OneLogin accepted is kept in the keychain (kind onelogin-client-secret,
// the API host, the client id), and the next login needs neither it nor the
// password from elsewhere.
func TestOneLoginClientSecretKeychain(t *testing.T) {
	o := olOptions()
	o.TLS = true
	srv := idptest.NewOneLogin(t, o)
	sts := ststest.New(t, ststest.Options{})
	vars := map[string]string{"SAMLOGIN_NO_CACHE": "1", "SAMLOGIN_ONELOGIN_CLIENT_SECRET": olSecret, "SAMLOGIN_PASSWORD": olPassword}
	env, _, errb := testEnv(t, "", vars)
	mem := &keychain.Memory{}
	env.Keychain = func() keychain.Store { return mem }
	args := []string{"--onelogin-subdomain", "corp", "--onelogin-app-id", "123456", "--onelogin-api-url", srv.URL(),
		"--ca-bundle", srv.CACertFile(), "--onelogin-client-id", olClientID, "-u", olUser, "--role", "Admin",
		"--profile", "p", "--sts-endpoint", sts.URL(), "--keychain", "--no-prompt"}
	if code := runIn(env, args...); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	key := keychain.Key{Kind: keychainKindOneLoginSecret, IdP: hostOfURL(srv.URL()), Username: olClientID}
	if v, err := mem.Get(key); err != nil || v.Reveal() != olSecret {
		t.Fatalf("keychain holds %q, %v", v.Reveal(), err)
	}
	if strings.Contains(readConfig(t, env), olSecret) {
		t.Fatal("the client secret is in the config file")
	}
	delete(vars, "SAMLOGIN_ONELOGIN_CLIENT_SECRET")
	delete(vars, "SAMLOGIN_PASSWORD")
	errb.Reset()
	if code := runIn(env, "--profile", "p", "--force", "--no-prompt"); code != 0 {
		t.Fatalf("second login: exit %d: %s", code, errb)
	}
}
