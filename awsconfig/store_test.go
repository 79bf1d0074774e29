package awsconfig_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/internal/secret"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// storeFixture is a home with a file profile (file), a credential_process
// profile (cp) and a chained profile (chain) whose source is file, all for
// the same IdP, user and role; and a profile from a saved assertion (saved).
func storeFixture(t *testing.T, now time.Time) *awsconfig.Store {
	t.Helper()
	dir := testtmp.Dir(t)
	cfg := `[profile file]
samlogin_adfs_host = adfs.example.test
samlogin_username = CORP\bob
samlogin_role_arn = arn:aws:iam::123456789012:role/Admin
region = eu-west-1

[profile cp]
samlogin_adfs_host = adfs.example.test
samlogin_username = corp\BOB
samlogin_role_arn = arn:aws:iam::123456789012:role/Admin
credential_process = samlogin credential-process --profile cp

[profile chain]
role_arn = arn:aws:iam::210987654321:role/Deploy
source_profile = file
role_session_name = bob

[profile saved]
samlogin_role_arn = arn:aws:iam::123456789012:role/Dev
`
	creds := "[file]\naws_access_key_id = ASIAFILE\naws_secret_access_key = s\naws_session_token = t\n" +
		"x_security_token_expires = " + now.Add(time.Hour).UTC().Format(time.RFC3339) + "\n" +
		"[saved]\naws_access_key_id = ASIASAVED\naws_secret_access_key = s\naws_session_token = t\n" +
		"x_security_token_expires = " + now.Add(-time.Hour).UTC().Format(time.RFC3339) + "\n" +
		"x_principal_arn = arn:aws:sts::123456789012:assumed-role/Dev/bob\n"
	p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	for path, data := range map[string]string{p.Config: cfg, p.Credentials: creds} {
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return &awsconfig.Store{Paths: p, Cache: &awsconfig.CredentialCache{Dir: filepath.Join(dir, "cache"), Now: func() time.Time { return now }}}
}

func TestStoreProfile(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	s := storeFixture(t, now)
	admin := awsconfig.Identity{IdP: "adfs.example.test", Username: `CORP\bob`, RoleARN: "arn:aws:iam::123456789012:role/Admin", Partition: "aws"}
	for _, tc := range []struct {
		name    string
		source  awsconfig.Source
		key     string // the access key id of its credentials, "" for none
		valid   bool
		signIn  bool
		managed bool
	}{
		{"file", awsconfig.SourceFile, "ASIAFILE", true, true, true},
		{"cp", awsconfig.SourceProcess, "", false, true, true}, // nothing cached yet
		{"chain", awsconfig.SourceChain, "", false, false, false},
		{"saved", awsconfig.SourceFile, "ASIASAVED", false, false, true},
		{"nobody", awsconfig.SourceNone, "", false, false, false},
	} {
		p, err := s.Profile(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if p.Credentials != nil {
			got = p.Credentials.AccessKeyID
		}
		if p.Source != tc.source || got != tc.key || p.ValidFor(now, 10*time.Minute) != tc.valid ||
			p.CanSignIn() != tc.signIn || p.Managed != tc.managed || p.Exists != (tc.name != "nobody") {
			t.Errorf("%s: source %s, key %q, valid %v, can sign in %v, managed %v, exists %v", tc.name, p.Source, got,
				p.ValidFor(now, 10*time.Minute), p.CanSignIn(), p.Managed, p.Exists)
		}
	}
	if p, _ := s.Profile("file"); p.Identity != admin || p.Region != "eu-west-1" || len(p.Chains) != 1 || p.Chains[0].Name != "chain" {
		t.Errorf("file: identity %+v, region %q, chains %+v", p.Identity, p.Region, p.Chains)
	}
	if p, _ := s.Profile("chain"); p.SourceProfile != "file" || p.RoleARN != "arn:aws:iam::210987654321:role/Deploy" || p.RoleSessionName != "bob" {
		t.Errorf("chain: %+v", p)
	}
	// The role of a saved-assertion profile; no IdP: it cannot sign in.
	if p, _ := s.Profile("saved"); p.Identity.RoleARN != "arn:aws:iam::123456789012:role/Dev" || p.Identity.IdP != "" {
		t.Errorf("saved: %+v", p.Identity)
	}

	// The file profile's valid keys serve the same identity (user name in
	// another case, IdP as a URL), not another role.
	if c, from := s.FindValid(awsconfig.Identity{IdP: "https://ADFS.example.test/", Username: `corp\bob`, RoleARN: admin.RoleARN}, 10*time.Minute); c == nil || c.AccessKeyID != "ASIAFILE" || from != "profile file" {
		t.Errorf("FindValid: %v from %q", c, from)
	}
	if c, _ := s.FindValid(awsconfig.Identity{IdP: admin.IdP, Username: admin.Username, RoleARN: "arn:aws:iam::123456789012:role/Other"}, 10*time.Minute); c != nil {
		t.Errorf("FindValid for another role: %v", c)
	}
	if c, _ := s.FindValid(admin, 2*time.Hour); c != nil {
		t.Errorf("FindValid beyond the margin: %v", c)
	}
}

func TestStoreSharedCacheEntry(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	s := storeFixture(t, now)
	cp, _ := s.Profile("cp")
	k := cp.CacheKey()
	if err := s.Cache.Store(k, &awsconfig.Credentials{AccessKeyID: "ASIACACHE", SecretAccessKey: secret.New("s"), SessionToken: secret.New("t"), Expiration: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// No list yet: every profile of the identity may use it.
	if cp, _ = s.Profile("cp"); cp.Credentials == nil || cp.Credentials.AccessKeyID != "ASIACACHE" || !cp.ValidFor(now, time.Minute) {
		t.Fatalf("cp: %+v", cp.Credentials)
	}
	for _, name := range []string{"cp", "other"} {
		if err := s.Grant(k, name); err != nil {
			t.Fatal(err)
		}
	}
	if !s.Granted(k, "cp") || s.Granted(k, "third") {
		t.Error("Granted")
	}
	// cp signs out: the entry stays for other, cp holds nothing.
	removed, others, err := s.Release(k, "cp")
	if err != nil || removed || len(others) != 1 || others[0] != "other" {
		t.Fatalf("Release cp: removed %v, others %v, %v", removed, others, err)
	}
	if cp, _ = s.Profile("cp"); cp.Credentials != nil || s.Cache.Load(k) == nil {
		t.Errorf("after release: cp %+v, entry %v", cp.Credentials, s.Cache.Load(k))
	}
	// The last one out removes it.
	if removed, others, err = s.Release(k, "other"); err != nil || !removed || len(others) != 0 || s.Cache.Load(k) != nil {
		t.Errorf("Release other: removed %v, others %v, %v", removed, others, err)
	}
}
