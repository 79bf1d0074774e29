package assertion

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/samlogin/samlogin/internal/secret"
)

// cmpAssertion compares Assertions, with Encoded compared by value.
var cmpAssertion = cmp.Options{
	cmp.Comparer(func(a, b secret.String) bool { return a.Reveal() == b.Reveal() }),
	cmpopts.EquateEmpty(),
	// Checked on its own in TestSubjectFormatFixtures.
	cmpopts.IgnoreFields(Assertion{}, "SubjectFormat"),
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func role(roleARN, principalARN, account, name, partition string) Role {
	return Role{RoleARN: roleARN, PrincipalARN: principalARN, AccountID: account, RoleName: name, Partition: partition}
}

// aliceRoles are the roles in testdata/ssp-saml-response-alice.xml.
var aliceRoles = []Role{
	role("arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::123456789012:saml-provider/ADFS", "123456789012", "Admin", "aws"),
	role("arn:aws:iam::123456789012:role/ReadOnly", "arn:aws:iam::123456789012:saml-provider/ADFS", "123456789012", "ReadOnly", "aws"),
	role("arn:aws:iam::210987654321:role/Deploy", "arn:aws:iam::210987654321:saml-provider/ADFS", "210987654321", "Deploy", "aws"),
}

func aliceAssertion(t testing.TB, xml []byte) *Assertion {
	return &Assertion{
		Issuer:          "https://idp.samlogin.test/saml2/idp/metadata.php",
		Destination:     "https://signin.aws.amazon.com/saml",
		Audience:        "urn:amazon:webservices",
		Subject:         "alice",
		Status:          StatusSuccess,
		ResponseSigned:  true,
		AssertionSigned: true,
		NotBefore:       mustTime(t, "2026-11-21T09:19:33Z"),
		NotOnOrAfter:    mustTime(t, "2026-11-21T09:25:03Z"),
		SessionName:     "alice@example.test",
		SessionDuration: 28800,
		Roles:           aliceRoles,
		Encoded:         secret.New(base64.StdEncoding.EncodeToString(xml)),
	}
}

// wrap breaks s into lines of n characters joined by sep.
func wrap(s string, n int, sep string) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n])
		b.WriteString(sep)
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}

// samlDoc builds a minimal SAML Response around the given Assertion body
// (the children of saml:Assertion), with the given status code.
func samlDoc(status, assertionBody string) string {
	return `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Destination="https://signin.aws.amazon.com/saml">` +
		`<saml:Issuer>https://idp.example.test</saml:Issuer>` +
		`<samlp:Status><samlp:StatusCode Value="` + status + `"/></samlp:Status>` +
		`<saml:Assertion><saml:Issuer>https://idp.example.test</saml:Issuer>` + assertionBody + `</saml:Assertion></samlp:Response>`
}

// attribute builds one saml:Attribute with its values.
func attribute(name string, values ...string) string {
	var b strings.Builder
	b.WriteString(`<saml:Attribute Name="` + name + `">`)
	for _, v := range values {
		b.WriteString(`<saml:AttributeValue>` + v + `</saml:AttributeValue>`)
	}
	b.WriteString(`</saml:Attribute>`)
	return b.String()
}

func statement(attributes ...string) string {
	return `<saml:AttributeStatement>` + strings.Join(attributes, "") + `</saml:AttributeStatement>`
}

const (
	roleA = "arn:aws:iam::111122223333:role/A,arn:aws:iam::111122223333:saml-provider/IdP"
)
