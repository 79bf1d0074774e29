package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInterruptLeavesFilesAlone cancels a login (as Ctrl-C does through
// main's signal context) while the IdP holds the request: exit 3, one line,
// and the user's files exactly as they were.
func TestInterruptLeavesFilesAlone(t *testing.T) {
	arrived := make(chan struct{}, 1)
	idpSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	defer idpSrv.Close()

	env, _, errb := testEnv(t, "pw\n", map[string]string{})
	cfg := filepath.Join(env.Home, ".aws", "config")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	orig := "# mine\n[profile p]\nregion = eu-west-1\n"
	if err := os.WriteFile(cfg, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	code := run(ctx, []string{"--idp-url", idpSrv.URL + "/sso", "--username", "u", "--password-stdin", "--profile", "p"}, env)
	if code != exitCancelled {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitCancelled, errb)
	}
	if got := strings.TrimSpace(errb.String()); got != "samlogin: cancelled; no file was changed" {
		t.Errorf("stderr = %q", got)
	}
	b, err := os.ReadFile(cfg)
	if err != nil || string(b) != orig {
		t.Errorf("config changed: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(env.Home, ".aws", "credentials")); !os.IsNotExist(err) {
		t.Errorf("credentials file was created: %v", err)
	}
}

// TestInterruptWhileReadingStdin: Ctrl-C while `parse -` waits on a terminal
// that never sends EOF ends the command (exit 3) instead of hanging.
func TestInterruptWhileReadingStdin(t *testing.T) {
	r, w := io.Pipe() // a reader that never ends, like a terminal
	defer w.Close()
	env, out, errb := testEnv(t, "", map[string]string{})
	env.Stdin = r
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code := run(ctx, []string{"parse", "-"}, env); code != exitCancelled {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitCancelled, errb)
	}
	if out.Len() != 0 {
		t.Errorf("stdout: %q", out)
	}
}
