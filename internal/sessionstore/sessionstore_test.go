package sessionstore

import (
	"errors"
	"github.com/samlogin/samlogin/internal/testtmp"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/keychain"
)

func TestFile(t *testing.T) {
	now := time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)
	dir := testtmp.Dir(t)
	f := &File{Dir: filepath.Join(dir, "samlogin"), Now: func() time.Time { return now }}
	alice := Key{IdP: "sts.corp.example.com", Username: `CORP\alice`}
	bob := Key{IdP: "sts.corp.example.com", Username: `CORP\bob`}
	other := Key{IdP: "sts.other.example.com", Username: `CORP\alice`}
	cookies := []idp.KeptCookie{
		{Name: "MSISAuth", Value: "v1", Domain: "sts.corp.example.com", HostOnly: true, Path: "/adfs", Secure: true, Expires: now.Add(time.Hour)},
		{Name: "old", Value: "v2", Domain: "sts.corp.example.com", Path: "/", Expires: now.Add(-time.Second)},
	}
	if _, err := f.Load(alice); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load of nothing: %v", err)
	}
	if err := f.Save(alice, &Session{Cookies: cookies}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(f.Path(alice))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if filepath.Dir(f.Path(alice)) != filepath.Join(f.Dir, "sessions") {
		t.Errorf("path %s", f.Path(alice))
	}
	s, err := f.Load(Key{IdP: alice.IdP, Username: `corp\ALICE`}) // user names compare case-insensitively
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Cookies) != 1 || s.Cookies[0].Name != "MSISAuth" || s.Cookies[0].Value != "v1" || !s.Until().Equal(now.Add(time.Hour)) {
		t.Errorf("loaded %+v", s)
	}
	for _, k := range []Key{bob, other} {
		if _, err := f.Load(k); !errors.Is(err, ErrNotFound) {
			t.Errorf("Load(%v) = %v, want ErrNotFound (keyed by IdP and user)", k, err)
		}
	}
	// Expired: not found, and the file is gone.
	now = now.Add(2 * time.Hour)
	if _, err := f.Load(alice); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load after expiry: %v", err)
	}
	if _, err := os.Stat(f.Path(alice)); !os.IsNotExist(err) {
		t.Errorf("expired session file left: %v", err)
	}
	// Nothing valid to save removes the file; Delete of nothing is fine.
	if err := f.Save(bob, &Session{Cookies: cookies}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.Path(bob)); !os.IsNotExist(err) {
		t.Errorf("a session with no valid cookie written: %v", err)
	}
	if err := f.Delete(bob); err != nil {
		t.Error(err)
	}
	// A file others can read is refused and removed.
	if runtime.GOOS != "windows" {
		now = now.Add(-2 * time.Hour)
		if err := f.Save(alice, &Session{Cookies: cookies}); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(f.Path(alice), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Load(alice); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Load of a 0644 file: %v", err)
		}
		if _, err := os.Stat(f.Path(alice)); !os.IsNotExist(err) {
			t.Errorf("0644 session file left: %v", err)
		}
	}
}

func TestKeychain(t *testing.T) {
	now := time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)
	m := &keychain.Memory{}
	c := &Keychain{Store: m, Now: func() time.Time { return now }}
	k := Key{IdP: "idp.example.com", Username: "alice"}
	if _, err := c.Load(k); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load of nothing: %v", err)
	}
	if err := c.Save(k, &Session{Cookies: []idp.KeptCookie{{Name: "s", Value: "v", Domain: "idp.example.com", Path: "/", Expires: now.Add(time.Minute)}}}); err != nil {
		t.Fatal(err)
	}
	if ks := m.Keys(); len(ks) != 1 || ks[0] != (keychain.Key{Kind: keychain.KindSession, IdP: k.IdP, Username: k.Username}) {
		t.Fatalf("keychain holds %v", ks)
	}
	if s, err := c.Load(k); err != nil || len(s.Cookies) != 1 || s.Cookies[0].Value != "v" {
		t.Fatalf("Load: %+v, %v", s, err)
	}
	now = now.Add(time.Hour)
	if _, err := c.Load(k); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load after expiry: %v", err)
	}
	if err := c.Delete(k); err != nil || len(m.Keys()) != 0 {
		t.Fatalf("Delete: %v, %v left", err, m.Keys())
	}
	m.Err = keychain.ErrUnavailable
	if _, err := c.Load(k); !errors.Is(err, keychain.ErrUnavailable) {
		t.Errorf("Load from a locked keychain: %v, want ErrUnavailable", err)
	}
}
