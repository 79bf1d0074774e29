package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// TimeoutError is a network step that had not answered when the context's
// deadline passed (the command's --timeout), retries included. It names
// the step and the URL it waited on; cmd/samlogin adds the bound.
type TimeoutError struct {
	Step string // "STS", "the federation endpoint", "the AWS sign-in page"
	URL  string // the endpoint, without query: it never holds a secret
	// Err is the context's cause: it matches context.DeadlineExceeded.
	Err error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s did not answer in time at %s", e.Step, e.URL)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// deadlineError returns a *TimeoutError for step when ctx's deadline has
// passed, the context's error wrapped when it was cancelled, and nil while
// ctx is live: the SDK's and net/http's own errors for a dead context
// ("operation error STS: ..., context deadline exceeded") name neither the
// step nor the bound.
func deadlineError(ctx context.Context, step, url string) error {
	switch err := ctx.Err(); {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		cause := context.Cause(ctx)
		if cause == nil {
			cause = err
		}
		return &TimeoutError{Step: step, URL: url, Err: cause}
	default:
		return fmt.Errorf("%s at %s: %w", step, url, err)
	}
}

// ErrDowngrade is returned (wrapped, naming both URLs) when an https
// endpoint redirects to plain http: what it would send (credentials, a
// sign-in token) must not cross the network in clear.
var ErrDowngrade = errors.New("redirected from https to plain http")

// RefuseDowngrade is an http.Client's CheckRedirect that refuses an https
// to http redirect and stops after 10 redirects, as net/http does.
func RefuseDowngrade(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if prev := via[len(via)-1]; prev.URL.Scheme == "https" && req.URL.Scheme == "http" {
		return fmt.Errorf("%w: %s://%s%s to http://%s%s", ErrDowngrade,
			prev.URL.Scheme, prev.URL.Host, prev.URL.Path, req.URL.Host, req.URL.Path)
	}
	return nil
}
