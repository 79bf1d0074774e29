package samlcache_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig/samlcache"
	"github.com/samlogin/samlogin/internal/secret"

	"github.com/samlogin/samlogin/internal/testtmp"
)

func TestCache(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	dir := filepath.Join(testtmp.Dir(t), "samlogin")
	c := &samlcache.Cache{Dir: dir, Now: func() time.Time { return now }}
	alice := samlcache.Key("adfs.example.com|urn:amazon:webservices", `CORP\alice`)
	if _, ok := c.Get(alice); ok {
		t.Fatal("empty cache returned an entry")
	}
	// Valid 5 minutes from now: kept until NotOnOrAfter - 30 s.
	if err := c.Put(alice, secret.New("PHNhbWw+"), now.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Get(samlcache.Key("adfs.example.com|urn:amazon:webservices", `corp\ALICE`)); !ok || got.Reveal() != "PHNhbWw+" {
		t.Errorf("Get = %v, %v", got.Reveal(), ok)
	}
	if _, ok := c.Get(samlcache.Key("adfs.example.com|urn:amazon:webservices", `CORP\bob`)); ok {
		t.Error("bob got alice's assertion")
	}
	if _, ok := c.Get(samlcache.Key("other.example.com|urn:amazon:webservices", `CORP\alice`)); ok {
		t.Error("another IdP got alice's assertion")
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 1 {
		t.Fatalf("files: %v", files)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, filepath.Join(dir, files[0].Name()): 0o600} {
		if fi, err := os.Stat(path); err != nil || unixModes && fi.Mode() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode(), err, want)
		}
	}
	if strings.Contains(files[0].Name(), "alice") {
		t.Errorf("file name shows the user: %s", files[0].Name())
	}
	now = now.Add(4*time.Minute + 29*time.Second)
	if _, ok := c.Get(alice); !ok {
		t.Error("gone 31 s before NotOnOrAfter")
	}
	now = now.Add(time.Second)
	if _, ok := c.Get(alice); ok {
		t.Error("returned 30 s before NotOnOrAfter")
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("stale entry not removed: %v", files)
	}
}

func TestCacheMaxAge(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	c := &samlcache.Cache{Dir: testtmp.Dir(t), Now: func() time.Time { return now }}
	// An IdP that issues hour-long assertions: kept 5 minutes only.
	if err := c.Put("k", secret.New("x"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	now = now.Add(5*time.Minute - time.Second)
	if _, ok := c.Get("k"); !ok {
		t.Error("gone before 5 minutes")
	}
	now = now.Add(time.Second)
	if _, ok := c.Get("k"); ok {
		t.Error("kept 5 minutes")
	}
	// No NotOnOrAfter: 5 minutes too.
	if err := c.Put("k", secret.New("x"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("k"); !ok {
		t.Error("assertion without NotOnOrAfter not kept")
	}
	// Nearly expired: not written, and the older entry goes.
	if err := c.Put("k", secret.New("x"), now.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("k"); ok {
		t.Error("a nearly expired assertion was kept")
	}
}

func TestCacheDamaged(t *testing.T) {
	c := &samlcache.Cache{Dir: testtmp.Dir(t)}
	if err := c.Put("k", secret.New("x"), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(c.Dir)
	if err := os.WriteFile(filepath.Join(c.Dir, files[0].Name()), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("k"); ok {
		t.Error("damaged entry returned")
	}
	if err := c.Delete("k"); err != nil {
		t.Errorf("delete a missing entry: %v", err)
	}
}
