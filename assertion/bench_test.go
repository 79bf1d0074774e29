package assertion

import (
	"encoding/base64"
	"errors"
	"testing"
)

// BenchmarkParse1000Roles parses a base64 Response with 1,000 role values.
// Such a response is over MaxEncodedSize, so Parse returns the complete
// Assertion together with ErrTooLarge: the whole parse is measured.
func BenchmarkParse1000Roles(b *testing.B) {
	input := []byte(base64.StdEncoding.EncodeToString(buildRolesXML(1000)))
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		a, err := Parse(input)
		if !errors.Is(err, ErrTooLarge) || len(a.Roles) != 1000 {
			b.Fatalf("Parse: %v", err)
		}
	}
}

// BenchmarkParseAlicePage parses a real post page (3 roles).
func BenchmarkParseAlicePage(b *testing.B) {
	input := readTestdata(b, "ssp-saml-post-alice.html")
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(input); err != nil {
			b.Fatal(err)
		}
	}
}
