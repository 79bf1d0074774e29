package nettrust_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samlogin/samlogin/internal/nettrust"
)

// testCA is a CA and a server certificate it signed for 127.0.0.1.
type testCA struct {
	pem  []byte // the CA certificate
	leaf tls.Certificate
}

func newTestCA(t *testing.T, name string) testCA {
	t.Helper()
	ca, err := makeTestCA(name)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func makeTestCA(name string) (testCA, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return testCA{}, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return testCA{}, err
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: name + " server"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return testCA{}, err
	}
	return testCA{pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		leaf: tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: key}}, nil
}

func (c testCA) server(t *testing.T) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{c.leaf}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// systemCA is the CA that this test binary's "system" roots hold: TestMain
// points SSL_CERT_FILE at it (and SSL_CERT_DIR at an empty folder) before
// anything loads the system pool.
var systemCA testCA

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nettrust")
	if err != nil {
		panic(err)
	}
	if systemCA, err = makeTestCA("system root"); err != nil {
		panic(err)
	}
	file := filepath.Join(dir, "system.pem")
	if err := os.WriteFile(file, systemCA.pem, 0o600); err != nil {
		panic(err)
	}
	os.Setenv("SSL_CERT_FILE", file)
	os.Setenv("SSL_CERT_DIR", dir+"/none")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestCertPoolAddsToSystemRoots: with a CA bundle, a server signed by a
// system root and one signed by the bundle's CA are both trusted; a pool
// of the bundle alone (what "replacing" would be) trusts only the second.
func TestCertPoolAddsToSystemRoots(t *testing.T) {
	private := newTestCA(t, "private CA")
	bundle := filepath.Join(t.TempDir(), "bundle.pem")
	if err := os.WriteFile(bundle, private.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	pool, err := nettrust.CertPool(bundle)
	if err != nil {
		t.Fatal(err)
	}
	get := func(pool *x509.CertPool, url string) error {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	sysSrv, privSrv := systemCA.server(t), private.server(t)
	if err := get(pool, sysSrv.URL); err != nil {
		t.Errorf("server signed by a system root: %v", err)
	}
	if err := get(pool, privSrv.URL); err != nil {
		t.Errorf("server signed by the bundle's CA: %v", err)
	}
	// The test can fail: without the bundle, the private server is
	// refused, and a bundle-only pool refuses the system-rooted one.
	if err := get(nil, privSrv.URL); err == nil {
		t.Error("system pool alone trusts the private CA: the test proves nothing")
	}
	only := x509.NewCertPool()
	only.AppendCertsFromPEM(private.pem)
	if err := get(only, sysSrv.URL); err == nil {
		t.Error("bundle-only pool trusts the system root: the test proves nothing")
	}
}
