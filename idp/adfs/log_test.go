package adfs_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
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

// TestDebugLogHidesURLState signs in at an ADFS-like server that sends the
// sign-in page to a URL carrying state (a token in the path, ;jsessionid,
// sid, lt, execution, RelayState) and answers with a RelayState field:
// the debug log names those parameters and shows none of their values.
func TestDebugLogHidesURLState(t *testing.T) {
	const password = "Pa55-url-STATE"
	samlResponse := base64.StdEncoding.EncodeToString([]byte("<samlp:Response>state test</samlp:Response>"))
	statePath := "/adfs/ls/" + idptest.StatePathToken + ";jsessionid=" + idptest.StateJSessionID
	stateQuery := url.Values{"sid": {idptest.StateSID}, "lt": {idptest.StateLT}, "execution": {idptest.StateExecution},
		"RelayState": {idptest.StateRelayState}, "client-request-id": {"42"}}.Encode()
	loginPage := `<html><head><title>Sign In</title></head><body><form id="loginForm" method="post" action="` +
		statePath + "?" + strings.ReplaceAll(stateQuery, "&", "&amp;") + `">
<input name="UserName" type="email"><input name="Password" type="password">
<input type="hidden" name="AuthMethod" value="FormsAuthentication"></form></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch {
		case r.URL.Path == "/adfs/ls/IdpInitiatedSignOn.aspx": // GET, or the driver's first, direct POST
			http.Redirect(w, r, statePath+"?"+stateQuery, http.StatusFound)
		case r.Method == http.MethodGet && r.URL.Path == statePath:
			io.WriteString(w, loginPage)
		case r.Method == http.MethodPost && r.URL.Path == statePath && r.FormValue("Password") == password:
			io.WriteString(w, `<html><head><title>Working...</title></head><body><form method="post" action="https://signin.aws.amazon.com/saml">
<input type="hidden" name="SAMLResponse" value="`+samlResponse+`"><input type="hidden" name="RelayState" value="`+idptest.StateRelayState+`">
</form></body></html>`)
		default:
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client, err := idp.NewHTTPClient(idp.HTTPOptions{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	drv, err := adfs.New(adfs.Config{Host: srv.URL}, idp.Deps{Client: client, Prompt: &fakePrompt{}, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	got, err := drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(password)})
	if err != nil || got.Reveal() != samlResponse {
		t.Fatalf("Login = %q, %v", got.Reveal(), err)
	}
	out := buf.String()
	for _, s := range append([]string{password, samlResponse[:20]}, idptest.StateSecrets...) {
		if strings.Contains(out, s) {
			t.Errorf("the debug log shows %q", s)
		}
	}
	for _, want := range []string{"/adfs/ls/[redacted];jsessionid=[redacted]", "sid=[redacted]", "lt=[redacted]",
		"execution=[redacted]", "RelayState=[redacted]", "client-request-id=42", "loginToRp=urn%3Aamazon%3Awebservices"} {
		if !strings.Contains(out, want) {
			t.Errorf("the debug log lacks %s", want)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("log:\n%s", out)
	}
}
