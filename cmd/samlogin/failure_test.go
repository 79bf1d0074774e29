package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
)

func TestFailureKind(t *testing.T) {
	for _, tc := range []struct {
		err  error
		kind awsconfig.FailureKind
		msg  string
	}{
		{fmt.Errorf("adfs: submit login form: %w", &idp.RejectedError{Kind: idp.ErrRejected, Message: "Incorrect user ID or password."}),
			awsconfig.FailureRejected, "Incorrect user ID or password."},
		{&idp.RejectedError{Kind: idp.ErrMFARejected}, awsconfig.FailureMFARejected, ""},
		// The record is printed by other processes: one clean line, URLs redacted.
		{&idp.RejectedError{Kind: idp.ErrRejected, Message: "Bad\x1b[2J\x1b]52;c;cm0=\x07\n password: https://idp.example/x;jsessionid=1?sid=2 Zm9vYmFyYmF6MTIzNDU2Nzg5MA"},
			awsconfig.FailureRejected, "Bad password: https://idp.example/x;jsessionid=[redacted]?sid=[redacted] [redacted]"},
		{idp.ErrMFATimeout, awsconfig.FailureMFATimeout, ""},
		{fmt.Errorf("sts: %w", &awsconfig.TimeoutError{Step: "STS", URL: "https://x", Err: context.DeadlineExceeded}), awsconfig.FailureNone, ""},
		{&awsconfig.STSError{Kind: awsconfig.KindNetwork}, awsconfig.FailureUnreachable, ""},
		{&awsconfig.STSError{Kind: awsconfig.KindAccessDenied}, awsconfig.FailureSTS, ""},
		{fmt.Errorf("post: %w", &net.DNSError{Name: "idp.example", IsNotFound: true}), awsconfig.FailureUnreachable, ""},
		{usagef("no"), awsconfig.FailureNone, ""},
		{fmt.Errorf("x: %w", idp.ErrNoPrompt), awsconfig.FailureNone, ""},
		{idp.ErrCancelled, awsconfig.FailureNone, ""},
		{context.Canceled, awsconfig.FailureNone, ""},
		{errors.New("page: unexpected page"), awsconfig.FailureOther, ""},
	} {
		kind, msg := failureKind(tc.err)
		if kind != tc.kind || msg != tc.msg {
			t.Errorf("failureKind(%v) = %q, %q; want %q, %q", tc.err, kind, msg, tc.kind, tc.msg)
		}
	}
}

// TestSharedRejectionExitCode: a process that waited for another one's
// rejected sign-in exits 4 with the password hint, as that one did.
func TestSharedRejectionExitCode(t *testing.T) {
	err := error(&awsconfig.FailedSignInError{Kind: awsconfig.FailureRejected, Message: "Incorrect user ID or password.",
		Err: failureError(awsconfig.FailureRejected)})
	if got := exitCode(err); got != exitRejected {
		t.Errorf("exit %d, want %d", got, exitRejected)
	}
	want := `another samlogin tried to sign in just now (same IdP, user and role) and failed: the identity provider rejected the username or password: "Incorrect user ID or password."; check the user name and password; samlogin sent it once and did not retry, so it added no failed attempt of its own`
	if got := message(err); got != want {
		t.Errorf("message:\n got %s\nwant %s", got, want)
	}
	if got := exitCode(&awsconfig.FailedSignInError{Kind: awsconfig.FailureUnreachable, Err: failureError(awsconfig.FailureUnreachable)}); got != exitError {
		t.Errorf("unreachable: exit %d, want %d", got, exitError)
	}
}

// TestTimeoutMessage: a step that hit --timeout is one line naming the
// step, the bound and the URL.
func TestTimeoutMessage(t *testing.T) {
	ctx, cancel := withTimeout(context.Background(), 1)
	defer cancel()
	<-ctx.Done()
	err := fmt.Errorf("sts: assume role: %w", &awsconfig.TimeoutError{Step: "STS", URL: "https://127.0.0.1:4443", Err: context.Cause(ctx)})
	want := "STS did not answer within --timeout 1ns at https://127.0.0.1:4443; check that it is reachable from here (VPN, proxy: HTTPS_PROXY), or raise --timeout"
	if got := message(err); got != want {
		t.Errorf("message:\n got %s\nwant %s", got, want)
	}
	if exitCode(err) != exitError {
		t.Errorf("exit %d", exitCode(err))
	}
	// A context bounded elsewhere: no flag value to name.
	plain := &awsconfig.TimeoutError{Step: "the federation endpoint", URL: "https://f", Err: context.DeadlineExceeded}
	if got := message(plain); got != "the federation endpoint did not answer in time at https://f; check that it is reachable from here (VPN, proxy: HTTPS_PROXY), or raise --timeout" {
		t.Errorf("message = %s", got)
	}
}

func TestNextStepHints(t *testing.T) {
	for _, tc := range []struct {
		err  error
		hint string
	}{
		{fmt.Errorf("console: %w", &awsconfig.FederationNetError{URL: "https://signin.aws.amazon.com/federation",
			Err: &net.DNSError{Name: "signin.aws.amazon.com", IsNotFound: true}}),
			"the name signin.aws.amazon.com does not resolve: check your DNS and VPN, and SAMLOGIN_FEDERATION_URL if you set it"},
		{fmt.Errorf("x: %w", awsconfig.ErrDowngrade),
			"a proxy or the endpoint sends samlogin from https to plain http, which it refuses: check HTTPS_PROXY and the endpoint's URL"},
	} {
		if got := hintFor(tc.err); got != tc.hint {
			t.Errorf("hintFor(%v) = %q, want %q", tc.err, got, tc.hint)
		}
	}
}

// The error line is the last guard for the terminal: whatever a domain
// package left in an error (an ADFS method name off a page, say), escape
// sequences and bidi overrides do not reach it, and it stays one line.
func TestMessagePrintable(t *testing.T) {
	err := fmt.Errorf("adfs: choose authentication method: %q is not offered\n\x1b]52;c;cHduZWQ=\x07 \u202egnp.exe \x9b2J", "Evil\x1b[2JMethod")
	got := message(err)
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "\x9b", "\n"} {
		if strings.Contains(got, bad) {
			t.Errorf("message holds %q: %q", bad, got)
		}
	}
	if !strings.Contains(got, "is not offered") {
		t.Errorf("message lost its words: %q", got)
	}
}

// An unknown CA gets the --ca-bundle hint, through the wrapping an HTTP
// client error has.
func TestMessageUnknownCA(t *testing.T) {
	err := fmt.Errorf("form: open sign-in page: %w", &url.Error{Op: "Get", URL: "https://sso.example.com/", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}})
	if got := message(err); !strings.Contains(got, "--ca-bundle FILE or AWS_CA_BUNDLE") {
		t.Errorf("message = %q", got)
	}
}
