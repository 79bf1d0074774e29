package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/samlogin/samlogin/awsconfig"
)

// timeoutCause is the cause of a context whose --timeout passed: it
// carries the flag's value to the message, which the domain packages
// never see ("STS did not answer within --timeout 3s at https://...").
// It matches context.DeadlineExceeded.
type timeoutCause struct{ d time.Duration }

func (e *timeoutCause) Error() string        { return fmt.Sprintf("--timeout %s passed", e.d) }
func (e *timeoutCause) Is(target error) bool { return target == context.DeadlineExceeded }

// withTimeout bounds ctx by the --timeout d. Every command that waits on
// the network derives its context from it, so that a step that did not
// answer is reported with the bound.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, d, &timeoutCause{d})
}

// timeoutMessage renders a step that did not answer before the bound, or
// "" when err is not one.
func timeoutMessage(err error) string {
	var te *awsconfig.TimeoutError
	if !errors.As(err, &te) {
		return ""
	}
	within := "in time"
	var tc *timeoutCause
	if errors.As(err, &tc) {
		within = "within --timeout " + tc.d.String()
	}
	return fmt.Sprintf("%s did not answer %s at %s", te.Step, within, te.URL)
}

// boundError is a step that ran into the bound: its message says which,
// and it wraps the context's cause (errors.Is(err,
// context.DeadlineExceeded) holds).
type boundError struct {
	msg   string
	cause error
}

func (e *boundError) Error() string { return e.msg }
func (e *boundError) Unwrap() error { return e.cause }
