package idp

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "  Incorrect user ID\n\tor password. ", "Incorrect user ID or password."},
		{"CSI", "a\x1b[2Jb\x1b[1;31mred\x1b[0m", "abred"},
		{"OSC 52 BEL", "x\x1b]52;c;cm0gLXJmIH4=\x07y", "xy"},
		{"OSC ST", "x\x1b]0;title\x1b\\y", "xy"},
		{"OSC unterminated", "x\x1b]52;c;Zm9v", "x"},
		{"8-bit CSI and OSC", "x\u009b2Jy\u009d0;t\u009cz", "xyz"},
		{"ESC two chars", "a\x1bcb\x1b(Bc", "abc"},
		{"C0 and DEL", "a\x00b\x07c\x7fd\x08e", "abcde"},
		{"C1", "a\u0085b\u0090c", "a b"},
		{"bidi", "user\u202Egnp.exe\u2066x\u2069\u200F", "usergnp.exex"},
		{"zero width and BOM", "\ufeffa\u200bb", "ab"},
		{"invalid UTF-8", "a\xffb", "ab"},
		{"JSON secret", `{"error": "bad", "sessionId": "s3cr3t"}`, `{"error": "bad", "sessionId": "[redacted]"}`},
		{"pair", "see code=123456 and lang=en", "see code=[redacted] and lang=en"},
		{"base64 token", "token Zm9vYmFyYmF6MTIzNDU2Nzg5MA== here", "token [redacted] here"},
		{"hex token", "id 0123456789abcdef0123456789abcdef.", "id [redacted]."},
		{"activity id kept", "Activity ID: 00000000-0000-0000-3f00-0080000000e4", "Activity ID: 00000000-0000-0000-3f00-0080000000e4"},
		{"host kept", "cannot reach adfs01.corp.example.com.", "cannot reach adfs01.corp.example.com."},
		{"JWT", "bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "bearer [redacted]"},
		{"words kept", "MSIS7012: IdpInitiatedSignonPage is disabled", "MSIS7012: IdpInitiatedSignonPage is disabled"},
		{"URL", "go to https://idp.example.com/x;jsessionid=1?sid=2&loginToRp=urn:a. now",
			"go to https://idp.example.com/x;jsessionid=[redacted]?sid=[redacted]&loginToRp=urn:a. now"},
	}
	for _, tt := range tests {
		if got := CleanText(tt.in); got != tt.want {
			t.Errorf("%s: CleanText(%q)\n got %q\nwant %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestCleanTextBounds(t *testing.T) {
	// 3 MB on one line, multi-byte runes, escape sequences all along.
	big := strings.Repeat("Erreur é \x1b[2J ", 3<<20/16)
	got := CleanText(big)
	if n := utf8.RuneCountInString(got); n > MaxText+1 {
		t.Errorf("CleanText kept %d runes", n)
	}
	if !utf8.ValidString(got) || !strings.HasSuffix(got, "…") || strings.ContainsAny(got, "\x1b\n") {
		t.Errorf("CleanText = %q", got)
	}
	// Cut on a rune boundary.
	if got := CleanTextN(strings.Repeat("é", 10), 4); got != "éééé…" {
		t.Errorf("CleanTextN = %q", got)
	}
	// A token cut by the scan bound is not shown in part.
	tok := strings.Repeat("ab12", 1<<20)
	if got := CleanText(strings.Repeat("x", 10) + " " + tok); got != "xxxxxxxxxx…" {
		t.Errorf("CleanText(long token) = %q", got)
	}
}

func TestErrorsPrintCleanText(t *testing.T) {
	rej := &RejectedError{Kind: ErrRejected, Message: "bad\x1b]52;c;cm0gLXJm\x07 password\n" + strings.Repeat("x ", 1<<20)}
	msg := rej.Error()
	if strings.ContainsAny(msg, "\x1b\x07\n") || len(msg) > 2*MaxText+100 || !errors.Is(rej, ErrRejected) {
		t.Errorf("RejectedError = %q", msg)
	}
	pe := &PageError{Step: "open", Title: "T\x1b[2J\u202e", URL: "https://h/a;jsessionid=1", Status: 200,
		Detail: "it says: " + strings.Repeat("y", 1<<20)}
	msg = pe.Error()
	if strings.ContainsAny(msg, "\x1b\u202e") || strings.Contains(msg, "jsessionid=1") || len(msg) > 2*MaxText+200 {
		t.Errorf("PageError = %q", msg)
	}
	var said string
	Deps{Status: func(s string) { said = s }}.Say("enter %s", "42\x1b[2J")
	if said != "enter 42" {
		t.Errorf("Say = %q", said)
	}
}

// FuzzCleanText: whatever a page holds, the result is one line of valid
// UTF-8 without control or format characters, at most MaxText runes and
// the mark of a cut.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"Incorrect password.", "a\x1b[2Jb", "\x1b]52;c;Zm9v\x07", "\u202eabc", "x\u009b1;2m",
		`{"sessionId": "abc123def456ghi789jkl"}`, "see https://h/a;jsessionid=1?sid=2", "\xff\xfe", "\x1b]0;t\x1b\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanText(s)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > MaxText+1 {
			t.Fatalf("CleanText(%q) = %q", s, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (unicode.IsSpace(r) && r != ' ') {
				t.Fatalf("CleanText(%q) = %q holds %U", s, got, r)
			}
		}
	})
}

// Session ids the way real error pages quote them: a JSON "ID", a GUID
// after "session" or "sid". A GUID alone (ADFS's Activity ID) stays: an
// administrator needs it.
func TestCleanTextSessionIDs(t *testing.T) {
	for in, want := range map[string]string{
		`{"ID":"4f2a9c81-77b1-4c2e-9d3a-0b1c2d3e4f50","error":"bad"}`:  `{"ID":"[redacted]","error":"bad"}`,
		`{"requestId": "abc123"}`:                                      `{"requestId": "[redacted]"}`,
		`Your session: 4f2a9c81-77b1-4c2e-9d3a-0b1c2d3e4f50 has ended`: `Your session: [redacted] has ended`,
		`sid=4F2A9C81-77B1-4C2E-9D3A-0B1C2D3E4F50`:                     `sid=[redacted]`,
		`Activity ID: 4f2a9c81-77b1-4c2e-9d3a-0b1c2d3e4f50`:            `Activity ID: 4f2a9c81-77b1-4c2e-9d3a-0b1c2d3e4f50`,
		`{"valid": "yes"}`: `{"valid": "yes"}`,
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}
