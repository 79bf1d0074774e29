package awsconfig_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/samlogin/samlogin/awsconfig"

	"github.com/samlogin/samlogin/internal/testtmp"
)

func writeFiles(t *testing.T, config, creds string) awsconfig.Paths {
	t.Helper()
	dir := testtmp.Dir(t)
	p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	for path, s := range map[string]string{p.Config: config, p.Credentials: creds} {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

const manageConfig = "# mine\r\n[profile p]\r\nregion = eu-west-1\r\nsamlogin_role_arn = arn:aws:iam::123456789012:role/Admin\r\nsamlogin_chains = c=arn:aws:iam::210987654321:role/C,gone=arn:aws:iam::1:role/G\r\n\r\n" +
	"[profile c]\r\nrole_arn = arn:aws:iam::210987654321:role/C\r\nsource_profile = p\r\nregion = eu-west-1\r\n\r\n" +
	"[profile changed]\r\nrole_arn = arn:aws:iam::210987654321:role/Other\r\nsource_profile = p\r\n\r\n" +
	"[profile c2]\r\nrole_arn = arn:aws:iam::210987654321:role/C\r\nsource_profile = p\r\nregion = us-east-1\r\nmfa_serial = x\r\n"

const manageCreds = "[p]\r\naws_access_key_id = ASIA1\r\naws_secret_access_key = s\r\naws_session_token = t\r\nx_security_token_expires = 2026-11-21T10:00:00Z\r\nx_principal_arn = arn:aws:sts::123456789012:assumed-role/Admin/bob\r\n\r\n" +
	"[other]\r\naws_access_key_id = AKIAKEEP\r\naws_secret_access_key = keep\r\n"

func TestStoreProfiles(t *testing.T) {
	p := writeFiles(t, manageConfig, manageCreds)
	s := &awsconfig.Store{Paths: p, Cache: &awsconfig.CredentialCache{Dir: testtmp.Dir(t)}}
	ps, err := s.Profiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Fatalf("%d managed profiles, want 1: %+v", len(ps), ps)
	}
	got := ps[0]
	want := &awsconfig.Profile{
		Name:    "p",
		Exists:  true,
		Managed: true,
		Settings: map[string]string{
			"samlogin_role_arn": "arn:aws:iam::123456789012:role/Admin",
			"samlogin_chains":   "c=arn:aws:iam::210987654321:role/C,gone=arn:aws:iam::1:role/G",
			"region":            "eu-west-1",
		},
		Region: "eu-west-1",
		Source: awsconfig.SourceFile,
		Credentials: &awsconfig.Credentials{
			AccessKeyID:    "ASIA1",
			Expiration:     time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC),
			AssumedRoleARN: "arn:aws:sts::123456789012:assumed-role/Admin/bob",
		},
		Identity: awsconfig.Identity{RoleARN: "arn:aws:iam::123456789012:role/Admin", Partition: "aws"},
		Chains: []awsconfig.ChainedProfile{
			{Name: "c", RoleARN: "arn:aws:iam::210987654321:role/C", Recorded: true},
			{Name: "changed", RoleARN: "arn:aws:iam::210987654321:role/Other"},
			{Name: "c2", RoleARN: "arn:aws:iam::210987654321:role/C"},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(awsconfig.Credentials{}, "SecretAccessKey", "SessionToken")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got.Credentials.SecretAccessKey.Reveal() != "s" || got.Credentials.SessionToken.Reveal() != "t" {
		t.Errorf("secret key or token not read")
	}
}

func TestLogout(t *testing.T) {
	for name, tc := range map[string]struct {
		in         awsconfig.LogoutInput
		wantConfig string
		wantCreds  string
		want       []awsconfig.LogoutResult
		wantErr    error
	}{
		"credentials only": {
			in:         awsconfig.LogoutInput{Profiles: []string{"p"}},
			wantConfig: manageConfig,
			wantCreds:  "[other]\r\naws_access_key_id = AKIAKEEP\r\naws_secret_access_key = keep\r\n",
			want:       []awsconfig.LogoutResult{{Profile: "p", Credentials: true, Sections: []string{"credentials: p"}}},
		},
		"forget": {
			in: awsconfig.LogoutInput{Profiles: []string{"p"}, Forget: true},
			// c goes (recorded, same role, region equal to p's); changed (other
			// role) and c2 (not recorded under that name) stay; p keeps region.
			wantConfig: "# mine\r\n[profile p]\r\nregion = eu-west-1\r\n\r\n" +
				"[profile changed]\r\nrole_arn = arn:aws:iam::210987654321:role/Other\r\nsource_profile = p\r\n\r\n" +
				"[profile c2]\r\nrole_arn = arn:aws:iam::210987654321:role/C\r\nsource_profile = p\r\nregion = us-east-1\r\nmfa_serial = x\r\n",
			wantCreds: "[other]\r\naws_access_key_id = AKIAKEEP\r\naws_secret_access_key = keep\r\n",
			want: []awsconfig.LogoutResult{{Profile: "p", Credentials: true,
				Settings: []string{"samlogin_role_arn", "samlogin_chains"}, Chains: []string{"c"},
				Sections: []string{"credentials: p", "config: profile c"}}},
		},
		"all": {
			in:         awsconfig.LogoutInput{All: true},
			wantConfig: manageConfig,
			wantCreds:  "[other]\r\naws_access_key_id = AKIAKEEP\r\naws_secret_access_key = keep\r\n",
			want:       []awsconfig.LogoutResult{{Profile: "p", Credentials: true, Sections: []string{"credentials: p"}}},
		},
		"not managed": {
			in:         awsconfig.LogoutInput{Profiles: []string{"p", "other"}},
			wantConfig: manageConfig,
			wantCreds:  manageCreds,
			wantErr:    awsconfig.ErrNotManaged,
		},
		"chain is not managed": {
			in:         awsconfig.LogoutInput{Profiles: []string{"c"}, Forget: true},
			wantConfig: manageConfig,
			wantCreds:  manageCreds,
			wantErr:    awsconfig.ErrNotManaged,
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := writeFiles(t, manageConfig, manageCreds)
			got, err := awsconfig.Logout(context.Background(), p, tc.in)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			for path, want := range map[string]string{p.Config: tc.wantConfig, p.Credentials: tc.wantCreds} {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, string(b)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", filepath.Base(path), diff)
				}
			}
		})
	}
}

func TestLogoutKeepsUserKeys(t *testing.T) {
	// A key of the user's in the credentials section keeps the section.
	p := writeFiles(t, "[profile p]\nsamlogin_role_arn = arn:aws:iam::1:role/R\n",
		"[p]\n# note\naws_access_key_id = ASIA1\nregion = x\naws_session_token = t\n")
	if _, err := awsconfig.Logout(context.Background(), p, awsconfig.LogoutInput{Profiles: []string{"p"}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p.Credentials)
	if got, want := string(b), "[p]\n# note\nregion = x\n"; got != want {
		t.Errorf("credentials = %q, want %q", got, want)
	}
}
