package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
	"github.com/samlogin/samlogin/idp/kerberos"
	"github.com/samlogin/samlogin/internal/testbed"
	"github.com/samlogin/samlogin/internal/testtmp"
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

// BenchmarkTestbedKerberos signs in with --kerberos at the test bed's
// ADFS-shaped Apache (mod_auth_gssapi, MIT KDC; kinit once before), in
// process, through the in-repo STS on loopback, and reports per sign-in
// the wall time (ns/op) and krb5-requests/op: the HTTP requests Apache
// logged (IdP-initiated page, /adfs/ls/wia 401, /adfs/ls/wia with the
// ticket), plus one TGS exchange with the KDC for the service ticket
// (every sign-in: a run opens the cache afresh, and gokrb5 does not write
// the service ticket back to it). The first sign-in is logged on its own.
func BenchmarkTestbedKerberos(b *testing.B) {
	k := testbed.RequireKerberos(b)
	sts := ststest.New(b, ststest.Options{})
	dir := testtmp.Dir(b)
	cc := "FILE:" + filepath.Join(dir, "cc")
	kinit := exec.Command("kinit", k.User)
	kinit.Env = append(os.Environ(), "KRB5_CONFIG="+k.Config, "KRB5CCNAME="+cc)
	kinit.Stdin = strings.NewReader(k.Password + "\n")
	if out, err := kinit.CombinedOutput(); err != nil {
		b.Fatalf("kinit: %v: %s", err, out)
	}
	accessLog := filepath.Join(filepath.Dir(k.SAMLResponse), "apache", "access.log")
	lines := func() int {
		data, _ := os.ReadFile(accessLog)
		return strings.Count(string(data), "\n")
	}
	signIn := func() {
		if err := os.WriteFile(k.SAMLResponse, []byte(krb5Assertion(k.User)), 0o644); err != nil {
			b.Fatal(err)
		}
		env, _, errb := testEnv(b, "", map[string]string{"SAMLOGIN_NO_CACHE": "1", "KRB5_CONFIG": k.Config, "KRB5CCNAME": cc})
		args := []string{"--adfs-host", k.ADFSHost, "--kerberos", "--ca-bundle", k.CA, "--profile", "k", "--sts-endpoint", sts.URL(), "--no-prompt", "--force"}
		if rc := run(context.Background(), args, env); rc != 0 {
			b.Fatalf("exit %d: %s", rc, errb)
		}
	}
	start, before := time.Now(), lines()
	signIn()
	b.Logf("first sign-in (service ticket from the KDC): %d requests to the IdP, %v", lines()-before, time.Since(start).Round(time.Millisecond))
	b.ResetTimer()
	before = lines()
	for range b.N {
		signIn()
	}
	b.StopTimer()
	b.ReportMetric(float64(lines()-before)/float64(b.N), "krb5-requests/op")
}

// BenchmarkTestbedKerberosIdP is the IdP part alone of a --kerberos
// sign-in at the test bed: the ticket cache opened, a service ticket from
// the KDC, the three requests to Apache, the SAMLResponse read (no STS, no
// files), as samlogin does it once per sign-in.
func BenchmarkTestbedKerberosIdP(b *testing.B) {
	k := testbed.RequireKerberos(b)
	cc := "FILE:" + filepath.Join(testtmp.Dir(b), "cc")
	kinit := exec.Command("kinit", k.User)
	kinit.Env = append(os.Environ(), "KRB5_CONFIG="+k.Config, "KRB5CCNAME="+cc)
	kinit.Stdin = strings.NewReader(k.Password + "\n")
	if out, err := kinit.CombinedOutput(); err != nil {
		b.Fatalf("kinit: %v: %s", err, out)
	}
	b.ResetTimer()
	for range b.N {
		ts, _, err := kerberos.Open(kerberos.Options{CCache: cc, Config: k.Config})
		if err != nil {
			b.Fatal(err)
		}
		client, err := idp.NewHTTPClient(idp.HTTPOptions{CABundle: k.CA})
		if err != nil {
			b.Fatal(err)
		}
		d, err := adfs.New(adfs.Config{Host: k.ADFSHost, Kerberos: ts}, idp.Deps{Client: client})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Login(context.Background(), idp.LoginInput{}); err != nil {
			b.Fatal(err)
		}
	}
}
