package assertion

import "testing"

func TestIdentity(t *testing.T) {
	for _, c := range []struct {
		a    Assertion
		want string
	}{
		// A readable NameID wins over the RoleSessionName.
		{Assertion{Subject: "alice@corp.example.com", SubjectFormat: NameIDEmail, SessionName: "alice"}, "alice@corp.example.com"},
		{Assertion{Subject: "alice@corp.example.com", SubjectFormat: NameIDUnspecified, SessionName: "alice"}, "alice@corp.example.com"},
		{Assertion{Subject: `CORP\alice`, SubjectFormat: NameIDWindows, SessionName: "alice"}, `CORP\alice`},
		{Assertion{Subject: "alice@corp.example.com", SessionName: "alice"}, "alice@corp.example.com"},
		// Persistent, transient and other formats are often opaque ids:
		// the RoleSessionName when there is one, else the NameID.
		{Assertion{Subject: "a1b2c3d4e5", SubjectFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", SessionName: "alice"}, "alice"},
		{Assertion{Subject: "a1b2c3d4e5", SubjectFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"}, "a1b2c3d4e5"},
		{Assertion{Subject: "_4f2a9c", SubjectFormat: NameIDTransient, SessionName: "bob"}, "bob"},
		{Assertion{Subject: "_x", SubjectFormat: NameIDTransient}, ""},
		{Assertion{Subject: "alice", SubjectFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos", SessionName: "alice@corp"}, "alice@corp"},
		// No NameID.
		{Assertion{SessionName: "carol"}, "carol"},
		{Assertion{SubjectFormat: NameIDEmail, SessionName: "carol"}, "carol"},
		{Assertion{}, ""},
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
