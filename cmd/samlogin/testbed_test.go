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
	peers["IDP_URL"] = tb.IdPLoginURL
	peers["MOTO_URL"] = tb.STSURL
	peers["TESTBED_DIR"] = filepath.Join(tb.Shared, "testbed")
	peers["SAMLOGIN_TESTBED_DIR"] = os.Getenv("SAMLOGIN_TESTBED_DIR")
	peers["AWS_DEFAULT_REGION"] = "us-east-1"
	testscript.Run(t, scriptParams("testdata/testbed", peers))
}
