package browser_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/samlogin/samlogin/internal/browsertest"
)

// TestNothingReachesAWS has a page post a SAMLResponse to AWS in every odd
// way a page can (another path, case, escape, scheme, port, a name two
// levels down; TestPopup has a new window): samlogin takes each, and AWS (the trap, which
// speaks https and http) gets nothing.
func TestNothingReachesAWS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	for _, c := range []struct{ name, attrs, action string }{
		{"path case", ``, "https://signin.aws.amazon.com/SAML"},
		{"escaped path", ``, "https://signin.aws.amazon.com/%73aml"},
		{"double slash", ``, "https://signin.aws.amazon.com//saml"},
		{"empty acs", ``, "https://signin.aws.amazon.com/saml/acs/"},
		{"two labels", ``, "https://a.b.signin.aws.amazon.com/saml"},
		{"plain http", ``, "http://signin.aws.amazon.com/saml"},
		{"other port", ``, "https://signin.aws.amazon.com:8443/saml"},
		{"user name", ``, "https://user@signin.aws.amazon.com/saml"},
		{"user and password", ``, "https://u:p@signin.aws.amazon.com/saml"},
		{"get", `method=get`, "https://signin.aws.amazon.com/saml"},
		{"govcloud", ``, "https://us-gov-west-1.signin.amazonaws-us-gov.com/saml"},
		{"china", ``, "https://signin.amazonaws.cn/saml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.attrs == "" {
				c.attrs = "method=post"
			}
			h := browsertest.New(t, browsertest.Options{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprintf(w, `<title>idp</title><form id=f %s action="%s"><input name=SAMLResponse value="SAML-%s"></form><script>document.getElementById('f').submit()</script>`,
					c.attrs, html.EscapeString(c.action), html.EscapeString(c.name))
			}))
			defer srv.Close()
			cfg := headless(t, h, srv.URL)
			cfg.Timeout = 20 * time.Second
			r := wait(t, login(context.Background(), t, cfg))
			if r.err != nil || r.saml != "SAML-"+c.name {
				t.Errorf("Login: %q, %v; want the SAMLResponse", r.saml, r.err)
			}
			if hits := h.Trap.Hits(); len(hits) != 0 {
				t.Errorf("AWS (the trap) got %v", hits)
			}
		})
	}
}

// TestTrapSeesPlainHTTP proves the trap counts a plain http post (the
// "plain http" case above would pass with a trap that cannot).
func TestTrapSeesPlainHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	h := browsertest.New(t, browsertest.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<title>idp</title><form id=f method=post action="http://signin.aws.amazon.com/saml"><input name=SAMLResponse value=x></form><script>document.getElementById('f').submit()</script>`)
	}))
	defer srv.Close()
	h.StartBrowser(srv.URL)
	end := time.Now().Add(20 * time.Second)
	for len(h.Trap.Hits()) == 0 && time.Now().Before(end) {
		time.Sleep(100 * time.Millisecond)
	}
	if hits := h.Trap.Hits(); len(hits) != 1 || hits[0] != "POST http://signin.aws.amazon.com/saml" {
		t.Fatalf("trap hits = %q, want the one plain http post", hits)
	}
}
