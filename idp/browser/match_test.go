package browser

import (
	"strings"
	"testing"
)

var samlCases = []struct {
	method, url string
	want        bool
}{
	{"POST", "https://signin.aws.amazon.com/saml", true},
	{"post", "https://signin.aws.amazon.com/saml", true},
	{"POST", "https://signin.aws.amazon.com/saml/", true},
	{"POST", "https://signin.aws.amazon.com/saml?SAML_sp=x", true},
	{"POST", "https://signin.aws.amazon.com:443/saml", true},
	{"POST", "https://SIGNIN.AWS.AMAZON.COM/saml", true},
	{"POST", "https://signin.aws.amazon.com./saml", true},
	{"POST", "https://us-east-1.signin.aws.amazon.com/saml", true},
	{"POST", "https://eu-central-2.signin.aws.amazon.com/saml/acs/SAMLSP4ABCDEF", true},
	{"POST", "https://signin.amazonaws-us-gov.com/saml", true},
	{"POST", "https://us-gov-west-1.signin.amazonaws-us-gov.com/saml", true},
	{"POST", "https://signin.amazonaws.cn/saml", true},
	{"POST", "https://cn-north-1.signin.amazonaws.cn/saml", true},

	{"GET", "https://signin.aws.amazon.com/saml", false},
	{"POST", "http://signin.aws.amazon.com/saml", false},
	{"POST", "https://signin.aws.amazon.com:8443/saml", false},
	{"POST", "https://signin.aws.amazon.com/samlx", false},
	{"POST", "https://signin.aws.amazon.com/saml/acs/", false},
	{"POST", "https://signin.aws.amazon.com/federation", false},
	{"POST", "https://signin.aws.amazon.com/", false},
	{"POST", "https://signin.aws.amazon.com.evil.example/saml", false},
	{"POST", "https://evilsignin.aws.amazon.com/saml", false},
	{"POST", "https://a.b.signin.aws.amazon.com/saml", false},
	{"POST", "https://-x.signin.aws.amazon.com/saml", false},
	{"POST", "https://signin.aws.amazon.com@evil.example/saml", false},
	{"POST", "https://user@signin.aws.amazon.com/saml", false},
	{"POST", "https://signin.amazonaws.com/saml", false},
	{"POST", "https://idp.example.com/saml", false},
	{"POST", "%zz", false},
	{"POST", "", false},
}

func TestIsAWSSAML(t *testing.T) {
	for _, c := range samlCases {
		if got := IsAWSSAML(c.method, c.url); got != c.want {
			t.Errorf("IsAWSSAML(%q, %q) = %v, want %v", c.method, c.url, got, c.want)
		}
	}
}

var takeCases = []struct {
	method, url string
	body        bool
	want        bool
}{
	{"POST", "https://signin.aws.amazon.com/saml", true, true},
	{"POST", "https://signin.aws.amazon.com/SAML", true, true},
	{"POST", "https://signin.aws.amazon.com//saml", true, true},
	{"POST", "https://signin.aws.amazon.com/%73aml", true, true},
	{"POST", "https://signin.aws.amazon.com/saml/acs/", true, true},
	{"POST", "https://signin.aws.amazon.com/federation", true, true},
	{"POST", "http://signin.aws.amazon.com/saml", true, true},
	{"POST", "https://signin.aws.amazon.com:8443/saml", true, true},
	{"POST", "https://a.b.signin.aws.amazon.com/saml", true, true},
	{"POST", "https://SIGNIN.AMAZONAWS-US-GOV.COM./saml", true, true},
	{"POST", "http://cn-north-1.signin.amazonaws.cn/saml", true, true},
	{"PUT", "https://signin.aws.amazon.com/saml", false, true},
	{"GET", "https://signin.aws.amazon.com/saml", true, true},
	{"POST", "https://user@signin.aws.amazon.com/saml", true, true},
	{"GET", "https://signin.aws.amazon.com/saml?SAMLResponse=PHNhbWxw", false, true},

	{"GET", "https://signin.aws.amazon.com/saml", false, false},
	{"HEAD", "https://signin.aws.amazon.com/", false, false},
	{"POST", "https://signin.aws.amazon.com.evil.example/saml", true, false},
	{"POST", "https://evilsignin.aws.amazon.com/saml", true, false},
	{"POST", "https://signin.aws.amazon.com@evil.example/saml", true, false},
	{"POST", "https://idp.example.com/saml", true, false},
}

func TestTakesRequest(t *testing.T) {
	for _, c := range takeCases {
		if got := TakesRequest(c.method, c.url, c.body); got != c.want {
			t.Errorf("TakesRequest(%q, %q, body %v) = %v, want %v", c.method, c.url, c.body, got, c.want)
		}
	}
}

// TestPatternsEveryPartition: each partition's host is paused wherever it
// is named in the URL (the browser test TestNothingReachesAWS checks that
// Chromium does pause them).
func TestPatternsEveryPartition(t *testing.T) {
	got := strings.Join(Patterns(), " ")
	for _, h := range []string{"signin.aws.amazon.com", "signin.amazonaws-us-gov.com", "signin.amazonaws.cn"} {
		if !strings.Contains(got, "*"+h+"*") {
			t.Errorf("Patterns() = %s: missing %s", got, h)
		}
	}
}
