package adfs_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

// syncBuffer is a bytes.Buffer safe for the HTTP transport's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDebugLogHasNoSecrets runs a whole sign-in with MFA (method choice,
// a wrong code, the right code) at debug level, through the redacting
// transport, and looks for every secret in the log.
func TestDebugLogHasNoSecrets(t *testing.T) {
	const (
		password  = "Pa55/word&more=yes"
		wrongCode = "000111"
		code      = "987654"
	)
	samlResponse := base64.StdEncoding.EncodeToString([]byte("<samlp:Response>very secret assertion</samlp:Response>"))
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnv(t, idptest.ADFSOptions{
		MFA: "choice", MFACode: code, TLS: true,
		Users:        map[string]string{alice: password},
		SAMLResponse: func(string) string { return samlResponse },
	}, envOptions{log: log, prompt: &fakePrompt{secrets: []string{wrongCode, code}}})

	got, err := e.drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(password), MFAMethod: "SecurID"})
	if err != nil || got.Reveal() != samlResponse {
		t.Fatalf("Login = %q, %v", got.Reveal(), err)
	}
	out := buf.String()
	if !strings.Contains(out, "adfs: post credentials") || !strings.Contains(out, "http exchange") {
		t.Fatalf("the debug log lacks the driver's steps or the exchanges:\n%s", out)
	}
	secrets := map[string]string{
		"password":             password,
		"password (encoded)":   url.QueryEscape(password),
		"wrong code":           wrongCode,
		"code":                 code,
		"SAMLResponse":         samlResponse,
		"SAMLResponse (start)": samlResponse[:20],
	}
	for _, r := range e.srv.Requests() {
		if v, ok := r.Value("Context"); ok {
			secrets["Context"] = v
		}
		if v := r.Cookies["MSISAuth"]; v != "" {
			secrets["MSISAuth cookie"] = v
		}
	}
	for what, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the debug log shows the %s", what)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("log:\n%s", out)
	}
}
