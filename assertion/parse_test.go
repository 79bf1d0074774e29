package assertion

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/samlogin/samlogin/internal/secret"
)

func TestParseFixtures(t *testing.T) {
	googleRoles := []Role{
		role("arn:aws:iam::123456789012:role/admin", "arn:aws:iam::123456789012:saml-provider/GoogleApps", "123456789012", "admin", "aws"),
		role("arn:aws:iam::123456789012:role/read-only", "arn:aws:iam::123456789012:saml-provider/GoogleApps", "123456789012", "read-only", "aws"),
		role("arn:aws:iam::123456789012:role/test", "arn:aws:iam::123456789012:saml-provider/GoogleApps", "123456789012", "test", "aws"),
	}
	google := func(notBefore, notOnOrAfter string) *Assertion {
		return &Assertion{
			Issuer:          "https://accounts.google.com/o/saml2?idpid=abcd12345",
			Destination:     "https://signin.aws.amazon.com/saml",
			Audience:        "https://signin.aws.amazon.com/saml",
			Subject:         "first.last@example.com",
			Status:          StatusSuccess,
			AssertionSigned: true,
			NotBefore:       mustTime(t, notBefore),
			NotOnOrAfter:    mustTime(t, notOnOrAfter),
			SessionName:     "first.last@example.com",
			SessionDuration: 28800,
			Roles:           googleRoles,
		}
	}
	azure := &Assertion{
		Issuer:          "https://sts.windows.net/25f4519b-eca5-405d-b516-123af862c268/",
		Destination:     "https://signin.aws.amazon.com/saml",
		Audience:        "https://signin.aws.amazon.com/saml",
		Subject:         "exampleuser@exampledomain.com",
		Status:          StatusSuccess,
		AssertionSigned: true,
		NotBefore:       mustTime(t, "2020-01-01T00:00:00Z"),
		NotOnOrAfter:    mustTime(t, "2020-01-01T00:00:00Z"),
		SessionName:     "exampleuser@exampledomain.com",
		Roles: []Role{
			role("arn:aws:iam::012345678901:role/example_role", "arn:aws:iam::012345678901:saml-provider/EXAMPLE_PROVIDER", "012345678901", "example_role", "aws"),
			role("arn:aws:iam::123456789012:role/example_role", "arn:aws:iam::123456789012:saml-provider/EXAMPLE_PROVIDER", "123456789012", "example_role", "aws"),
		},
	}
	var netiqRoles []Role
	for _, r := range []string{
		"863369430055:wbc-admin", "863369430055:wbc-engineer", "863369430055:wbc-manager", "863369430055:wbc-viewonly", "863369430055:wbc-readonly",
		"169267451285:wbc-admin", "169267451285:wbc-engineer", "169267451285:wbc-viewonly",
		"401252830686:wbc-admin", "401252830686:wbc-engineer", "401252830686:wbc-viewonly", "401252830686:wbc-readonly",
		"169267451285:wbc-readonly",
	} {
		acct, name, _ := strings.Cut(r, ":")
		netiqRoles = append(netiqRoles, role("arn:aws:iam::"+acct+":role/"+name, "arn:aws:iam::"+acct+":saml-provider/westpacidp", acct, name, "aws"))
	}
	netiq := &Assertion{
		Issuer:          "https://login.authbridge.westpacgroup.com/nidp/saml2/metadata",
		Destination:     "https://signin.aws.amazon.com/saml",
		Audience:        "urn:amazon:webservices",
		Subject:         "L122893",
		Status:          StatusSuccess,
		AssertionSigned: true,
		NotBefore:       mustTime(t, "2020-03-05T02:00:18Z"),
		NotOnOrAfter:    mustTime(t, "2020-03-05T02:10:18Z"),
		SessionName:     "L122893",
		Roles:           netiqRoles,
	}

	tests := []struct {
		file string
		want *Assertion
	}{
		{"ssp-saml-response-alice.xml", aliceAssertion(t, nil)},
		{"ssp-saml-post-alice.html", aliceAssertion(t, nil)},
		{"google-valid.xml", google("2017-07-24T10:26:41.125Z", "2017-07-24T10:36:41.125Z")},
		{"google-expired.xml", google("2010-07-24T10:26:41.125Z", "2011-07-24T10:36:41.125Z")},
		{"azuread-response.xml", azure},
		// The page's SAMLResponse holds the Response twice; the roles come once.
		{"azuread-post.html", azure},
		{"netiq-post.html", netiq},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			input := readTestdata(t, tt.file)
			xml, enc, err := Decode(input)
			if err != nil {
				t.Fatal(err)
			}
			a, err := Parse(input)
			if err != nil {
				t.Fatal(err)
			}
			if a.Encoded.Reveal() != enc || enc != base64.StdEncoding.EncodeToString(xml) {
				t.Error("Encoded is not the canonical base64 of the decoded xml")
			}
			want := *tt.want
			want.Encoded = secret.New(enc)
			if diff := cmp.Diff(&want, a, cmpAssertion); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseXMLMatchesParse(t *testing.T) {
	xml := readTestdata(t, "ssp-saml-response-alice.xml")
	a, err := ParseXML(xml)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(aliceAssertion(t, xml), a, cmpAssertion); diff != "" {
		t.Errorf("ParseXML (-want +got):\n%s", diff)
	}
}

func TestParseAttributes(t *testing.T) {
	const (
		govRole  = "arn:aws-us-gov:iam::123456789012:role/GovAdmin"
		govPrinc = "arn:aws-us-gov:iam::123456789012:saml-provider/Okta"
		cnRole   = "arn:aws-cn:iam::210987654321:role/team/ops/CnOps"
		cnPrinc  = "arn:aws-cn:iam::210987654321:saml-provider/Okta"
	)
	body := `<saml:Subject><saml:NameID>bob</saml:NameID>` +
		`<saml:SubjectConfirmation><saml:SubjectConfirmationData NotOnOrAfter="2030-01-01T10:05:00Z"/></saml:SubjectConfirmation>` +
		`<saml:SubjectConfirmation><saml:SubjectConfirmationData NotOnOrAfter="2030-01-01T10:03:00+01:00"/></saml:SubjectConfirmation>` +
		`</saml:Subject>` +
		`<saml:Conditions NotBefore="2030-01-01T09:55:00Z" NotOnOrAfter="2030-01-01T10:10:00Z">` +
		`<saml:AudienceRestriction><saml:Audience> urn:amazon:webservices </saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
		statement(
			attribute(AttrRole,
				govRole+","+govPrinc,
				"\n\t  "+cnPrinc+" ,\n  "+cnRole+"  \n", // either order, whitespace everywhere
				govPrinc+","+govRole,                    // the same pair reversed: a duplicate
				govRole+" , "+govPrinc),                 // and again with spaces
			attribute(AttrRoleSessionName, " bob@example.test "),
			attribute(AttrSessionDuration, "3600"),
			attribute(AttrSourceIdentity, "bob"),
			attribute(AttrPrincipalTag+"CostCenter", "1234"),
			attribute(AttrPrincipalTag+"Project", "blue"),
			attribute(AttrTransitiveTagKeys, "CostCenter", " Project "),
			attribute("urn:oid:0.9.2342.19200300.100.1.3", "bob@example.test"),
		) +
		// A second Role attribute adds to the first.
		statement(attribute(AttrRole, "arn:aws:iam::111122223333:role/A,arn:aws:iam::111122223333:saml-provider/IdP"))
	a, err := ParseXML([]byte(samlDoc(StatusSuccess, body)))
	if err != nil {
		t.Fatal(err)
	}
	a.Encoded = secret.String{}
	want := &Assertion{
		Issuer:          "https://idp.example.test",
		Destination:     "https://signin.aws.amazon.com/saml",
		Audience:        "urn:amazon:webservices",
		Subject:         "bob",
		Status:          StatusSuccess,
		NotBefore:       mustTime(t, "2030-01-01T09:55:00Z"),
		NotOnOrAfter:    mustTime(t, "2030-01-01T09:03:00Z"), // earliest, in UTC
		SessionName:     "bob@example.test",
		SessionDuration: 3600,
		SourceIdentity:  "bob",
		Roles: []Role{
			role(govRole, govPrinc, "123456789012", "GovAdmin", "aws-us-gov"),
			role(cnRole, cnPrinc, "210987654321", "CnOps", "aws-cn"),
			role("arn:aws:iam::111122223333:role/A", "arn:aws:iam::111122223333:saml-provider/IdP", "111122223333", "A", "aws"),
		},
		Tags:              map[string]string{"CostCenter": "1234", "Project": "blue"},
		TransitiveTagKeys: []string{"CostCenter", "Project"},
	}
	if diff := cmp.Diff(want, a, cmpAssertion); diff != "" {
		t.Errorf("ParseXML (-want +got):\n%s", diff)
	}
	if a.NotOnOrAfter.Location() != time.UTC {
		t.Errorf("NotOnOrAfter not in UTC: %v", a.NotOnOrAfter)
	}
}

// Namespaces decide, not prefixes.
func TestParseNamespaces(t *testing.T) {
	roleValue := "arn:aws:iam::111122223333:role/A,arn:aws:iam::111122223333:saml-provider/IdP"
	tests := []struct {
		name string
		xml  string
	}{
		{"default namespaces", `<Response xmlns="urn:oasis:names:tc:SAML:2.0:protocol"><Status><StatusCode Value="` + StatusSuccess + `"/></Status>` +
			`<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><AttributeStatement><Attribute Name="` + AttrRole + `"><AttributeValue>` + roleValue + `</AttributeValue></Attribute></AttributeStatement></Assertion></Response>`},
		{"odd prefixes", `<p:Response xmlns:p="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:x="urn:oasis:names:tc:SAML:2.0:assertion"><p:Status><p:StatusCode Value="` + StatusSuccess + `"/></p:Status>` +
			`<x:Assertion><x:AttributeStatement><x:Attribute Name="` + AttrRole + `"><x:AttributeValue>` + roleValue + `</x:AttributeValue></x:Attribute></x:AttributeStatement></x:Assertion></p:Response>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseXML([]byte(tt.xml))
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Roles) != 1 || a.Roles[0].RoleName != "A" {
				t.Errorf("roles = %+v", a.Roles)
			}
		})
	}
	// The right local names in the wrong namespace are not SAML.
	wrong := strings.ReplaceAll(tests[1].xml, "urn:oasis:names:tc:SAML:2.0:assertion", "urn:example:not-saml")
	if _, err := ParseXML([]byte(wrong)); !errors.Is(err, ErrNoAssertion) {
		t.Errorf("assertion in a foreign namespace: err = %v, want ErrNoAssertion", err)
	}
}

func TestParseErrors(t *testing.T) {
	success := func(body string) string { return samlDoc(StatusSuccess, body) }
	withRole := statement(attribute(AttrRole, roleA))
	tests := []struct {
		name    string
		xml     string
		want    error // errors.Is target; nil when checked by errors.As below
		partial bool  // Parse also returns the partial Assertion
		message []string
	}{
		{"not xml", "<samlp:Response", ErrNotXML, false, nil},
		{"mismatched tags", "<a><b></a></b>", ErrNotXML, false, nil},
		{"html-less non saml xml", `<foo xmlns="urn:example"/>`, ErrNotSAMLResponse, false, []string{`"foo in namespace urn:example"`}},
		{"bare assertion", `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>`, ErrNotSAMLResponse, false, []string{`"saml:Assertion in namespace urn:oasis:names:tc:SAML:2.0:assertion"`}},
		{"response without namespace", `<Response/>`, ErrNotSAMLResponse, false, []string{"no namespace"}},
		{"no status", `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`, ErrNotSAMLResponse, false, []string{"no Status"}},
		{"no assertion", `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><samlp:Status><samlp:StatusCode Value="` + StatusSuccess + `"/></samlp:Status></samlp:Response>`, ErrNoAssertion, true, nil},
		{"encrypted", `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><samlp:Status><samlp:StatusCode Value="` + StatusSuccess + `"/></samlp:Status><saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion></samlp:Response>`,
			ErrEncrypted, true, []string{"encrypts the assertion for AWS; STS can still use it"}},
		{"no role attribute", success(statement(attribute(AttrRoleSessionName, "bob"))), ErrNoRoles, true, []string{"https://aws.amazon.com/SAML/Attributes/Role", "ask your IdP admin"}},
		{"role attribute without values", success(statement(attribute(AttrRole))), ErrNoRoles, true, nil},
		{"bad session duration", success(withRole + statement(attribute(AttrSessionDuration, "8h"))), ErrMalformed, false, []string{`"8h"`}},
		{"bad not on or after", success(`<saml:Conditions NotOnOrAfter="tomorrow"/>` + withRole), ErrMalformed, false, []string{"Conditions NotOnOrAfter", `"tomorrow"`}},
		{"bad not before", success(`<saml:Conditions NotBefore="2020-13-01T00:00:00Z"/>` + withRole), ErrMalformed, false, []string{"NotBefore"}},
		{"too deep", strings.Repeat("<a>", 200) + strings.Repeat("</a>", 200), ErrNotXML, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseXML([]byte(tt.xml))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			checkMessage(t, err, tt.message)
			if (a != nil) != tt.partial {
				t.Errorf("partial assertion returned = %v, want %v", a != nil, tt.partial)
			}
			// Parse gives the same answer from base64.
			_, err2 := Parse([]byte(base64.StdEncoding.EncodeToString([]byte(tt.xml))))
			if err2 == nil || err2.Error() != err.Error() {
				t.Errorf("Parse(base64) err = %v, want %v", err2, err)
			}
		})
	}
}

func TestParseNoRolesKeepsPartial(t *testing.T) {
	a, err := ParseXML([]byte(samlDoc(StatusSuccess, statement(attribute(AttrRoleSessionName, "bob")))))
	if !errors.Is(err, ErrNoRoles) {
		t.Fatalf("err = %v", err)
	}
	if a == nil || a.Issuer != "https://idp.example.test" || a.SessionName != "bob" {
		t.Errorf("partial assertion = %+v", a)
	}
}

func TestParseStatusError(t *testing.T) {
	xml := `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">` +
		`<saml:Issuer>https://idp.example.test</saml:Issuer><samlp:Status>` +
		`<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode>` +
		"<samlp:StatusMessage>User is not\n assigned to a role</samlp:StatusMessage></samlp:Status></samlp:Response>"
	a, err := ParseXML([]byte(xml))
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *StatusError", err)
	}
	want := &StatusError{
		Code:    "urn:oasis:names:tc:SAML:2.0:status:Responder",
		SubCode: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
		Message: "User is not\n assigned to a role",
	}
	if diff := cmp.Diff(want, se); diff != "" {
		t.Errorf("StatusError (-want +got):\n%s", diff)
	}
	checkMessage(t, err, []string{"Responder/AuthnFailed", "User is not assigned to a role"})
	if se.Short() != "Responder/AuthnFailed" {
		t.Errorf("Short() = %q", se.Short())
	}
	if a == nil || a.Status != want.Code || a.SubStatus != want.SubCode || a.Issuer != "https://idp.example.test" {
		t.Errorf("partial assertion = %+v", a)
	}
}

func TestParseRoleValueErrors(t *testing.T) {
	tests := []struct {
		value  string
		reason string
	}{
		{"arn:aws:iam::123456789012:role/Admin", "found 1 part"},
		{"", "found 1 part"},
		{"a,b,c", "found 3 part"},
		{"arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B", "not a saml-provider arn"},
		{"arn:aws:iam::123456789012:saml-provider/A,arn:aws:iam::123456789012:saml-provider/B", "not a role arn"},
		{"arn:aws:iam::12345678901:role/A,arn:aws:iam::12345678901:saml-provider/P", "not 12 digits"},
		{"arn:aws-iso:iam::123456789012:role/A,arn:aws-iso:iam::123456789012:saml-provider/P", `partition "aws-iso"`},
		{"arn:aws:iam::123456789012:role/A,arn:aws-cn:iam::123456789012:saml-provider/P", "same partition"},
		{"arn:aws:s3::123456789012:role/A,arn:aws:iam::123456789012:saml-provider/P", "not an iam arn"},
		{"arn:aws:iam:us-east-1:123456789012:role/A,arn:aws:iam::123456789012:saml-provider/P", "region"},
		{"arn:aws:iam::123456789012:role/,arn:aws:iam::123456789012:saml-provider/P", "invalid role name"},
		{"arn:aws:iam::123456789012:role/a b,arn:aws:iam::123456789012:saml-provider/P", "invalid role name"},
		{"arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:saml-provider/a+b", "invalid saml-provider name"},
		{"arn:aws:iam::123456789012:role//A,arn:aws:iam::123456789012:saml-provider/P", "invalid role path"},
		{"arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:saml-provider/", "invalid saml-provider name"},
		{"urn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:saml-provider/P", "not an arn"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			xml := samlDoc(StatusSuccess, statement(attribute(AttrRole, roleA, tt.value)))
			a, err := ParseXML([]byte(xml))
			var rve *RoleValueError
			if !errors.As(err, &rve) {
				t.Fatalf("err = %v, want *RoleValueError", err)
			}
			if a != nil {
				t.Error("assertion returned with a RoleValueError")
			}
			if rve.Value != tt.value {
				t.Errorf("Value = %q, want %q", rve.Value, tt.value)
			}
			if !strings.Contains(rve.Reason, tt.reason) {
				t.Errorf("Reason = %q, want it to contain %q", rve.Reason, tt.reason)
			}
			checkMessage(t, err, []string{fmt.Sprintf("%q", tt.value)})
		})
	}
	t.Run("very long value is cut in the message", func(t *testing.T) {
		err := &RoleValueError{Value: strings.Repeat("x", 5000), Reason: "r"}
		if len(err.Error()) > 500 {
			t.Errorf("message is %d bytes", len(err.Error()))
		}
	})
}

func TestParseTooLarge(t *testing.T) {
	input := buildRolesXML(1000)
	a, err := ParseXML(input)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	enc := base64.StdEncoding.EncodedLen(len(input))
	checkMessage(t, err, []string{fmt.Sprint(enc), "100000", "1000 roles"})
	// The assertion is complete, so that `parse` can still show it.
	if a == nil || len(a.Roles) != 1000 || len(a.Encoded.Reveal()) != enc {
		t.Fatalf("assertion with ErrTooLarge: %v", a != nil)
	}
	// Under the cap it is fine.
	if _, err := ParseXML(buildRolesXML(100)); err != nil {
		t.Errorf("100 roles: %v", err)
	}
}

// buildRolesXML builds a Response with n distinct role values.
func buildRolesXML(n int) []byte {
	values := make([]string, n)
	for i := range values {
		acct := fmt.Sprintf("%012d", 100000000000+i%50)
		values[i] = fmt.Sprintf("arn:aws:iam::%s:role/team/Role%04d,arn:aws:iam::%s:saml-provider/IdP", acct, i, acct)
	}
	return []byte(samlDoc(StatusSuccess, statement(attribute(AttrRole, values...), attribute(AttrSessionDuration, "3600"))))
}

func TestExpired(t *testing.T) {
	a, err := Parse(readTestdata(t, "google-valid.xml"))
	if err != nil {
		t.Fatal(err)
	}
	end := mustTime(t, "2017-07-24T10:36:41.125Z")
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{end.Add(-time.Nanosecond), false},
		{end, true},
		{end.Add(time.Hour), true},
		{mustTime(t, "2017-07-24T12:36:41.125+02:00"), true}, // same instant, other zone
	} {
		if got := a.Expired(tt.now); got != tt.want {
			t.Errorf("Expired(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
	if (&Assertion{}).Expired(time.Now()) {
		t.Error("an assertion with no NotOnOrAfter is not expired")
	}
}

func TestSigned(t *testing.T) {
	for _, tt := range []struct {
		a    Assertion
		want bool
	}{
		{Assertion{}, false},
		{Assertion{ResponseSigned: true}, true},
		{Assertion{AssertionSigned: true}, true},
	} {
		if got := tt.a.Signed(); got != tt.want {
			t.Errorf("%+v.Signed() = %v", tt.a, got)
		}
	}
	a, err := Parse(readTestdata(t, "netiq-post.html"))
	if err != nil {
		t.Fatal(err)
	}
	if a.ResponseSigned || !a.AssertionSigned {
		t.Errorf("netiq: response signed %v, assertion signed %v; want false, true", a.ResponseSigned, a.AssertionSigned)
	}
}
