package idp

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxText bounds text quoted from an IdP page in a message, in runes.
const MaxText = 300

// cleanScan bounds how much cleaned text is kept before tokens are redacted
// and the result cut to its length: a 3 MB one-line page costs one pass
// over its bytes, never a 3 MB regexp run.
const cleanScan = 8 << 10

// CleanText returns text taken from an IdP page (an error message, a page
// title, a snippet) in a form that is safe to print and to paste:
//
//   - terminal escape sequences (ESC and 8-bit CSI, OSC, DCS, SOS, PM, APC,
//     and two-character ESC sequences) removed with their payload;
//   - other C0 and C1 controls, DEL, invalid UTF-8 and invisible format
//     characters (bidi overrides and isolates, zero-width characters, BOM)
//     removed;
//   - white space (new lines included) collapsed to one space, so the
//     result is one line;
//   - URLs passed through RedactURL, "name": "value" and name=value pairs
//     whose name looks secret (see secretLikeName) and token-like words
//     (see tokenLike; GUIDs and host names excepted) replaced by [redacted];
//   - at most MaxText runes, cut on a rune boundary and marked with "…".
func CleanText(s string) string { return CleanTextN(s, MaxText) }

// CleanTextN is CleanText with a bound of n runes.
func CleanTextN(s string, n int) string {
	text, cut := stripControls(s, cleanScan)
	if cut {
		// The scan stopped inside the text: drop the last, maybe partial,
		// word, so that no start of a token shows unredacted.
		if i := strings.LastIndexByte(text, ' '); i > 0 {
			text = text[:i]
		}
	}
	text = redactText(text)
	if r := []rune(text); len(r) > n {
		text, cut = string(r[:n]), true
	}
	if cut {
		text = strings.TrimSpace(text) + "…"
	}
	return text
}

// stripControls removes escape sequences and invisible characters from s,
// collapses white space and trims it, stopping after limit bytes of output
// (cut: text was left out).
func stripControls(s string, limit int) (text string, cut bool) {
	var b strings.Builder
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b: // ESC
			i = skipEscape(s, i+size)
			continue
		case r == 0x9b: // 8-bit CSI
			i = skipCSI(s, i+size)
			continue
		case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // DCS, SOS, OSC, PM, APC
			i = skipString(s, i+size)
			continue
		case r == utf8.RuneError && size == 1:
			// invalid UTF-8: dropped
		case unicode.IsSpace(r):
			space = b.Len() > 0
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			// C0/C1 controls, DEL, bidi controls, zero-width characters, BOM
		default:
			if b.Len() >= limit {
				return b.String(), true
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
		i += size
	}
	return b.String(), false
}

// skipEscape returns the index after the escape sequence whose ESC ends
// just before i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f { // intermediate bytes
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e { // final byte
		i++
	}
	return i
}

// skipCSI returns the index after a control sequence's parameters,
// intermediates and final byte. A byte that cannot be part of one ends the
// sequence and is kept.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		case c >= 0x20 && c <= 0x3f:
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after a control string (OSC, DCS...) and its
// terminator: BEL, ESC \ or the 8-bit ST. An unterminated string runs to
// the end of s, as a terminal would swallow it.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + 1
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
		i++
	}
	return i
}

var (
	textURL = regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s"'<>]+`)
	// "name": "value" (JSON) and name=value.
	textPair = regexp.MustCompile(`("[A-Za-z_][\w.-]*"\s*:\s*)"[^"]*"|\b([A-Za-z_][\w.-]*)=([^\s&;,"'<>]+)`)
	textWord = regexp.MustCompile(`[A-Za-z0-9+/=_.~%-]{20,}`)
	// In prose, a GUID is a correlation id (ADFS's Activity ID, Entra's
	// Correlation ID), what an administrator needs, and a dotted name of
	// short labels ending in letters is a host (adfs01.corp.example.com):
	// neither is taken for a token there.
	uuidLike = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)
	hostLike = regexp.MustCompile(`^(?:[A-Za-z0-9-]{1,19}\.)+[A-Za-z]{2,19}$`)
	// A GUID right after "session" or "sid" is a session id, not a
	// correlation id: "session: 4f2a9c81-...", "sid=...".
	sessionGUID = regexp.MustCompile(`(?i)(\b(?:session|sid)[\w-]*[\s:=#"']{1,4})[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\b`)
)

// redactText applies RedactURL to the URLs of text, and the pair and token
// rules to the rest.
func redactText(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range textURL.FindAllStringIndex(text, -1) {
		b.WriteString(redactWords(text[last:m[0]]))
		raw := text[m[0]:m[1]]
		trail := len(raw) - len(strings.TrimRight(raw, ".,;:!?)]}"))
		raw, tail := raw[:len(raw)-trail], raw[len(raw)-trail:]
		if u, err := url.Parse(raw); err == nil {
			b.WriteString(RedactURL(u))
		} else {
			b.WriteString(Redacted)
		}
		b.WriteString(tail)
		last = m[1]
	}
	b.WriteString(redactWords(text[last:]))
	return b.String()
}

// redactWords redacts the values of secret-looking pairs and token-like
// words of a text without URLs.
func redactWords(s string) string {
	s = sessionGUID.ReplaceAllString(s, "${1}"+Redacted)
	s = textPair.ReplaceAllStringFunc(s, func(m string) string {
		sub := textPair.FindStringSubmatch(m)
		if sub[1] != "" { // JSON
			name := strings.Trim(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(sub[1]), ":")), `"`)
			if secretLikeName(name) || idName(name) {
				return sub[1] + `"` + Redacted + `"`
			}
			return m
		}
		if secretLikeName(sub[2]) {
			return sub[2] + "=" + Redacted
		}
		return m
	})
	return textWord.ReplaceAllStringFunc(s, func(w string) string {
		word := strings.TrimRight(w, ".") // the end of a sentence
		if tokenLike(word) && !uuidLike.MatchString(word) && !hostLike.MatchString(word) {
			return Redacted + w[len(word):]
		}
		return w
	})
}

// tokenLike reports whether a word of a URL path or of a text looks like a
// token, a session handle or an encoded blob: at least 20 characters of
// [A-Za-z0-9_.~=+/%-] with at least one letter and one digit. Words of
// plain language, paths like IdpInitiatedSignOn.aspx and numbers have no
// such mix.
func tokenLike(w string) bool {
	if len(w) < 20 {
		return false
	}
	letter, digit := false, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9':
			digit = true
		case strings.IndexByte("_.~=+/%-", c) >= 0:
		default:
			return false
		}
	}
	return letter && digit
}

// secretParts are the substrings (lower case) that make the name of a
// value quoted in a page's text secret.
var secretParts = []string{
	"pass", "pwd", "secret", "code", "otp", "token", "saml", "answer",
	"context", "state", "signature", "sig", "key", "ticket", "nonce",
	"assertion", "session", "sid", "pin", "cred", "wresult", "wctx", "auth", "cookie",
}

// secretLikeName reports whether a name=value or "name": "value" pair in a
// page's text names a value not to print (sessionId, access_token...).
// Text is prose, where an allow-list would redact everything; URLs and
// form bodies use allow-lists instead.
// idName reports whether a JSON key names an identifier of the sign-in
// ("ID", "id", "sid", "requestId"...): its value may resume or identify a
// session, and a message needs none of it.
func idName(name string) bool {
	n := strings.ToLower(name)
	return n == "id" || n == "sid" || strings.HasSuffix(n, "id") && len(n) > 2 && name[len(name)-2] == 'I'
}

func secretLikeName(name string) bool {
	n := strings.ToLower(name)
	for _, p := range secretParts {
		if strings.Contains(n, p) {
			return true
		}
	}
	return false
}
