package assertion

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSummaryJSONAlice(t *testing.T) {
	a, err := Parse(readTestdata(t, "ssp-saml-post-alice.html"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(a.Summary(mustTime(t, "2026-11-21T09:25:03Z")), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "issuer": "https://idp.samlogin.test/saml2/idp/metadata.php",
  "destination": "https://signin.aws.amazon.com/saml",
  "audience": "urn:amazon:webservices",
  "subject": "alice",
  "status": "urn:oasis:names:tc:SAML:2.0:status:Success",
  "signed": true,
  "not_before": "2026-11-21T09:19:33Z",
  "not_on_or_after": "2026-11-21T09:25:03Z",
  "expired": true,
  "session_name": "alice@example.test",
  "session_duration_seconds": 28800,
  "source_identity": "",
  "roles": [
    {
      "role_arn": "arn:aws:iam::123456789012:role/Admin",
      "principal_arn": "arn:aws:iam::123456789012:saml-provider/ADFS",
      "account_id": "123456789012",
      "role_name": "Admin",
      "partition": "aws"
    },
    {
      "role_arn": "arn:aws:iam::123456789012:role/ReadOnly",
      "principal_arn": "arn:aws:iam::123456789012:saml-provider/ADFS",
      "account_id": "123456789012",
      "role_name": "ReadOnly",
      "partition": "aws"
    },
    {
      "role_arn": "arn:aws:iam::210987654321:role/Deploy",
      "principal_arn": "arn:aws:iam::210987654321:saml-provider/ADFS",
      "account_id": "210987654321",
      "role_name": "Deploy",
      "partition": "aws"
    }
  ],
  "tags": {},
  "transitive_tag_keys": []
}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("summary JSON (-want +got):\n%s", diff)
	}
	if strings.Contains(string(got), a.Encoded.Reveal()[:40]) {
		t.Error("summary leaks the encoded assertion")
	}
}

func TestSummaryJSONEmpty(t *testing.T) {
	got, err := json.Marshal((&Assertion{}).Summary(time.Time{}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"issuer":"","destination":"","audience":"","subject":"","status":"","signed":false,"expired":false,` +
		`"session_name":"","session_duration_seconds":0,"source_identity":"","roles":[],"tags":{},"transitive_tag_keys":[]}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("summary JSON (-want +got):\n%s", diff)
	}
}

func TestSummaryTagsAndFractions(t *testing.T) {
	a := &Assertion{
		NotOnOrAfter:      mustTime(t, "2030-01-01T10:00:00.750+01:00"),
		Tags:              map[string]string{"Team": "blue"},
		TransitiveTagKeys: []string{"Team"},
	}
	s := a.Summary(mustTime(t, "2030-01-01T08:00:00Z"))
	if s.NotOnOrAfter != "2030-01-01T09:00:00Z" || s.Expired {
		t.Errorf("NotOnOrAfter = %q, Expired = %v", s.NotOnOrAfter, s.Expired)
	}
	s.Tags["Team"] = "red"
	if a.Tags["Team"] != "blue" {
		t.Error("Summary shares its Tags map with the Assertion")
	}
}
