package adfs_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

// BenchmarkADFSLogin50ms signs in (forms, no MFA) at an ADFS 2016 that
// takes 50ms to answer each request. It reports the IdP requests per
// sign-in and the wall time per sign-in divided by the latency the server
// added (1.00 = no overhead at all).
//
//   - tls-new-client: a new HTTP client per sign-in (connection, TLS
//     handshake, cookie jar, CA bundle read), as one samlogin run has;
//   - tls-warm-client: one client for all sign-ins (the driver's own cost);
//   - http-new-client: plain http to loopback, no TLS.
func BenchmarkADFSLogin50ms(b *testing.B) {
	for _, bc := range []struct {
		name      string
		tls, warm bool
	}{
		{"tls-new-client", true, false},
		{"tls-warm-client", true, true},
		{"http-new-client", false, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			const latency = 50 * time.Millisecond
			srv := idptest.NewADFS(b, idptest.ADFSOptions{Users: users, Latency: latency, TLS: bc.tls})
			ho, host := idp.HTTPOptions{}, srv.URL()
			if bc.tls {
				ho.CABundle, host = srv.CACertFile(), srv.Host()
			}
			newDriver := func(client *http.Client) *adfs.Driver {
				d, err := adfs.New(adfs.Config{Host: host}, idp.Deps{Client: client, Log: slog.New(slog.DiscardHandler)})
				if err != nil {
					b.Fatal(err)
				}
				return d
			}
			warm, err := idp.NewHTTPClient(ho)
			if err != nil {
				b.Fatal(err)
			}
			in := idp.LoginInput{Username: alice, Password: secret.New(alicePW)}
			before := srv.Count()
			start := time.Now()
			for b.Loop() {
				client := warm
				if !bc.warm {
					if client, err = idp.NewHTTPClient(ho); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := newDriver(client).Login(context.Background(), in); err != nil {
					b.Fatal(err)
				}
				if !bc.warm {
					client.CloseIdleConnections()
				}
			}
			elapsed := time.Since(start)
			requests := srv.Count() - before
			b.ReportMetric(float64(requests)/float64(b.N), "requests/login")
			b.ReportMetric(float64(elapsed)/float64(time.Duration(requests)*latency), "overhead-ratio")
		})
	}
}
