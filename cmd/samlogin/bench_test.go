package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"
)

// BenchmarkLoginADFS50ms is a whole `samlogin --adfs-host` forms login (no
// MFA) against the test ADFS and the test STS, each adding 50 ms to every
// answer. It reports the requests per login and the wall time as a ratio to
// the sum of the added latencies (1.0 = no overhead at all).
func BenchmarkLoginADFS50ms(b *testing.B) {
	const latency = 50 * time.Millisecond
	sts := ststest.New(b, ststest.Options{Latency: latency})
	adfs := idptest.NewADFS(b, idptest.ADFSOptions{Users: adfsUsers, SAMLResponse: freshAssertion, TLS: true, Latency: latency})
	env, _, errb := testEnv(b, "", map[string]string{})
	args := []string{"--adfs-host", adfs.Host(), "--ca-bundle", adfs.CACertFile(), "--username", "bob@corp.example.com",
		"--password-stdin", "--profile", "bench", "--sts-endpoint", sts.URL(), "--force"}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		env.Stdin = stringsReader(adfsUsers["bob@corp.example.com"] + "\n")
		if code := run(context.Background(), args, env); code != 0 {
			b.Fatalf("exit %d: %s", code, errb)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	idpReqs := float64(adfs.Count()) / float64(b.N)
	stsReqs := float64(sts.Count()) / float64(b.N)
	added := time.Duration((idpReqs + stsReqs) * float64(latency))
	b.ReportMetric(idpReqs, "idp-requests/op")
	b.ReportMetric(stsReqs, "sts-requests/op")
	b.ReportMetric(float64(elapsed)/float64(b.N)/float64(added), "overhead-ratio")
}

// BenchmarkEnvChained measures what a chained profile adds to `samlogin env`:
// "direct" reads a profile's valid keys from ~/.aws/credentials; "chained"
// reads the same keys as a chained profile's source and calls the test
// AssumeRole STS on loopback (no added latency) with them.
func BenchmarkEnvChained(b *testing.B) {
	role := ststest.NewRoleSTS(b, nil)
	env, _, errb := testEnv(b, "", map[string]string{})
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	writeHome(b, env.Home, "[profile src]\nsamlogin_role_arn = arn:aws:iam::123456789012:role/Admin\nregion = eu-west-1\n\n"+
		"[profile chain]\nrole_arn = arn:aws:iam::210987654321:role/Deploy\nsource_profile = src\nrole_session_name = bench\n",
		"[src]\naws_access_key_id = ASIASRC\naws_secret_access_key = secret\naws_session_token = token\nx_security_token_expires = "+exp+"\n")
	for _, bc := range []struct{ name, profile string }{{"direct", "src"}, {"chained", "chain"}} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if code := run(context.Background(), []string{"env", "-p", bc.profile, "--format", "json", "--sts-endpoint", role.URL()}, env); code != 0 {
					b.Fatalf("exit %d: %s", code, errb)
				}
			}
		})
	}
}

func writeHome(t testing.TB, home, config, credentials string) {
	t.Helper()
	dir := filepath.Join(home, ".aws")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"config": config, "credentials": credentials} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
