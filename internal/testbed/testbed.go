// Package testbed gives tests the real peers of the project's test bed
// (testbed/testbed.sh): SimpleSAMLphp and LemonLDAP::NG as IdPs, over http
// and over https with a private CA, and moto as the STS, as started by
// scripts/with-testbed.sh (`make test`). It reads the TESTBED_* variables of
// the env file testbed.sh writes. Without a peer a test skips with a message
// saying what was skipped and how to run it; under CI=true it fails instead,
// since CI must run every integration test.
package testbed

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// Env is the running test bed: SimpleSAMLphp and, when running, moto.
type Env struct {
	Dir              string // TESTBED_DIR: the project's testbed/ folder (scripts)
	IdPURL           string // TESTBED_IDP_URL
	IdPLoginURL      string // TESTBED_IDP_LOGIN_URL: starts an IdP-initiated sign-in to AWS
	IdPHTTPSLoginURL string // TESTBED_IDP_HTTPS_LOGIN_URL: the same over https
	IdPCA            string // TESTBED_IDP_CA: the private CA of the https front
	STSURL           string // TESTBED_STS_URL: moto; empty when moto is missing
}

// LLNG is the running LemonLDAP::NG portal.
type LLNG struct {
	URL           string // TESTBED_LLNG_URL: the portal (http)
	LoginURL      string // TESTBED_LLNG_LOGIN_URL: IdP-initiated sign-in to AWS
	HTTPSURL      string // TESTBED_LLNG_HTTPS_URL: the portal over https, Secure cookies
	HTTPSLoginURL string // TESTBED_LLNG_HTTPS_LOGIN_URL
	CA            string // TESTBED_LLNG_CA: the private CA of the https portal
}

// The users and second factors of testbed/llng (users.sql, devices.json).
const (
	// LLNGTOTPSecret is tom's TOTP secret (base32, SHA-1, 30 s, 6 digits).
	LLNGTOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	// LLNGChoiceTOTPSecret is cho's TOTP secret; cho also has the external
	// 2F, so the portal asks which.
	LLNGChoiceTOTPSecret = "KRSXG5CCMVSCAMJSGM2DKNRXHA4TAMJS"
	// LLNGExtCode is the code the external 2F ("Fixed code") accepts.
	LLNGExtCode = "424242"
	// LLNGSpecialUser and LLNGSpecialPassword: a password with non-ASCII
	// characters, '&' and other characters that need form encoding.
	LLNGSpecialUser     = "sam.special@example.test"
	LLNGSpecialPassword = "Grüße & ça=+%:x ✓"
)

// How is what a skipped test tells the reader to do.
const How = "run `make test` (as root with apt-get it installs the Debian packages and starts the test bed), " +
	"or `testbed/testbed.sh up` then `. ${SAMLOGIN_TESTBED_DIR:-/tmp/samlogin-testbed}/env` before go test"

// HowMoto is what to do when moto is missing.
const HowMoto = "moto is not packaged in Debian: install it in the machine's Python " +
	"(`pip install 'moto[server]'`, so that moto_server is on PATH, or set MOTO_SERVER) and run `make test` again"

func skip(t testing.TB, msg string) {
	t.Helper()
	// The Windows build's tests under Wine (make test-windows) leave the
	// test bed to the Linux run of the same CI (make test).
	testtmp.SkipUnderWine(t, "the test bed's IdPs run for the Linux tests (make test), not for the Windows build under Wine")
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Require returns the test bed or skips (fails in CI) when SimpleSAMLphp is
// not running. needSTS also requires moto.
func Require(t testing.TB, needSTS bool) Env {
	t.Helper()
	e := Env{
		Dir:              os.Getenv("TESTBED_DIR"),
		IdPURL:           os.Getenv("TESTBED_IDP_URL"),
		IdPLoginURL:      os.Getenv("TESTBED_IDP_LOGIN_URL"),
		IdPHTTPSLoginURL: os.Getenv("TESTBED_IDP_HTTPS_LOGIN_URL"),
		IdPCA:            os.Getenv("TESTBED_IDP_CA"),
		STSURL:           os.Getenv("TESTBED_STS_URL"),
	}
	if e.IdPLoginURL == "" {
		skip(t, "integration test skipped: the test bed (SimpleSAMLphp IdP) is not running; "+How)
	}
	if needSTS && e.STSURL == "" {
		skip(t, "integration test skipped: the test bed runs without moto (the local STS); "+HowMoto)
	}
	return e
}

// RequireLLNG returns the LemonLDAP::NG portal, skipping (failing in CI)
// when it is not running.
func RequireLLNG(t testing.TB) LLNG {
	t.Helper()
	l := LLNG{
		URL:           os.Getenv("TESTBED_LLNG_URL"),
		LoginURL:      os.Getenv("TESTBED_LLNG_LOGIN_URL"),
		HTTPSURL:      os.Getenv("TESTBED_LLNG_HTTPS_URL"),
		HTTPSLoginURL: os.Getenv("TESTBED_LLNG_HTTPS_LOGIN_URL"),
		CA:            os.Getenv("TESTBED_LLNG_CA"),
	}
	if l.LoginURL == "" || l.HTTPSLoginURL == "" {
		skip(t, "integration test skipped: the test bed's LemonLDAP::NG portal is not running; "+How)
	}
	return l
}

// RequireAWSCLI returns the path of the aws CLI, skipping (failing in CI)
// when it is missing.
func RequireAWSCLI(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("aws")
	if err != nil {
		skip(t, "integration test skipped: no `aws` CLI on PATH; install it (pip install awscli, or your package manager) to run it")
	}
	return p
}

// Isolated returns environment variables that keep the aws CLI and samlogin
// away from the user's real files: a temporary HOME and AWS file paths.
func Isolated(t testing.TB) (home string, env []string) {
	home = t.TempDir()
	return home, []string{
		"HOME=" + home,
		"AWS_CONFIG_FILE=" + filepath.Join(home, ".aws", "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, ".aws", "credentials"),
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_MAX_ATTEMPTS=1",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// Kerberos is the test bed's Kerberos part (testbed/krb5/setup.sh): an MIT
// KDC with the realm SAMLOGIN.TEST and an ADFS-shaped Apache whose
// /adfs/ls/wia mod_auth_gssapi protects.
type Kerberos struct {
	Realm        string // TESTBED_KRB5_REALM
	Config       string // TESTBED_KRB5_CONFIG: the realm's krb5.conf (KRB5_CONFIG)
	User         string // TESTBED_KRB5_USER: alice@SAMLOGIN.TEST
	Password     string // TESTBED_KRB5_PASSWORD: hers, for kinit
	ADFSHost     string // TESTBED_KRB5_ADFS_HOST: localhost:PORT (https)
	CA           string // TESTBED_KRB5_CA: the private CA of that Apache
	SAMLResponse string // TESTBED_KRB5_SAMLRESPONSE: the file /adfs/ls/wia answers with
}

// RequireKerberos returns the Kerberos part of the test bed, skipping (failing
// in CI) when it is not running.
func RequireKerberos(t testing.TB) Kerberos {
	t.Helper()
	k := Kerberos{
		Realm:        os.Getenv("TESTBED_KRB5_REALM"),
		Config:       os.Getenv("TESTBED_KRB5_CONFIG"),
		User:         os.Getenv("TESTBED_KRB5_USER"),
		Password:     os.Getenv("TESTBED_KRB5_PASSWORD"),
		ADFSHost:     os.Getenv("TESTBED_KRB5_ADFS_HOST"),
		CA:           os.Getenv("TESTBED_KRB5_CA"),
		SAMLResponse: os.Getenv("TESTBED_KRB5_SAMLRESPONSE"),
	}
	if k.ADFSHost == "" || k.Config == "" {
		skip(t, "integration test skipped: the test bed's Kerberos part (MIT KDC, Apache with mod_auth_gssapi: testbed/krb5/setup.sh) is not running; "+How)
	}
	if _, err := exec.LookPath("kinit"); err != nil {
		skip(t, "integration test skipped: no kinit on PATH (apt-get install krb5-user); "+How)
	}
	return k
}

// HowChromium is what to do when Chromium is missing.
const HowChromium = "install Debian's chromium (`apt-get install chromium`; `make test` does it through scripts/deps.sh), " +
	"or set SAMLOGIN_TEST_CHROMIUM to a Chromium-family browser, and run the tests again"

// RequireChromium returns the Chromium the browser sign-in tests drive
// headless: SAMLOGIN_TEST_CHROMIUM, else chromium or chromium-browser on
// the PATH. It skips (fails in CI) when there is none.
func RequireChromium(t testing.TB) string {
	t.Helper()
	testtmp.SkipUnderWine(t, "the browser sign-in runs headless Chromium in the Linux tests (make test)")
	if p := os.Getenv("SAMLOGIN_TEST_CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	skip(t, "browser sign-in test skipped: no Chromium found; "+HowChromium)
	return ""
}
