package awsconfig_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/internal/secret"
)

// stalled is a server that accepts requests and never answers until the
// client gives up; it counts the requests.
func stalled(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) }) // runs first
	return srv, &n
}

// TestStalledSTSTimeout: a stalled STS ends the call at the context's
// deadline, retries included, with a *TimeoutError naming STS and the URL.
func TestStalledSTSTimeout(t *testing.T) {
	srv, _ := stalled(t)
	in := awsconfig.AssumeInput{
		RoleARN: testRole, PrincipalARN: testPrincipal, Assertion: testAssertion(),
		Endpoint: srv.URL, Now: fixedNow, MaxAttempts: 5,
	}
	cause := errors.New("the test's bound")
	ctx, cancel := context.WithTimeoutCause(context.Background(), 100*time.Millisecond, cause)
	defer cancel()
	_, err := awsconfig.AssumeRoleWithSAML(ctx, in)
	var te *awsconfig.TimeoutError
	if !errors.As(err, &te) || te.Step != "STS" || te.URL != srv.URL {
		t.Fatalf("err = %v, want a TimeoutError for STS at %s", err, srv.URL)
	}
	if !errors.Is(err, cause) {
		t.Errorf("err = %v does not carry the context's cause", err)
	}

	chained := awsconfig.RoleChainInput{
		RoleARN:     "arn:aws:iam::210987654321:role/Deploy",
		AccessKeyID: "ASIASOURCE", SecretAccessKey: secret.New("s"), SessionToken: secret.New("t"),
		Endpoint: srv.URL,
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	_, err = awsconfig.AssumeChainedRole(ctx2, chained)
	if !errors.As(err, &te) || te.Step != "STS" || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("AssumeChainedRole err = %v, want a TimeoutError", err)
	}
}

// TestStalledSTSCancelled: a cancellation (Ctrl-C) is not a timeout.
func TestStalledSTSCancelled(t *testing.T) {
	srv, n := stalled(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for n.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	in := awsconfig.AssumeInput{
		RoleARN: testRole, PrincipalARN: testPrincipal, Assertion: testAssertion(),
		Endpoint: srv.URL, Now: fixedNow,
	}
	_, err := awsconfig.AssumeRoleWithSAML(ctx, in)
	var te *awsconfig.TimeoutError
	if !errors.Is(err, context.Canceled) || errors.As(err, &te) {
		t.Fatalf("err = %v, want the cancellation", err)
	}
}

// TestSTSServerErrorHint: STS answering 5xx (after the retries) says to
// retry, whether the body is an STS error or an HTML page.
func TestSTSServerErrorHint(t *testing.T) {
	for _, body := range []string{
		`<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>oops</Message></Error><RequestId>r1</RequestId></ErrorResponse>`,
		`<html>bad gateway</html>`,
	} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(body))
		}))
		in := awsconfig.AssumeInput{
			RoleARN: testRole, PrincipalARN: testPrincipal, Assertion: testAssertion(),
			Endpoint: srv.URL, Now: fixedNow, MaxAttempts: 2, RetryMaxBackoff: time.Millisecond,
		}
		_, err := awsconfig.AssumeRoleWithSAML(context.Background(), in)
		srv.Close()
		var se *awsconfig.STSError
		if !errors.As(err, &se) || se.Kind != awsconfig.KindServer || !strings.HasPrefix(se.Hint, "retry; AWS STS is having trouble") {
			t.Errorf("body %.20q: err = %v (%+v), want KindServer with the retry hint", body, err, se)
		}
		if calls.Load() != 2 {
			t.Errorf("body %.20q: %d calls, want 2 (the SDK's retries)", body, calls.Load())
		}
	}
}

// TestFederationTimeout: a stalled federation endpoint ends at the
// deadline with a *TimeoutError that names it, and no credential in the
// message.
func TestFederationTimeout(t *testing.T) {
	srv, _ := stalled(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := awsconfig.SigninURL(ctx, signinInput(srv.URL+"/federation"))
	var te *awsconfig.TimeoutError
	if !errors.As(err, &te) || te.Step != "the federation endpoint" || te.URL != srv.URL+"/federation" {
		t.Fatalf("err = %v, want a TimeoutError for the federation endpoint", err)
	}
	if strings.Contains(err.Error(), "tok=en") || strings.Contains(err.Error(), "sec/ret") {
		t.Errorf("error %q holds a credential", err)
	}
}

// TestFederationDowngrade: an https federation endpoint that redirects to
// plain http is refused (the sign-in token would cross in clear).
func TestFederationDowngrade(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the plain http endpoint was called")
	}))
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/federation", http.StatusFound)
	}))
	defer tlsSrv.Close()
	in := signinInput(tlsSrv.URL + "/federation")
	c := tlsSrv.Client()
	in.HTTPClient = c
	in.HTTPClient.CheckRedirect = awsconfig.RefuseDowngrade
	_, err := awsconfig.SigninURL(context.Background(), in)
	var ne *awsconfig.FederationNetError
	if !errors.Is(err, awsconfig.ErrDowngrade) || !errors.As(err, &ne) {
		t.Fatalf("err = %v, want ErrDowngrade", err)
	}
}
