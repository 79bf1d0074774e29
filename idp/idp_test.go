package idp

import (
	"errors"
	"testing"
)

func TestRejectedErrorMessageCode(t *testing.T) {
	for _, tc := range []struct {
		e    RejectedError
		want string
	}{
		{RejectedError{Kind: ErrRejected, Code: "5"}, "the identity provider rejected the username or password (its message code 5)"},
		{RejectedError{Kind: ErrMFARejected, Code: "96"}, "the identity provider rejected the second factor (its message code 96)"},
		// The words win over the code.
		{RejectedError{Kind: ErrRejected, Message: "Bad password", Code: "5"}, `the identity provider rejected the username or password: "Bad password"`},
		{RejectedError{Kind: ErrRejected, Code: "\x1b[2J"}, "the identity provider rejected the username or password"}, // a code that cleans to nothing,
		{RejectedError{Kind: ErrRejected}, "the identity provider rejected the username or password"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestBrowserPageError(t *testing.T) {
	e := &BrowserPageError{Kind: ErrUnsupportedMFA, What: "Duo", Driver: "the form driver", Step: "submit login form",
		Title: "Redirecting\x1b[2J", URL: "https://sso.example.com/login"}
	want := `submit login form: Duo is not supported by the form driver (page "Redirecting" at https://sso.example.com/login)`
	if e.Error() != want || !errors.Is(e, ErrUnsupportedMFA) || errors.Is(e, ErrNeedsBrowser) {
		t.Errorf("Error() = %q, want %q, wrapping ErrUnsupportedMFA only", e.Error(), want)
	}
	e = &BrowserPageError{Kind: ErrNeedsBrowser, Step: "open sign-in page", Title: "Loading", URL: "https://sso.example.com/app"}
	want = `open sign-in page: the page "Loading" at https://sso.example.com/app needs JavaScript to go on (no form, no link, no refresh), which samlogin does not run`
	if e.Error() != want || !errors.Is(e, ErrNeedsBrowser) {
		t.Errorf("Error() = %q, want %q, wrapping ErrNeedsBrowser", e.Error(), want)
	}
}
