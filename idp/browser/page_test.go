package browser

import (
	"strings"
	"testing"
)

// TestDonePageLoadsNothing: the page that answers the intercepted POST asks
// the network for nothing and names nothing of the sign-in.
func TestDonePageLoadsNothing(t *testing.T) {
	lower := strings.ToLower(DonePage)
	for _, bad := range []string{"http:", "https:", "//", "src=", "@import", "url(", "<script", "samlresponse"} {
		if strings.Contains(lower, bad) {
			t.Errorf("DonePage contains %q", bad)
		}
	}
	if !strings.Contains(DonePage, `rel="icon" href="data:,"`) {
		t.Error("DonePage has no inline icon: Chromium would ask AWS for /favicon.ico")
	}
	csp := ""
	for _, h := range DoneHeaders {
		if h[0] == "Content-Security-Policy" {
			csp = h[1]
		}
	}
	if !strings.HasPrefix(csp, "default-src 'none'") {
		t.Errorf("CSP %q does not start with default-src 'none'", csp)
	}
}
