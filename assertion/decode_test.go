package assertion

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeShapes(t *testing.T) {
	xml := readTestdata(t, "ssp-saml-response-alice.xml")
	for len(xml)%3 == 0 { // make the base64 padded
		xml = append(xml, '\n')
	}
	std := base64.StdEncoding.EncodeToString(xml)
	rawURL := base64.RawURLEncoding.EncodeToString(xml)
	if !strings.ContainsAny(std, "+/") || !strings.HasSuffix(std, "=") {
		t.Fatal("test needs an encoding with + or / and padding; fixture changed?")
	}
	htmlValue := strings.NewReplacer("+", "&#43;", "/", "&#x2F;", "=", "&#61;").Replace(std)

	tests := []struct {
		name  string
		input string
	}{
		{"raw xml", string(xml)},
		{"xml with bom, declaration and whitespace", "\ufeff \r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + string(xml) + "\n\n"},
		{"base64", std},
		{"base64 wrapped lf", wrap(std, 76, "\n")},
		{"base64 wrapped crlf with surrounding whitespace", "\r\n\t  " + wrap(std, 64, "\r\n") + "  \r\n"},
		{"base64 without padding", strings.TrimRight(std, "=")},
		{"base64 url-safe without padding", rawURL},
		{"base64 url-safe padded", base64.URLEncoding.EncodeToString(xml)},
		{"url-encoded base64", url.QueryEscape(std)},
		{"form body", "SAMLResponse=" + url.QueryEscape(std) + "&RelayState=https%3A%2F%2Fconsole.aws.amazon.com"},
		{"form body, other order, lower-case key", "RelayState=x&samlresponse=" + url.QueryEscape(std) + "\n"},
		{"form body with literal + and /", "SAMLResponse=" + std + "&RelayState="},
		{"html double quotes", `<html><body><form method="post"><input type="hidden" name="SAMLResponse" value="` + std + `"/></form></body></html>`},
		{"html single quotes, value first, upper case", `<HTML><BODY><FORM><INPUT VALUE='` + std + `' TYPE=HIDDEN NAME='SAMLRESPONSE'></FORM></BODY></HTML>`},
		{"html unquoted", `<!DOCTYPE html><form><input name=SAMLResponse value=` + std + `></form>`},
		{"html entities in value", `<!doctype html><input type="hidden" name="SAMLResponse" value="` + htmlValue + `">`},
		{"html wrapped value", `<html><input name="SAMLResponse" value="` + wrap(std, 76, "\n") + `"></html>`},
		{"html textarea", `<html><body><textarea name="SAMLResponse">` + wrap(std, 76, "\n") + `</textarea></body></html>`},
		{"html comment first", "<!-- saved from url=(0038)https://idp.example.test/ -->\n<html><input name=\"SAMLResponse\" value=\"" + std + "\"></html>"},
		{"simplesamlphp post page", string(readTestdata(t, "ssp-saml-post-alice.html"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotXML, gotEnc, err := Decode([]byte(tt.input))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			want := bytes.TrimSpace(xml)
			got := gotXML
			if decl := []byte(`<?xml version="1.0" encoding="UTF-8"?>`); strings.Contains(tt.input, string(decl)) {
				// The BOM and the whitespace before the declaration go, the declaration stays.
				if !bytes.HasPrefix(got, decl) {
					t.Errorf("xml does not start with the declaration: %.50q", got)
				}
				got = got[len(decl):]
			}
			if diff := cmp.Diff(string(want), string(bytes.TrimSpace(got))); diff != "" {
				t.Errorf("xml mismatch (-want +got):\n%s", diff)
			}
			if gotEnc != base64.StdEncoding.EncodeToString(gotXML) {
				t.Errorf("encoded is not the canonical base64 of the xml")
			}
			a, err := Parse([]byte(tt.input))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(aliceRoles, a.Roles); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
		})
	}
}

// The post page carries exactly the bytes of the captured XML.
func TestDecodeAlicePageMatchesXML(t *testing.T) {
	gotXML, gotEnc, err := Decode(readTestdata(t, "ssp-saml-post-alice.html"))
	if err != nil {
		t.Fatal(err)
	}
	xml := readTestdata(t, "ssp-saml-response-alice.xml")
	if !bytes.Equal(bytes.TrimSpace(gotXML), bytes.TrimSpace(xml)) {
		t.Fatal("decoded page differs from ssp-saml-response-alice.xml")
	}
	if !strings.HasPrefix(gotEnc, "PHNhbWxwOlJlc3BvbnNl") { // "<samlp:Response"
		t.Errorf("encoded = %.20s...", gotEnc)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		want    error
		message []string // substrings of the message
	}{
		{"empty", "", ErrNotBase64, []string{"empty"}},
		{"whitespace only", " \r\n\t", ErrNotBase64, []string{"empty"}},
		{"plain text", "hello, world!", ErrNotBase64, []string{"neither base64", "not base64"}},
		{"json", `{"SAMLResponse": "x"}`, ErrNotBase64, nil},
		{"mixed alphabets", "PHNh+bWxw-", ErrNotBase64, []string{"mixes"}},
		{"bad padding", "PH=Nh", ErrNotBase64, []string{"padding"}},
		{"truncated base64", "PHNhbWxwOlJlc3BvbnNl" + "P", ErrNotBase64, []string{"cut short"}},
		{"base64 of text", base64.StdEncoding.EncodeToString([]byte("just some text")), ErrNotXML, []string{"do not start with"}},
		{"bad url escape", "PHNh%ZZ", ErrNotBase64, []string{"url encoding"}},
		{"form body without field", "RelayState=abc&foo=bar", ErrNotBase64, nil},
		{"keycloak placeholder", string(readTestdata(t, "keycloak-post.html")), ErrNotXML, []string{"6 base64 characters"}},
		{"pingfed page without field", string(readTestdata(t, "pingfed-post.html")), ErrNotBase64, []string{"no SAMLResponse field", `"Submit Form"`, "https://authenticator.pingone.com/pingid/ppm/auth"}},
		{"empty field", `<html><input name="SAMLResponse" value=""></html>`, ErrNotBase64, []string{"empty"}},
		{"too large", strings.Repeat("A", MaxInputSize+1), ErrTooLarge, []string{"1048577 bytes", "1048576"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Decode([]byte(tt.input))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode error = %v, want %v", err, tt.want)
			}
			checkMessage(t, err, tt.message)
			a, perr := Parse([]byte(tt.input))
			if a != nil || perr == nil || perr.Error() != err.Error() {
				t.Errorf("Parse = %v, %v; want nil, %v", a, perr, err)
			}
		})
	}
}

func checkMessage(t *testing.T, err error, parts []string) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("message is not one line: %q", msg)
	}
	if !strings.HasPrefix(msg, "assertion: ") {
		t.Errorf("message does not name the step: %q", msg)
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("message %q does not contain %q", msg, p)
		}
	}
}
