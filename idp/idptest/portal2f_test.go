package idptest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPortalChecksWhatWasSent: the choice needs the button, every form the
// token.
func TestPortalChecksWhatWasSent(t *testing.T) {
	p := NewPortal(t, PortalOptions{Users: map[string]PortalUser{
		"bob": {Password: "pw", Factors: []string{PortalTOTP, PortalWebAuthn}, Code: "1"},
	}})
	post := func(path string, v url.Values) string {
		resp, err := http.PostForm(p.URL()+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for _, tc := range []struct {
		path string
		form url.Values
		want string
	}{
		{"/login", url.Values{"user": {"bob"}, "password": {"pw"}}, "Invalid form token"},
		{"/login", url.Values{"user": {"bob"}, "password": {"pw"}, "token": {portalToken}}, `name="sf" value="webauthn"`},
		{"/2fchoice", url.Values{"user": {"bob"}, "token": {portalToken}}, "No second factor chosen"},
		{"/2fchoice", url.Values{"user": {"bob"}, "token": {portalToken}, "sf": {"totp"}}, `action="/totp2fcheck"`},
		{"/totp2fcheck", url.Values{"user": {"bob"}, "token": {portalToken}, "code": {"2"}}, "Your code is invalid"},
		{"/totp2fcheck", url.Values{"user": {"bob"}, "token": {portalToken}, "code": {"1"}}, `name="SAMLResponse"`},
	} {
		if got := post(tc.path, tc.form); !strings.Contains(got, tc.want) {
			t.Errorf("POST %s %s: the page lacks %q:\n%s", tc.path, tc.form.Encode(), tc.want, got)
		}
	}
	if n := len(p.Requests()); n != 6 {
		t.Errorf("%d requests recorded, want 6", n)
	}
}
