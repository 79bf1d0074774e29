package kerberos

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/internal/testtmp"
)

func TestOpenNoTicket(t *testing.T) {
	dir := testtmp.Dir(t)
	empty := filepath.Join(dir, "empty")
	garbage := filepath.Join(dir, "garbage")
	conf := filepath.Join(dir, "krb5.conf")
	for p, b := range map[string]string{empty: "", garbage: "\x05\x04\x00\x0c\x00\x01", conf: "[libdefaults]\n default_realm = CORP.EXAMPLE.COM\n"} {
		if err := os.WriteFile(p, []byte(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ name, cc, why string }{
		{"missing", "FILE:" + filepath.Join(dir, "none"), "no ticket cache"},
		{"empty file (gokrb5 panics on it)", empty, "is empty"},
		{"truncated file", garbage, "ticket cache"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Open(Options{CCache: tc.cc, Config: conf})
			if !errors.Is(err, ErrNoTicket) {
				t.Fatalf("err = %v, want ErrNoTicket", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "no Kerberos ticket for CORP.EXAMPLE.COM") || !strings.Contains(msg, tc.why) ||
				!strings.HasSuffix(msg, ": run kinit, or drop --kerberos to use the forms page") || strings.Contains(msg, "\n") {
				t.Errorf("err = %q", msg)
			}
		})
	}
}

func TestCCacheTypes(t *testing.T) {
	for in, want := range map[string]string{"FILE:/tmp/krb5cc_1": "/tmp/krb5cc_1", "/tmp/x": "/tmp/x", `C:\Users\a\krb5cc`: `C:\Users\a\krb5cc`} {
		if got, err := ccachePath(in); err != nil || got != want {
			t.Errorf("ccachePath(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"KCM:1000", "API:abc", "KEYRING:persistent:1000", "DIR:/tmp/d", "MEMORY:x"} {
		if _, err := ccachePath(in); err == nil || !strings.Contains(err.Error(), "not supported") {
			t.Errorf("ccachePath(%q) err = %v", in, err)
		}
	}
}
