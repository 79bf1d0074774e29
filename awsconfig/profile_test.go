package awsconfig_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/ini"
	"github.com/samlogin/samlogin/internal/secret"

	"github.com/samlogin/samlogin/internal/testtmp"
)

func TestConfigSection(t *testing.T) {
	if got := awsconfig.ConfigSection("default"); got != "default" {
		t.Errorf("default: %q", got)
	}
	if got := awsconfig.ConfigSection("dev"); got != "profile dev" {
		t.Errorf("dev: %q", got)
	}
}

// goldenInputs returns the config and credentials files of each case in the
// ini golden corpus: the hard existing files WriteProfile must not disturb.
func goldenInputs(t *testing.T) map[string][2][]byte {
	paths, err := filepath.Glob("ini/testdata/golden/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	out := map[string][2][]byte{}
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var in [2][]byte
		for _, f := range a.Files {
			s := strings.ReplaceAll(string(f.Data), "<CR>", "\r")
			s = strings.TrimSuffix(s, "<NOEOL>\n")
			switch f.Name {
			case "config":
				in[0] = []byte(s)
			case "credentials":
				in[1] = []byte(s)
			}
		}
		out[strings.TrimSuffix(filepath.Base(p), ".txtar")] = in
	}
	return out
}

// clearAWSEnv keeps the environment from changing what the SDK loads.
func clearAWSEnv(t *testing.T) {
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_EC2_METADATA_DISABLED"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestWriteProfileIntoHardFiles(t *testing.T) {
	clearAWSEnv(t)
	for name, in := range goldenInputs(t) {
		t.Run(name, func(t *testing.T) {
			dir := testtmp.Dir(t)
			p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
			if err := os.WriteFile(p.Config, in[0], 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p.Credentials, in[1], 0o600); err != nil {
				t.Fatal(err)
			}
			w := testWrite("samlogin-test")
			if err := awsconfig.WriteProfile(context.Background(), p, w); err != nil {
				t.Fatal(err)
			}
			// The profile is new: every existing byte stays, the new
			// sections come after it.
			first := readFiles(t, p)
			for i, f := range first {
				assertPrefix(t, []string{"config", "credentials"}[i], string(in[i]), f)
			}
			checkSDK(t, p, w)

			// A second write edits the same lines: only lines of keys
			// samlogin owns differ, and there is still one section each.
			w2 := w
			w2.AccessKeyID = "ASIASECOND"
			w2.SessionToken = secret.New("second-token")
			w2.Region = "ap-southeast-2"
			w2.Settings = map[string]string{"samlogin_url": "https://other.example.com"}
			if err := awsconfig.WriteProfile(context.Background(), p, w2); err != nil {
				t.Fatal(err)
			}
			second := readFiles(t, p)
			for i := range first {
				assertOnlyOwnedLinesDiffer(t, first[i], second[i])
			}
			checkSDK(t, p, w2)
			cfg, _ := awsconfig.Read(p.Config)
			creds, _ := awsconfig.Read(p.Credentials)
			if n := strings.Count(string(creds.Bytes()), "[samlogin-test]"); n != 1 {
				t.Errorf("credentials has %d [samlogin-test] sections", n)
			}
			if n := strings.Count(string(cfg.Bytes()), "[profile samlogin-test]"); n != 1 {
				t.Errorf("config has %d [profile samlogin-test] sections", n)
			}
			// Settings merge: a key not in the map stays, an empty value
			// removes it.
			if v, _ := cfg.Get("profile samlogin-test", "samlogin_role_arn"); v != w.Settings["samlogin_role_arn"] {
				t.Errorf("samlogin_role_arn = %q, want it kept", v)
			}
			w2.Settings = map[string]string{"samlogin_role_arn": ""}
			if err := awsconfig.WriteProfile(context.Background(), p, w2); err != nil {
				t.Fatal(err)
			}
			cfg, _ = awsconfig.Read(p.Config)
			if v, ok := cfg.Get("profile samlogin-test", "samlogin_role_arn"); ok {
				t.Errorf("samlogin_role_arn = %q, want it removed", v)
			}
			assertOnlyOwnedLinesDiffer(t, second[0], string(cfg.Bytes()))
		})
	}
}

func readFiles(t *testing.T, p awsconfig.Paths) [2]string {
	t.Helper()
	var out [2]string
	for i, path := range []string{p.Config, p.Credentials} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	return out
}

func assertPrefix(t *testing.T, name, old, now string) {
	t.Helper()
	if !strings.HasPrefix(now, old) {
		t.Errorf("%s: existing bytes changed (-old +new):\n%s", name, cmp.Diff(old, now[:min(len(now), len(old))]))
		return
	}
	if old != "" && !strings.HasSuffix(old, "\n") {
		// A missing final newline is added before the new section.
		if rest := now[len(old):]; !strings.HasPrefix(rest, "\n") && !strings.HasPrefix(rest, "\r\n") {
			t.Errorf("%s: no line break after the old last line", name)
		}
	}
}

var ownedKeys = []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "x_security_token_expires",
	"x_principal_arn", "region", "output", "samlogin_", "role_arn", "source_profile"}

// assertOnlyOwnedLinesDiffer checks that b is a with lines of keys samlogin
// owns changed, removed or added.
func assertOnlyOwnedLinesDiffer(t *testing.T, a, b string) {
	t.Helper()
	strip := func(s string) []string {
		var keep []string
		for _, l := range strings.SplitAfter(s, "\n") {
			owned := false
			for _, k := range ownedKeys {
				if strings.HasPrefix(l, k) {
					owned = true
				}
			}
			if !owned {
				keep = append(keep, l)
			}
		}
		return keep
	}
	if diff := cmp.Diff(strip(a), strip(b)); diff != "" {
		t.Errorf("lines samlogin does not own changed (-before +after):\n%s", diff)
	}
}

// checkSDK loads the written profile with aws-sdk-go-v2 as a program would.
func checkSDK(t *testing.T, p awsconfig.Paths, w awsconfig.ProfileWrite) {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithSharedConfigProfile(w.Profile),
		config.WithSharedConfigFiles([]string{p.Config}),
		config.WithSharedCredentialsFiles([]string{p.Credentials}))
	if err != nil {
		t.Fatalf("sdk: %v", err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatalf("sdk: retrieve: %v", err)
	}
	if creds.AccessKeyID != w.AccessKeyID || creds.SecretAccessKey != w.SecretAccessKey.Reveal() || creds.SessionToken != w.SessionToken.Reveal() {
		t.Errorf("sdk credentials = %s / %q, want %s", creds.AccessKeyID, creds.SessionToken, w.AccessKeyID)
	}
	if cfg.Region != w.Region {
		t.Errorf("sdk region = %q, want %q", cfg.Region, w.Region)
	}
	for _, c := range w.Chains {
		sc, err := config.LoadSharedConfigProfile(ctx, c.Name, func(o *config.LoadSharedConfigOptions) {
			o.ConfigFiles = []string{p.Config}
			o.CredentialsFiles = []string{p.Credentials}
		})
		if err != nil {
			t.Fatalf("sdk: chain %s: %v", c.Name, err)
		}
		if sc.RoleARN != c.RoleARN || sc.SourceProfileName != w.Profile || sc.Region != w.Region {
			t.Errorf("sdk: chain %s = role %q source %q region %q", c.Name, sc.RoleARN, sc.SourceProfileName, sc.Region)
		}
		if sc.Source == nil || sc.Source.Credentials.AccessKeyID != w.AccessKeyID {
			t.Errorf("sdk: chain %s source credentials not resolved", c.Name)
		}
	}
}

func TestWriteProfileKeys(t *testing.T) {
	dir := testtmp.Dir(t)
	p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	if err := awsconfig.WriteProfile(context.Background(), p, testWrite("default")); err != nil {
		t.Fatal(err)
	}
	got := readFiles(t, p)
	want := [2]string{`[default]
region = eu-west-1
output = json
samlogin_role_arn = arn:aws:iam::123456789012:role/Admin
samlogin_url = https://idp.example.com/sso

[profile default-chain]
role_arn = arn:aws:iam::210987654321:role/Other
source_profile = default
region = eu-west-1
`, `[default]
aws_access_key_id = ASIAdefault
aws_secret_access_key = secret-default
aws_session_token = token/default+==
x_security_token_expires = 2030-01-02T02:04:05Z
x_principal_arn = arn:aws:sts::123456789012:assumed-role/Admin/default
`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestWriteProfileRejects(t *testing.T) {
	dir := testtmp.Dir(t)
	p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	for _, mod := range []func(*awsconfig.ProfileWrite){
		func(w *awsconfig.ProfileWrite) { w.Profile = "" },
		func(w *awsconfig.ProfileWrite) { w.Profile = "a b" },
		func(w *awsconfig.ProfileWrite) { w.Profile = "x]" },
		func(w *awsconfig.ProfileWrite) { w.Settings = map[string]string{"region": "x"} },
		func(w *awsconfig.ProfileWrite) { w.Chains = []awsconfig.Chain{{Name: w.Profile, RoleARN: "r"}} },
		func(w *awsconfig.ProfileWrite) { w.Chains = []awsconfig.Chain{{Name: "c"}} },
	} {
		w := testWrite("ok")
		mod(&w)
		if err := awsconfig.WriteProfile(context.Background(), p, w); !errors.Is(err, awsconfig.ErrInvalidProfile) {
			t.Errorf("WriteProfile(%+v) = %v, want ErrInvalidProfile", w, err)
		}
	}
	w := testWrite("ok")
	w.SessionToken = secret.New("tok\nen")
	err := awsconfig.WriteProfile(context.Background(), p, w)
	if !errors.Is(err, ini.ErrValue) || strings.Contains(err.Error(), "tok\nen") {
		t.Errorf("bad token: %v", err)
	}
	if _, err := os.Stat(p.Credentials); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("files written despite errors")
	}
}

func TestProfileSettings(t *testing.T) {
	dir := testtmp.Dir(t)
	p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	s := &awsconfig.Store{Paths: p, Cache: &awsconfig.CredentialCache{Dir: filepath.Join(dir, "cache")}}
	settings := func() map[string]string {
		t.Helper()
		prof, err := s.Profile("dev")
		if err != nil {
			t.Fatal(err)
		}
		return prof.Settings
	}
	if got := settings(); len(got) != 0 {
		t.Fatalf("missing file: %v", got)
	}
	os.WriteFile(p.Config, []byte("[profile dev]\nregion = us-east-1\nSAMLOGIN_URL = https://a\nmfa_serial = x\n[profile dev]\nsamlogin_user = me\n"), 0o600)
	got := settings()
	want := map[string]string{"region": "us-east-1", "samlogin_url": "https://a", "samlogin_user": "me"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
