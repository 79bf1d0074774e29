package browser

import (
	"errors"
	"strings"
	"testing"
)

func TestSAMLResponseFromForm(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	for _, c := range []struct {
		name, ct, body, want string
		err                  error // nil: success; errAny: some error
	}{
		{"plain", form, "SAMLResponse=PHNhbWw%2BCg%3D%3D", "PHNhbWw+Cg==", nil},
		{"relaystate first", form, "RelayState=x&SAMLResponse=abc", "abc", nil},
		{"relaystate last", form, "SAMLResponse=abc&RelayState=y", "abc", nil},
		{"trailing newline trimmed", form, "SAMLResponse=abc%0D%0A", "abc", nil},
		{"charset param", form + "; charset=UTF-8", "SAMLResponse=abc", "abc", nil},
		{"no content type", "", "SAMLResponse=abc", "abc", nil},
		{"missing", form, "RelayState=x", "", ErrNoSAMLResponse},
		{"empty", form, "SAMLResponse=", "", ErrNoSAMLResponse},
		{"empty body", form, "", "", ErrNoSAMLResponse},
		{"twice", form, "SAMLResponse=a&SAMLResponse=b", "", errAny},
		{"multipart", "multipart/form-data; boundary=x", "--x", "", errAny},
		{"json", "application/json", `{"SAMLResponse":"a"}`, "", errAny},
		{"malformed", form, "SAMLResponse=%zzsecret", "", errAny},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := SAMLResponseFromForm(c.ct, []byte(c.body))
			switch {
			case c.err == nil && err != nil:
				t.Fatalf("error %v", err)
			case c.err == errAny && err == nil, c.err != nil && c.err != errAny && !errors.Is(err, c.err):
				t.Fatalf("error %v, want %v", err, c.err)
			}
			if got.Reveal() != c.want {
				t.Errorf("got %q, want %q", got.Reveal(), c.want)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q shows the body", err)
			}
		})
	}
}

var errAny = errors.New("any error")

func TestSAMLResponseFromFormOversize(t *testing.T) {
	body := "SAMLResponse=" + strings.Repeat("A", MaxBody)
	if _, err := SAMLResponseFromForm("", []byte(body)); err == nil {
		t.Fatal("no error for an oversize body")
	}
}

func FuzzSAMLResponseFromForm(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", "SAMLResponse=abc&RelayState=x")
	f.Add("", "SAMLResponse=%2B%2F")
	f.Add("text/plain", "x")
	f.Fuzz(func(t *testing.T, ct, body string) {
		got, err := SAMLResponseFromForm(ct, []byte(body))
		if err == nil && got.Empty() {
			t.Fatal("success with an empty SAMLResponse")
		}
		// An error never depends on the body's text: it is one of a fixed
		// set of messages (the content type may be named).
		if err != nil && !errors.Is(err, ErrNoSAMLResponse) && !strings.Contains(err.Error(), "content type") {
			switch err.Error() {
			case "browser: read the post to AWS: malformed form body",
				"browser: read the post to AWS: more than one SAMLResponse":
			default:
				t.Fatalf("unexpected error %q", err)
			}
		}
	})
}
