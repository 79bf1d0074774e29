package assertion

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"
)

func FuzzParse(f *testing.F) {
	for _, name := range []string{
		"ssp-saml-response-alice.xml", "ssp-saml-post-alice.html", "google-valid.xml",
		"azuread-response.xml", "netiq-post.html", "keycloak-post.html", "pingfed-post.html",
	} {
		f.Add(readTestdata(f, name))
	}
	small := samlDoc(StatusSuccess, statement(attribute(AttrRole, roleA, " "+roleA+" "), attribute(AttrPrincipalTag+"k", "v")))
	f.Add([]byte(small))
	f.Add([]byte(base64.RawURLEncoding.EncodeToString([]byte(small))))
	f.Add([]byte("SAMLResponse=" + base64.StdEncoding.EncodeToString([]byte(small)) + "&RelayState="))
	f.Add([]byte(`<input name=SAMLResponse value="` + base64.StdEncoding.EncodeToString([]byte(small)) + `">`))

	f.Fuzz(func(t *testing.T, input []byte) {
		a, err := Parse(input)
		if err != nil {
			checkFuzzError(t, err)
			if a == nil {
				return
			}
			if !errors.Is(err, ErrNoRoles) && !errors.Is(err, ErrEncrypted) && !errors.Is(err, ErrNoAssertion) &&
				!errors.Is(err, ErrTooLarge) && !errors.As(err, new(*StatusError)) {
				t.Fatalf("partial assertion returned with %v", err)
			}
			_ = a.Summary(time.Time{}) // must not panic either
			if !errors.Is(err, ErrTooLarge) {
				return
			}
		}
		if len(a.Roles) == 0 {
			t.Fatal("success without roles")
		}
		if a.Status != StatusSuccess {
			t.Fatalf("success with status %q", a.Status)
		}
		seen := map[Role]bool{}
		for _, r := range a.Roles {
			if seen[r] {
				t.Fatalf("duplicate role %+v", r)
			}
			seen[r] = true
			again, err := NewRole(r.RoleARN, r.PrincipalARN)
			if err != nil || again != r {
				t.Fatalf("role %+v does not validate: %v", r, err)
			}
			if strings.TrimSpace(r.RoleARN) != r.RoleARN || strings.TrimSpace(r.PrincipalARN) != r.PrincipalARN {
				t.Fatalf("untrimmed role %+v", r)
			}
		}
		xml, enc, derr := Decode(input)
		if derr != nil || enc != a.Encoded.Reveal() {
			t.Fatalf("Decode disagrees with Parse: %v", derr)
		}
		raw, berr := base64.StdEncoding.Strict().DecodeString(enc)
		if berr != nil || !bytes.Equal(raw, xml) {
			t.Fatalf("Encoded does not decode back to the xml: %v", berr)
		}
		// Decoding the canonical form is a fixed point.
		xml2, enc2, err2 := Decode([]byte(enc))
		if err2 != nil || enc2 != enc || !bytes.Equal(xml2, xml) {
			t.Fatalf("Decode(Encoded) is not a fixed point: %v", err2)
		}
		if _, err := json.Marshal(a.Summary(time.Unix(0, 0))); err != nil {
			t.Fatal(err)
		}
		if err == nil && len(enc) > MaxEncodedSize {
			t.Fatalf("success over the size cap: %d", len(enc))
		}
	})
}

// checkFuzzError asserts the message contract: one line, "assertion: ",
// lower case after the prefix.
func checkFuzzError(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	rest, ok := strings.CutPrefix(msg, "assertion: ")
	if !ok || rest == "" {
		t.Fatalf("message does not name the step: %q", msg)
	}
	if strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("message is not one line: %q", msg)
	}
	if r := []rune(rest)[0]; unicode.IsUpper(r) {
		t.Fatalf("message is not lower case: %q", msg)
	}
}
