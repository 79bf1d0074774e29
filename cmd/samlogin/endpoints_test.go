package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"
)

// TestEndpointScripts runs testdata/endpoints: where the assertion and the
// keys may go. Peers: the strict test STS over plain http ($STS_URL) and
// over TLS with its own certificate ($STS_TLS_URL, trusted through
// $STS_CA), a test ADFS ($ADFS_HOST, $ADFS_CA), a test federation endpoint
// ($FEDERATION_URL), and a trap ($TRAP_URL) that counts every request it
// gets: the scripts make it the proxy (HTTP_PROXY, HTTPS_PROXY), so a
// request to any host that is not this machine lands there (trapped N).
func TestEndpointScripts(t *testing.T) {
	sts := ststest.New(t, ststest.Options{})
	stsTLS := ststest.New(t, ststest.Options{TLS: true})
	ca := filepath.Join(t.TempDir(), "sts-ca.pem")
	if err := os.WriteFile(ca, stsTLS.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	adfs := idptest.NewADFS(t, idptest.ADFSOptions{Users: adfsUsers, SAMLResponse: freshAssertion, TLS: true})
	fed := ststest.NewFederation(t)
	var trapped atomic.Int32
	trap := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		trapped.Add(1)
		http.Error(w, "trapped", http.StatusForbidden)
	}))
	t.Cleanup(trap.Close)

	params := scriptParams("testdata/endpoints", map[string]string{
		"STS_URL":        sts.URL(),
		"STS_TLS_URL":    stsTLS.URL(),
		"STS_CA":         ca,
		"ADFS_HOST":      adfs.Host(),
		"ADFS_CA":        adfs.CACertFile(),
		"FEDERATION_URL": fed.URL(),
		"TRAP_URL":       trap.URL,
		"ALICE_PASSWORD": adfsUsers[`CORP\alice`],
	})
	params.Setup = withSetup(params.Setup, func(e *testscript.Env) error {
		e.Setenv("SAMLOGIN_NO_CACHE", "1")
		return nil
	})
	counters := map[string]func() int{
		"trapped":   func() int { return int(trapped.Load()) },
		"stscalls":  sts.Count,
		"tlscalls":  stsTLS.Count,
		"adfscalls": adfs.Count,
		"fedcalls":  func() int { return len(fed.Requests()) },
	}
	for name, count := range counters {
		// NAME N: the peer has received N requests so far.
		params.Cmds[name] = func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 1 {
				ts.Fatalf("usage: %s N", name)
			}
			want, err := strconv.Atoi(args[0])
			ts.Check(err)
			if got := count(); got != want {
				ts.Fatalf("%s: %d requests, want %d", name, got, want)
			}
		}
	}
	testscript.Run(t, params)
}
