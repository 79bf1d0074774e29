package adfs_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

// TestHostileErrorText signs in at pages whose error message and title
// carry terminal escape sequences, a bidi override, a session id, a token
// and 3 MB on one line: the error (and the debug log) must be clean and
// short, and still say what the IdP said.
func TestHostileErrorText(t *testing.T) {
	login := &idptest.HostileLoginHandler{}
	for _, tc := range []struct {
		name    string
		handler http.Handler
		want    error
	}{
		{"rejected password", login, idp.ErrRejected},
		{"error page", idptest.HostileErrorPageHandler(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			var buf syncBuffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			client, err := idp.NewHTTPClient(idp.HTTPOptions{Log: log})
			if err != nil {
				t.Fatal(err)
			}
			drv, err := adfs.New(adfs.Config{Host: srv.URL, PollInterval: time.Millisecond},
				idp.Deps{Client: client, Prompt: &fakePrompt{}, Log: log})
			if err != nil {
				t.Fatal(err)
			}
			_, err = drv.Login(context.Background(), idp.LoginInput{Username: alice, Password: secret.New(alicePW)})
			if err == nil {
				t.Fatal("Login succeeded")
			}
			var pe *idp.PageError
			if tc.want != nil && !errors.Is(err, tc.want) || tc.want == nil && !errors.As(err, &pe) {
				t.Fatalf("Login: %v", err)
			}
			t.Logf("error: %v", err)
			checkClean(t, "error", err.Error(), 2*idp.MaxText+300)
			checkClean(t, "debug log", buf.String(), -1)
		})
	}
	if login.Posts() != 1 {
		t.Errorf("the password was posted %d times", login.Posts())
	}
}

// checkClean fails when s shows a part of idptest.HostileErrorText it
// must not, lacks its readable start, or (max >= 0) is longer than max
// bytes.
func checkClean(t *testing.T, what, s string, max int) {
	t.Helper()
	for _, leak := range idptest.HostileLeaks {
		if strings.Contains(s, leak) {
			t.Errorf("the %s shows %q", what, leak)
		}
	}
	if max >= 0 {
		if !strings.Contains(s, idptest.HostileHead) {
			t.Errorf("the %s lacks the IdP's message: %q", what, s)
		}
		if len(s) > max || !utf8.ValidString(s) || strings.Contains(s, "\n") {
			t.Errorf("the %s is %d bytes, valid UTF-8 %v: %.400q", what, len(s), utf8.ValidString(s), s)
		}
	}
	if t.Failed() {
		t.Logf("%s: %.2000q", what, s)
	}
}
