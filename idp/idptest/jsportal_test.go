package idptest_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/idp/idptest"
)

func postJSON(t *testing.T, url string, in any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(in)
	res, err := http.Post(url, "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, out
}

// TestJSPortalPage: the sign-in page has no <form> (only a script signs
// in), and a wrong password is refused and counted.
func TestJSPortalPage(t *testing.T) {
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: map[string]string{"alice": "pw"}})
	res, err := http.Get(p.URL())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(strings.ToLower(string(page)), "<form") || !strings.Contains(string(page), "fetch(") {
		t.Errorf("the sign-in page has a <form> or no fetch():\n%s", page)
	}
	if code, _ := postJSON(t, p.URL()+"api/login", map[string]string{"user": "alice", "password": "bad"}); code != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", code)
	}
	code, out := postJSON(t, p.URL()+"api/login", map[string]string{"user": "alice", "password": "pw"})
	if code != http.StatusOK || out["saml"] != idptest.FakeSAMLResponse("alice") || out["action"] != idptest.JSPortalAWS {
		t.Errorf("good password: %d %v", code, out)
	}
	if n := p.PasswordPosts(); n != 2 {
		t.Errorf("PasswordPosts = %d, want 2", n)
	}
}

// TestJSPortalWebAuthnChecks: the portal refuses client data of the wrong
// type, challenge or origin, and issues nothing.
func TestJSPortalWebAuthnChecks(t *testing.T) {
	p := idptest.NewJSPortal(t, idptest.JSPortalOptions{Users: map[string]string{"alice": "pw"}, WebAuthn: true})
	origin := strings.TrimSuffix(p.URL(), "/")
	for _, c := range []struct{ name, typ, origin string }{
		{"type", "webauthn.get", origin},
		{"origin", "webauthn.create", "http://127.0.0.1:1"},
		{"challenge", "webauthn.create", origin},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out := postJSON(t, p.URL()+"api/login", map[string]string{"user": "alice", "password": "pw"})
			wa, _ := out["webauthn"].(map[string]any)
			if code != http.StatusOK || wa == nil || wa["register"] != true {
				t.Fatalf("password step: %d %v, want a registration", code, out)
			}
			ch := wa["challenge"].(string)
			if c.name == "challenge" {
				ch = base64.RawURLEncoding.EncodeToString([]byte("another"))
			}
			cd, _ := json.Marshal(map[string]string{"type": c.typ, "challenge": ch, "origin": c.origin})
			code, out = postJSON(t, p.URL()+"api/webauthn/register", map[string]string{
				"token": wa["token"].(string), "id": "Y3JlZA", "clientDataJSON": base64.RawURLEncoding.EncodeToString(cd)})
			if code != http.StatusForbidden {
				t.Errorf("register with a wrong %s: %d %v, want 403", c.name, code, out)
			}
		})
	}
	if p.Issued() != 0 {
		t.Errorf("issued %d SAMLResponses, want 0", p.Issued())
	}
}
