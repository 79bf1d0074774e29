package ini_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/samlogin/samlogin/awsconfig/ini"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// A golden case is a txtar archive in testdata/golden:
//
//	-- config --, -- credentials --        the files before (absent = no file)
//	-- ops --                              one edit or check per line, fields split on " | ":
//	    set FILE | SECTION | KEY | VALUE
//	    seterr FILE | SECTION | KEY | VALUE   (Set must fail and change nothing)
//	    delete FILE | SECTION | KEY | true/false
//	    delsection FILE | SECTION | true/false
//	    get FILE | SECTION | KEY | VALUE      (VALUE "<absent>" = not found)
//	    keys FILE | SECTION | k1,k2
//	    sections FILE | s1,s2
//	-- want/config --, -- want/credentials --   the files after (absent = unchanged)
//	-- sdk --                              what aws-sdk-go-v2 reads from the result:
//	    PROFILE | FIELD | VALUE               (FIELD: see sdkField)
//
// In file sections "<CR>" stands for "\r", and "<NOEOL>" at the end removes
// the final "\n".
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob("testdata/golden/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 15 {
		t.Fatalf("found %d golden cases, want at least 15", len(paths))
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			c := LoadGolden(t, path)
			files := map[string]*ini.File{}
			for _, name := range []string{"config", "credentials"} {
				in := c.In[name]
				f, err := ini.Parse(in)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if got := f.Bytes(); string(got) != string(in) {
					t.Fatalf("%s: round trip changed the file:\n%s", name, cmp.Diff(string(in), string(got)))
				}
				files[name] = f
			}
			for n, op := range c.Ops {
				applyOp(t, n+1, files, op)
			}
			dir := testtmp.Dir(t)
			for _, name := range []string{"config", "credentials"} {
				want, ok := c.Want[name]
				if !ok {
					want = c.In[name]
				}
				got := files[name].Bytes()
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("%s after edits (-want +got):\n%s", name, diff)
				}
				if err := os.WriteFile(filepath.Join(dir, name), got, 0o600); err != nil {
					t.Fatal(err)
				}
				// What we wrote parses again to the same bytes.
				f2, err := ini.Parse(got)
				if err != nil {
					t.Fatalf("%s: result does not parse: %v", name, err)
				}
				if string(f2.Bytes()) != string(got) {
					t.Errorf("%s: result does not round-trip", name)
				}
			}
			for _, chk := range c.SDK {
				CheckSDK(t, filepath.Join(dir, "config"), filepath.Join(dir, "credentials"), chk)
			}
		})
	}
}

// Golden is a parsed golden case.
type Golden struct {
	In, Want map[string][]byte
	Ops      [][]string
	SDK      [][]string
}

// LoadGolden reads a golden case archive.
func LoadGolden(t testing.TB, path string) Golden {
	t.Helper()
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g := Golden{In: map[string][]byte{}, Want: map[string][]byte{}}
	for _, f := range a.Files {
		switch {
		case f.Name == "config" || f.Name == "credentials":
			g.In[f.Name] = unescape(f.Data)
		case strings.HasPrefix(f.Name, "want/"):
			g.Want[strings.TrimPrefix(f.Name, "want/")] = unescape(f.Data)
		case f.Name == "ops":
			for _, l := range lines(f.Data) {
				cmd, rest, _ := strings.Cut(l, " ")
				g.Ops = append(g.Ops, append([]string{cmd}, splitFields(rest)...))
			}
		case f.Name == "sdk":
			for _, l := range lines(f.Data) {
				g.SDK = append(g.SDK, splitFields(l))
			}
		default:
			t.Fatalf("unknown section %q", f.Name)
		}
	}
	return g
}

func unescape(b []byte) []byte {
	s := strings.ReplaceAll(string(b), "<CR>", "\r")
	if strings.HasSuffix(s, "<NOEOL>\n") {
		s = strings.TrimSuffix(s, "<NOEOL>\n")
	}
	return []byte(s)
}

func lines(b []byte) []string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "#") {
			out = append(out, strings.NewReplacer("<NL>", "\n", "<CR>", "\r").Replace(l))
		}
	}
	return out
}

// splitFields splits "a | b | c" into {"a", "b", "c"}, removing one space on
// each side of a '|' so that fields can start with a space or be empty.
func splitFields(s string) []string {
	parts := strings.Split(s, "|")
	for i, p := range parts {
		if i > 0 {
			p = strings.TrimPrefix(p, " ")
		}
		if i < len(parts)-1 {
			p = strings.TrimSuffix(p, " ")
		}
		parts[i] = p
	}
	return parts
}

func applyOp(t *testing.T, n int, files map[string]*ini.File, op []string) {
	t.Helper()
	arg := func(i int) string {
		if i >= len(op) {
			t.Fatalf("op %d %q: too few fields", n, op)
		}
		return op[i]
	}
	f := files[arg(1)]
	if f == nil {
		t.Fatalf("op %d: unknown file %q", n, op[1])
	}
	switch op[0] {
	case "set":
		if err := f.Set(arg(2), arg(3), arg(4)); err != nil {
			t.Fatalf("op %d: set: %v", n, err)
		}
		if got, ok := f.Get(arg(2), arg(3)); !ok || got != arg(4) {
			t.Fatalf("op %d: after set, Get = %q, %v", n, got, ok)
		}
	case "seterr":
		before := string(f.Bytes())
		if err := f.Set(arg(2), arg(3), arg(4)); err == nil {
			t.Fatalf("op %d: set %q succeeded, want error", n, op)
		} else if errors.Is(err, ini.ErrValue) && strings.Contains(err.Error(), strings.TrimSpace(arg(4))) {
			t.Errorf("op %d: error %q contains the value", n, err)
		}
		if string(f.Bytes()) != before {
			t.Fatalf("op %d: failed set changed the file", n)
		}
	case "delete":
		if got := f.Delete(arg(2), arg(3)); strconv.FormatBool(got) != arg(4) {
			t.Fatalf("op %d: Delete = %v", n, got)
		}
		if _, ok := f.Get(arg(2), arg(3)); ok {
			t.Fatalf("op %d: key still there after Delete", n)
		}
	case "delsection":
		if got := f.DeleteSection(arg(2)); strconv.FormatBool(got) != arg(3) {
			t.Fatalf("op %d: DeleteSection = %v", n, got)
		}
		if f.HasSection(arg(2)) {
			t.Fatalf("op %d: section still there", n)
		}
	case "get":
		got, ok := f.Get(arg(2), arg(3))
		if !ok {
			got = "<absent>"
		}
		if want := strings.ReplaceAll(arg(4), `\n`, "\n"); got != want {
			t.Errorf("op %d: Get(%q, %q) = %q, want %q", n, op[2], op[3], got, want)
		}
	case "keys":
		if diff := cmp.Diff(splitList(arg(3)), f.Keys(arg(2))); diff != "" {
			t.Errorf("op %d: Keys(%q) (-want +got):\n%s", n, op[2], diff)
		}
	case "sections":
		if diff := cmp.Diff(splitList(arg(2)), f.Sections()); diff != "" {
			t.Errorf("op %d: Sections (-want +got):\n%s", n, diff)
		}
	default:
		t.Fatalf("op %d: unknown op %q", n, op[0])
	}
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// CheckSDK loads a profile with aws-sdk-go-v2's shared config loader and
// compares one field. chk is {PROFILE, FIELD, VALUE}.
func CheckSDK(t *testing.T, configFile, credsFile string, chk []string) {
	t.Helper()
	if len(chk) != 3 {
		t.Fatalf("sdk check %q: want PROFILE | FIELD | VALUE", chk)
	}
	profile, field, want := chk[0], chk[1], chk[2]
	sc, err := config.LoadSharedConfigProfile(context.Background(), profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles = []string{configFile}
		o.CredentialsFiles = []string{credsFile}
	})
	if err != nil {
		if field == "error" {
			return
		}
		t.Fatalf("sdk: load profile %q: %v", profile, err)
	}
	got := sdkField(t, sc, field)
	if got != want {
		t.Errorf("sdk: profile %q %s = %q, want %q", profile, field, got, want)
	}
}

func sdkField(t *testing.T, sc config.SharedConfig, field string) string {
	switch field {
	case "region":
		return sc.Region
	case "role_arn":
		return sc.RoleARN
	case "source_profile":
		return sc.SourceProfileName
	case "aws_access_key_id":
		return sc.Credentials.AccessKeyID
	case "aws_secret_access_key":
		return sc.Credentials.SecretAccessKey
	case "aws_session_token":
		return sc.Credentials.SessionToken
	case "sso_session":
		return sc.SSOSessionName
	case "sso_start_url":
		if sc.SSOSession != nil {
			return sc.SSOSession.SSOStartURL
		}
		return sc.SSOStartURL
	case "mfa_serial":
		return sc.MFASerial
	case "external_id":
		return sc.ExternalID
	case "role_session_name":
		return sc.RoleSessionName
	case "ca_bundle":
		return sc.CustomCABundle
	case "services":
		return sc.ServicesSectionName
	case "credential_process":
		return sc.CredentialProcess
	}
	if svc, key, ok := strings.Cut(strings.TrimPrefix(field, "services."), "."); ok && strings.HasPrefix(field, "services.") {
		return sc.Services.ServiceValues[svc][key]
	}
	t.Fatalf("sdk: unknown field %q", field)
	return ""
}
