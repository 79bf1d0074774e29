package awsconfig_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/awsconfig"

	"github.com/samlogin/samlogin/internal/testtmp"
)

func TestWriteProfiles(t *testing.T) {
	clearAWSEnv(t)
	dir := testtmp.Dir(t)
	p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	const before = "# mine\n[profile keep]\nregion = us-east-1\n"
	if err := os.WriteFile(p.Config, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	ws := []awsconfig.ProfileWrite{testWrite("a"), testWrite("b"), testWrite("c")}
	ws[1].Chains = nil
	if err := awsconfig.WriteProfiles(context.Background(), p, ws); err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		checkSDK(t, p, w)
	}
	cfg, _ := os.ReadFile(p.Config)
	if !strings.HasPrefix(string(cfg), before) {
		t.Errorf("config lost its first lines:\n%s", cfg)
	}
	// Again: the same sections are edited, none is added.
	if err := awsconfig.WriteProfiles(context.Background(), p, ws); err != nil {
		t.Fatal(err)
	}
	creds, _ := os.ReadFile(p.Credentials)
	if n := strings.Count(string(creds), "[a]"); n != 1 {
		t.Errorf("[a] appears %d times:\n%s", n, creds)
	}
}

func TestWriteProfilesRefusesAll(t *testing.T) {
	dir := testtmp.Dir(t)
	p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	for name, ws := range map[string][]awsconfig.ProfileWrite{
		"bad name":  {testWrite("ok"), testWrite("bad name")},
		"duplicate": {testWrite("x"), testWrite("x")},
	} {
		err := awsconfig.WriteProfiles(context.Background(), p, ws)
		if !errors.Is(err, awsconfig.ErrInvalidProfile) {
			t.Errorf("%s: err = %v, want ErrInvalidProfile", name, err)
		}
	}
	if _, err := os.Stat(p.Credentials); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused write created the credentials file: %v", err)
	}
	if err := awsconfig.WriteProfiles(context.Background(), p, nil); err != nil {
		t.Errorf("no profiles: %v", err)
	}
}

func TestCheckProfileName(t *testing.T) {
	for name, ok := range map[string]bool{"123456789012-Admin": true, "a b": false, "x=y": false, "": false, "[p]": false} {
		if err := awsconfig.CheckProfileName(name); (err == nil) != ok {
			t.Errorf("%q: err = %v", name, err)
		}
	}
}
