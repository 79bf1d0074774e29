package main

import (
	"context"
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
