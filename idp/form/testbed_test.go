package form

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
	"github.com/samlogin/samlogin/internal/testbed"
)

// Integration tests against the real SimpleSAMLphp of ../shared/testbed.
// They skip (fail under CI=true) when it is not running.

const awsAttr = "https://aws.amazon.com/SAML/Attributes/"

// samlSummary is what the tests check in a decoded SAML Response.
type samlSummary struct {
	root        xml.Name
	sessionName []string
	roles       []string
}

// summarize decodes a base64 SAMLResponse and reads its root element and
// AWS attributes with encoding/xml (the assertion package is not used, to
// keep this test about the driver).
func summarize(t *testing.T, b64 string) samlSummary {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("SAMLResponse is not base64: %v", err)
	}
	var s samlSummary
	dec := xml.NewDecoder(bytes.NewReader(raw))
	attr := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if s.root.Local == "" {
				s.root = e.Name
			}
			switch e.Name.Local {
			case "Attribute":
				attr = ""
				for _, a := range e.Attr {
					if a.Name.Local == "Name" {
						attr = a.Value
					}
				}
			case "AttributeValue":
				var v string
				if err := dec.DecodeElement(&v, &e); err != nil {
					t.Fatalf("AttributeValue: %v", err)
				}
				switch attr {
				case awsAttr + "RoleSessionName":
					s.sessionName = append(s.sessionName, v)
				case awsAttr + "Role":
					s.roles = append(s.roles, v)
				}
			}
		}
	}
	return s
}

func testbedDriver(t *testing.T, log *slog.Logger) *Driver {
	env := testbed.Require(t, false)
	return newDriver(t, Config{URL: env.IdPLoginURL}, &fakePrompter{}, log)
}

func TestTestbedLogin(t *testing.T) {
	testbed.Require(t, false)
	for _, tc := range []struct {
		user, password, sessionName string
		roles                       int
	}{
		{"alice", "alice-pass", "alice@example.test", 3},
		{"bob", "bob-pass", "bob@example.test", 1},
		{"carol", "carol-pass", "carol@example.test", 0},
		{"sam.special@example.test", "p@ss w0rd&=+%:x", "sam.special@example.test", 1},
	} {
		t.Run(tc.user, func(t *testing.T) {
			d := testbedDriver(t, nil)
			got, err := d.Login(t.Context(), idp.LoginInput{Username: tc.user, Password: secret.New(tc.password)})
			if err != nil {
				t.Fatal(err)
			}
			s := summarize(t, got.Reveal())
			if s.root.Local != "Response" || s.root.Space != "urn:oasis:names:tc:SAML:2.0:protocol" {
				t.Errorf("root element %v, want a samlp:Response", s.root)
			}
			if len(s.sessionName) != 1 || s.sessionName[0] != tc.sessionName {
				t.Errorf("RoleSessionName %q, want %q", s.sessionName, tc.sessionName)
			}
			if len(s.roles) != tc.roles {
				t.Errorf("%d Role values, want %d: %q", len(s.roles), tc.roles, s.roles)
			}
		})
	}
}

func TestTestbedWrongPassword(t *testing.T) {
	d := testbedDriver(t, nil)
	_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("bob-pass")})
	var rej *idp.RejectedError
	if !errors.As(err, &rej) || !errors.Is(err, idp.ErrRejected) {
		t.Fatalf("err = %v, want a RejectedError with ErrRejected", err)
	}
	if rej.Message != "Incorrect username or password" {
		t.Errorf("message %q, want SimpleSAMLphp's", rej.Message)
	}
}

func TestTestbedDebugLogHasNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d := testbedDriver(t, log)
	const password = "p@ss w0rd&=+%:x"
	got, err := d.Login(t.Context(), idp.LoginInput{Username: "sam.special@example.test", Password: secret.New(password)})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "found SAMLResponse") {
		t.Errorf("debug log lacks the walk:\n%s", out)
	}
	for _, s := range []string{password, got.Reveal()[:40], "w0rd"} {
		if strings.Contains(out, s) {
			t.Errorf("debug log shows a secret (%q...):\n%s", s[:4], out)
		}
	}
	// SimpleSAMLphp's state handle travels in URLs: named, never shown.
	if n, red := strings.Count(out, "AuthState="), strings.Count(out, "AuthState=[redacted]"); n == 0 || n != red {
		t.Errorf("debug log: %d AuthState values, %d redacted:\n%s", n, red, out)
	}
}

func TestTestbedUnknownSP(t *testing.T) {
	env := testbed.Require(t, false)
	url := strings.Replace(env.IdPLoginURL, "urn:amazon:webservices", "urn:example:unknown", 1)
	d := newDriver(t, Config{URL: url}, &fakePrompter{}, nil)
	_, err := d.Login(t.Context(), idp.LoginInput{Username: "alice", Password: secret.New("alice-pass")})
	var pe *idp.PageError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a PageError", err)
	}
	if pe.Step != "open sign-in page" || pe.Title != "Metadata not found" || !strings.Contains(pe.Detail, "Unable to locate metadata") {
		t.Errorf("PageError = %+v", pe)
	}
}
