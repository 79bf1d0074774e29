package main

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"testing"

	"github.com/samlogin/samlogin/internal/browsertest"
)

// pemSPKI is the key hash of the first certificate of a PEM file, for the
// test browser to trust a test server (browsertest.Options.TrustSPKI).
func pemSPKI(tb testing.TB, file string) string {
	tb.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		tb.Fatalf("%s: no PEM", file)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return browsertest.SPKI(c.RawSubjectPublicKeyInfo)
}
