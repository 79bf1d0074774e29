package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/internal/secret"
	"github.com/samlogin/samlogin/internal/testtmp"
)

// TestCredentialProcessLineRunsInSDK: the line samlogin writes, for a
// samlogin in a folder with a space, is run by aws-sdk-go-v2 (sh -c on
// Unix, cmd.exe /C on Windows) and serves the cached credentials.
func TestCredentialProcessLineRunsInSDK(t *testing.T) {
	src, err := exec.LookPath("samlogin") // the test binary, set up by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	home := testtmp.Dir(t)
	bin := filepath.Join(home, "Program Files", "samlogin", filepath.Base(src))
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	const host, user = "adfs.corp.example", `CORP\alice`
	line := credentialProcessLineFor(bin, "tf")
	if runtime.GOOS != "windows" && line[0] != '\'' {
		t.Errorf("line %s: want the path in single quotes", line)
	}
	t.Logf("credential_process = %s", line)
	configFile := filepath.Join(home, ".aws", "config")
	if err := os.MkdirAll(filepath.Dir(configFile), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := "[profile tf]\nregion = eu-west-1\nsamlogin_adfs_host = " + host + "\nsamlogin_username = " + user +
		"\nsamlogin_role_arn = " + cpAdmin + "\ncredential_process = " + line + "\n"
	if err := os.WriteFile(configFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := &awsconfig.CredentialCache{Dir: awsconfig.CacheDir(home), Now: time.Now}
	if err := cache.Store(awsconfig.CacheKey{IdP: host, Username: user, RoleARN: cpAdmin}, &awsconfig.Credentials{
		AccessKeyID: "ASIACACHED", SecretAccessKey: secret.New("s"), SessionToken: secret.New("t"),
		Expiration: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "SAMLOGIN_PASSWORD"} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("SAMLOGIN_NO_PROMPT", "true")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ac, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile("tf"),
		config.WithSharedConfigFiles([]string{configFile}),
		config.WithSharedCredentialsFiles([]string{filepath.Join(home, ".aws", "credentials")}))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ac.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatalf("the SDK ran %s: %v", line, err)
	}
	if c.AccessKeyID != "ASIACACHED" || c.Source != "ProcessProvider" {
		t.Errorf("credentials %s from %s, want the cached ones from the process", c.AccessKeyID, c.Source)
	}
}
