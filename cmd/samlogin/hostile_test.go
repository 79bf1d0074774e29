package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/idp/idptest"
)

// startHostile starts the hostile IdP pair of idptest (an IdP on 127.0.0.1,
// another site on 127.0.0.2) for the scripts: $HOSTILE_URL is the IdP's
// base URL, $HOSTILE_ADFS its host:port (for --adfs-host http://...), and
// $EVIL_HOST the other site's host. It returns the script command
//
//	hostile reset    forget what both servers got
//	hostile log      print one line per request they got (server, method,
//	                 path, query, body), so that a script checks with
//	                 ! stdout SECRET that no secret went where it must not
func startHostile(t *testing.T) (map[string]string, func(ts *testscript.TestScript, neg bool, args []string)) {
	h := idptest.NewHostile(t, idptest.HostileOptions{SAMLResponse: freshAssertion})
	vars := map[string]string{
		"HOSTILE_URL":  h.IdPURL(""),
		"HOSTILE_ADFS": h.IdPHost(),
		"EVIL_HOST":    h.EvilHost(),
	}
	return vars, func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: hostile reset|log")
		}
		switch args[0] {
		case "reset":
			h.Reset()
		case "log":
			for _, r := range h.Requests() {
				ts.Stdout().Write([]byte(r.String() + "\n"))
			}
		default:
			ts.Fatalf("usage: hostile reset|log")
		}
	}
}

// nosecret DIR SECRET... fails when a file under DIR holds one of the
// secrets (the credentials file and the caches included: a script that
// expects keys there leaves their secrets out of the list).
func cmdNoSecret(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: nosecret DIR SECRET...")
	}
	root := ts.MkAbs(args[0])
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range args[1:] {
			if bytes.Contains(b, []byte(s)) {
				ts.Fatalf("%s holds %q", path, s)
			}
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		ts.Fatalf("nosecret: %v", err)
	}
}
