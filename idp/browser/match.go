package browser

import (
	"net/url"
	"strings"
)

// signinHosts are the SAML sign-in hosts of each AWS partition: aws,
// aws-us-gov, aws-cn. A regional form is "<region>." + host.
var signinHosts = []string{
	"signin.aws.amazon.com",
	"signin.amazonaws-us-gov.com",
	"signin.amazonaws.cn",
}

// Patterns returns the Fetch.enable URL patterns that pause every request
// whose URL names an AWS sign-in host anywhere: any scheme, user name,
// name under it, port, path or query. They are much wider than
// TakesRequest on purpose: a paused request TakesRequest leaves is
// continued, while a missed one would carry the SAMLResponse to AWS.
func Patterns() []string {
	var p []string
	for _, h := range signinHosts {
		// Anywhere in the URL: a user name before the host
		// (https://user@signin...) stays in the URL Chromium matches.
		p = append(p, "*"+h+"*")
	}
	return p
}

// TakesRequest reports whether samlogin answers a paused request itself,
// so that it never leaves the browser: any request that carries a body
// (or is not a GET or HEAD, or has a SAMLResponse in its query) to an AWS
// sign-in host or a name under it, on any scheme, port or path. Such a request is a form post to AWS, and the
// only one the sign-in makes is the SAMLResponse's; IsAWSSAML tells the
// usual endpoint from an odd one, for the log.
func TakesRequest(method, rawURL string, hasBody bool) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return true // unreadable, but Chromium paused it for an AWS pattern
	}
	if !underSigninHost(u.Hostname()) {
		return false
	}
	bodyless := strings.EqualFold(method, "GET") || strings.EqualFold(method, "HEAD")
	// A bodyless request is let go, unless its query carries an assertion.
	return hasBody || !bodyless || strings.Contains(strings.ToLower(u.RawQuery), "samlresponse")
}

// underSigninHost reports whether host is an AWS sign-in host or a name
// under it (any depth), case and a trailing dot ignored.
func underSigninHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, h := range signinHosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

// IsAWSSAML reports whether a request is the POST of a SAMLResponse to AWS:
// method POST, scheme https, port empty or 443, host one of the partitions'
// sign-in hosts or a one-label regional form of it (us-east-1.signin...), a
// trailing dot and case ignored, and path /saml, /saml/ or /saml/acs/...
// (the per-provider endpoint).
func IsAWSSAML(method, rawURL string) bool {
	if !strings.EqualFold(method, "POST") {
		return false
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Opaque != "" {
		return false
	}
	if p := u.Port(); p != "" && p != "443" {
		return false
	}
	if !isSigninHost(u.Hostname()) {
		return false
	}
	path := u.EscapedPath()
	return path == "/saml" || path == "/saml/" ||
		(strings.HasPrefix(path, "/saml/acs/") && len(path) > len("/saml/acs/"))
}

func isSigninHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, h := range signinHosts {
		if host == h {
			return true
		}
		label, ok := strings.CutSuffix(host, "."+h)
		if ok && isDNSLabel(label) {
			return true
		}
	}
	return false
}

// isDNSLabel reports whether s is one DNS label: letters, digits and inner
// hyphens, at most 63 characters.
func isDNSLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
