// Package testbed gives tests the real peers of ../shared/testbed
// (SimpleSAMLphp as the IdP, moto as the STS), as started by
// scripts/with-testbed.sh (`make test`). Without them a test skips with a
// message saying what was skipped and how to run it; under CI=true it fails
// instead, since CI must run every integration test.
package testbed

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Env is the running test bed.
type Env struct {
	IdPURL      string // TESTBED_IDP_URL
	IdPLoginURL string // TESTBED_IDP_LOGIN_URL: starts an IdP-initiated sign-in to AWS
	STSURL      string // TESTBED_STS_URL: moto
	Shared      string // SAMLOGIN_SHARED: the shared folder (fixtures, testbed scripts)
}

// Require returns the test bed or skips (fails in CI) when it is not running.
// needSTS also requires moto.
func Require(t testing.TB, needSTS bool) Env {
	t.Helper()
	e := Env{
		IdPURL:      os.Getenv("TESTBED_IDP_URL"),
		IdPLoginURL: os.Getenv("TESTBED_IDP_LOGIN_URL"),
		STSURL:      os.Getenv("TESTBED_STS_URL"),
		Shared:      os.Getenv("SAMLOGIN_SHARED"),
	}
	missing := e.IdPLoginURL == "" || (needSTS && e.STSURL == "")
	if missing {
		msg := "integration test skipped: the test bed (SimpleSAMLphp IdP, moto STS) is not running; " +
			"run `make test`, or `../shared/testbed/testbed.sh up` then `. $SAMLOGIN_TESTBED_DIR/env` before go test"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return e
}

// RequireAWSCLI returns the path of the aws CLI, skipping (failing in CI)
// when it is missing.
func RequireAWSCLI(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("aws")
	if err != nil {
		msg := "integration test skipped: no `aws` CLI on PATH; install it (pip install awscli, or your package manager) to run it"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
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
