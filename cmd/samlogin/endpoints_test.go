package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"

	"github.com/samlogin/samlogin/internal/testtmp"
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
	ca := filepath.Join(testtmp.Dir(t), "sts-ca.pem")
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

// TestSTSOverride: flag (or its SAMLOGIN_ twin) > AWS_ENDPOINT_URL_STS >
// AWS_ENDPOINT_URL > the profile's stored setting > AWS's own, each named.
func TestSTSOverride(t *testing.T) {
	vars := map[string]string{"AWS_ENDPOINT_URL_STS": "https://sts.example", "AWS_ENDPOINT_URL": "https://all.example"}
	envWith := func(m map[string]string, fromEnv map[string]string) *Env {
		return &Env{Getenv: func(k string) string { return m[k] }, fromEnv: fromEnv}
	}
	for _, tc := range []struct {
		name  string
		env   *Env
		given bool
		value string
		want  string
	}{
		{"flag", envWith(vars, nil), true, "https://flag.example", "STS: https://flag.example from --sts-endpoint"},
		{"flag's variable", envWith(vars, map[string]string{"sts-endpoint": "SAMLOGIN_STS_ENDPOINT"}), true, "https://v.example",
			"STS: https://v.example from SAMLOGIN_STS_ENDPOINT"},
		{"AWS_ENDPOINT_URL_STS over stored", envWith(vars, nil), false, "https://stored.example", "STS: https://sts.example from AWS_ENDPOINT_URL_STS"},
		{"AWS_ENDPOINT_URL", envWith(map[string]string{"AWS_ENDPOINT_URL": "https://all.example"}, nil), false, "", "STS: https://all.example from AWS_ENDPOINT_URL"},
		{"stored", envWith(nil, nil), false, "https://stored.example", "STS: https://stored.example from profile prod's samlogin_sts_endpoint"},
		{"AWS's own", envWith(nil, nil), false, "", ""},
	} {
		got := stsOverride(tc.env, tc.given, tc.value, "prod")
		if s := got.String(); (tc.want == "" && got.set()) || (tc.want != "" && s != tc.want) {
			t.Errorf("%s: %q (set %v), want %q", tc.name, s, got.set(), tc.want)
		}
	}
}

func TestCheckOverride(t *testing.T) {
	for url, want := range map[string]string{
		"https://sts.example.com":     "",
		"http://127.0.0.1:5000":       "",
		"http://[::1]:5000":           "",
		"http://localhost:4566":       "",
		"http://sts.example.com":      "STS endpoint http://sts.example.com from X is plain http to another machine: use https",
		"http://169.254.169.254/":     "is plain http to another machine",
		"ftp://sts.example.com":       "is not a URL",
		"sts.eu-west-1.amazonaws.com": "is not a URL",
	} {
		err := checkOverride(override{what: "STS", url: url, from: "X"})
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", url, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) || exitCode(err) != exitUsage {
			t.Errorf("%s: %v (exit %d), want a usage error with %q", url, err, exitCode(err), want)
		}
	}
	if err := checkOverride(override{}); err != nil {
		t.Errorf("AWS's own endpoint: %v", err)
	}
	// A password in the URL is never printed.
	o := override{what: "STS", url: "http://me:hunter2@sts.example.com", from: "X"}
	if err := checkOverride(o); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("refusal shows the password: %v", err)
	}
	o.url = "https://me:hunter2@proxy.example.com"
	if s := o.String(); strings.Contains(s, "hunter2") || !strings.Contains(s, "proxy.example.com") {
		t.Errorf("summary shows %q", s)
	}
}
