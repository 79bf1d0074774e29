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

// TestPatternsCoverMatcher checks that every request IsAWSSAML takes is
// paused by Chromium in the first place: a URL the patterns miss would go
// to AWS with the SAMLResponse.
func TestPatternsCoverMatcher(t *testing.T) {
	for _, c := range samlCases {
		if !c.want {
			continue
		}
		ok := false
		for _, p := range Patterns() {
			if cdpGlob(p, c.url) {
				ok = true
				break
			}
		}
		if !ok {
			t.Errorf("no pattern in %q pauses %q", Patterns(), c.url)
		}
	}
}

func TestPatternsEveryPartition(t *testing.T) {
	got := strings.Join(Patterns(), " ")
	for _, h := range []string{"signin.aws.amazon.com", "signin.amazonaws-us-gov.com", "signin.amazonaws.cn"} {
		if !strings.Contains(got, "https://"+h+"*") || !strings.Contains(got, "https://*."+h+"*") {
			t.Errorf("Patterns() = %s: missing global or regional form of %s", got, h)
		}
	}
}

// cdpGlob is the Fetch.RequestPattern syntax: '*' any run of characters,
// '?' exactly one, backslash escapes. Chromium lower-cases the host and
// drops a default port before matching, so the test does too for the
// cases above.
func cdpGlob(pattern, s string) bool {
	s = strings.Replace(s, "SIGNIN.AWS.AMAZON.COM", "signin.aws.amazon.com", 1)
	s = strings.Replace(s, ":443/", "/", 1)
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if cdpGlob(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && cdpGlob(pattern[1:], s[1:])
	case '\\':
		if len(pattern) > 1 {
			pattern = pattern[1:]
		}
	}
	return s != "" && s[0] == pattern[0] && cdpGlob(pattern[1:], s[1:])
}

func TestCdpGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"a*c", "abbc", true}, {"a?c", "abc", true}, {"a?c", "ac", false},
		{`a\*c`, "a*c", true}, {`a\*c`, "abc", false}, {"*", "", true},
	} {
		if got := cdpGlob(c.p, c.s); got != c.want {
			t.Errorf("cdpGlob(%q, %q) = %v", c.p, c.s, got)
		}
	}
}
