package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/internal/testbed"
)

// krb5Assertion is the SAMLResponse the test bed's ADFS-shaped Apache
// answers /adfs/ls/wia with: fresh, for the strict test STS, role Admin.
func krb5Assertion(user string) string {
	now := time.Now()
	return ststest.Assertion(ststest.AssertionOptions{
		Roles: []string{roleAdmin}, SessionName: user, IssueInstant: now, NotOnOrAfter: now.Add(5 * time.Minute),
	})
}

// TestTestbedKerberos runs testdata/testbed/krb5_*.txtar against the test
// bed's Kerberos part (testbed/krb5/setup.sh): kinit at its MIT KDC, then
// samlogin --kerberos at the Apache whose /adfs/ls/wia mod_auth_gssapi
// protects, the SAMLResponse going to the in-repo strict STS; and
// --kerberos=auto without a ticket against the in-repo ADFS (forms).
func TestTestbedKerberos(t *testing.T) {
	k := testbed.RequireKerberos(t)
	if err := os.WriteFile(k.SAMLResponse, []byte(krb5Assertion(k.User)), 0o644); err != nil {
		t.Fatal(err)
	}
	peers := startPeers(t)
	peers["KRB_HOST"] = k.ADFSHost
	peers["KRB_CA"] = k.CA
	peers["KRB_CONFIG"] = k.Config
	peers["KRB_USER"] = k.User
	peers["KRB_PASSWORD"] = k.Password
	peers["KRB_REALM"] = k.Realm
	peers["PATH"] = os.Getenv("PATH") + string(os.PathListSeparator) + "/usr/sbin"
	params := scriptParams("", peers)
	files, err := filepath.Glob(filepath.Join("testdata", "testbed", "krb5_*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	params.Files = files
	params.Setup = withSetup(params.Setup, func(e *testscript.Env) error {
		e.Setenv("SAMLOGIN_NO_CACHE", "1")
		return nil
	})
	testscript.Run(t, params)
}
