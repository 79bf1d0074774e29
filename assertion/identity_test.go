package assertion

import "testing"

func TestIdentity(t *testing.T) {
	for _, c := range []struct {
		a    Assertion
		want string
	}{
		{Assertion{Subject: "alice@corp.example.com", SubjectFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", SessionName: "alice"}, "alice@corp.example.com"},
		{Assertion{Subject: "alice@corp.example.com", SessionName: "alice"}, "alice@corp.example.com"},
		{Assertion{Subject: "_4f2a9c", SubjectFormat: NameIDTransient, SessionName: "bob"}, "bob"},
		{Assertion{SessionName: "carol"}, "carol"},
		{Assertion{Subject: "_x", SubjectFormat: NameIDTransient}, ""},
	} {
		if got := c.a.Identity(); got != c.want {
			t.Errorf("Identity(%+v) = %q, want %q", c.a, got, c.want)
		}
	}
}

func TestSubjectFormatFixtures(t *testing.T) {
	for file, want := range map[string]string{
		"ssp-saml-response-alice.xml": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
		"google-valid.xml":            "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
		"azuread-response.xml":        "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
	} {
		a, err := Parse(readTestdata(t, file))
		if err != nil {
			t.Fatal(err)
		}
		if a.SubjectFormat != want {
			t.Errorf("%s: SubjectFormat = %q, want %q", file, a.SubjectFormat, want)
		}
	}
}
