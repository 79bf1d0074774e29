package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/internal/testbed"
)

// TestTestbed runs the scripts in testdata/testbed against the real peers of
// ../shared/testbed: SimpleSAMLphp as the IdP, moto as the STS, and the aws
// CLI as the reader of what samlogin writes. `make test` starts them; without
// them the test skips (and fails under CI=true).
func TestTestbed(t *testing.T) {
	tb := testbed.Require(t, true)
	testbed.RequireAWSCLI(t)
	peers := startPeers(t)
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/testbed",
		UpdateScripts: *update,
		Setup: func(e *testscript.Env) error {
			for k, v := range peers {
				e.Setenv(k, v)
			}
			e.Setenv("HOME", filepath.Join(e.WorkDir, "home"))
			e.Setenv("TZ", "UTC")
			e.Setenv("IDP_URL", tb.IdPLoginURL)
			e.Setenv("MOTO_URL", tb.STSURL)
			e.Setenv("TESTBED_DIR", filepath.Join(tb.Shared, "testbed"))
			e.Setenv("SAMLOGIN_TESTBED_DIR", os.Getenv("SAMLOGIN_TESTBED_DIR"))
			e.Setenv("AWS_DEFAULT_REGION", "us-east-1")
			e.Setenv("AWS_MAX_ATTEMPTS", "1")
			e.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			unsetenv(e, "AWS_PROFILE", "AWS_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exit": cmdExit,
		},
	})
}
