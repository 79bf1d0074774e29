package main

import (
	"context"
	"errors"
	"net"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/browser"
)

// failureKind tells how a failed sign-in is shared with the processes that
// waited for it: what a retry would repeat at the IdP or STS (a rejected
// password, an MFA denial, an unreachable host) is shared, with the IdP's
// own message (through idp.CleanText: the record is read and printed by
// other processes, so it holds one clean line, URLs redacted); a local problem (a missing input, a usage error, a
// cancellation) is not, and neither is a timeout, which is the bound of the
// process that waited.
func failureKind(err error) (awsconfig.FailureKind, string) {
	var ue *usageError
	var rej *idp.RejectedError
	var se *awsconfig.STSError
	var te *awsconfig.TimeoutError
	var dns *net.DNSError
	var op *net.OpError
	msg := ""
	if errors.As(err, &rej) {
		msg = idp.CleanText(rej.Message)
	}
	switch {
	case errors.Is(err, idp.ErrNoPrompt), errors.As(err, &ue),
		errors.Is(err, idp.ErrCancelled), errors.Is(err, context.Canceled),
		// This process's browser, display or wait: not another's.
		errors.Is(err, browser.ErrNoDisplay), errors.Is(err, browser.ErrNoBrowser),
		errors.Is(err, browser.ErrStart), errors.Is(err, browser.ErrProfile), errors.Is(err, browser.ErrTimeout):
		return awsconfig.FailureNone, ""
	case errors.Is(err, idp.ErrRejected):
		return awsconfig.FailureRejected, msg
	case errors.Is(err, idp.ErrMFARejected):
		return awsconfig.FailureMFARejected, msg
	case errors.Is(err, idp.ErrMFATimeout):
		return awsconfig.FailureMFATimeout, ""
	case errors.As(err, &te), errors.Is(err, context.DeadlineExceeded):
		// Not shared: each waiter has its own --timeout, and a retry
		// within it costs nothing at the IdP.
		return awsconfig.FailureNone, ""
	case errors.As(err, &se) && se.Kind == awsconfig.KindNetwork,
		errors.As(err, &dns), errors.As(err, &op):
		return awsconfig.FailureUnreachable, ""
	case se != nil:
		return awsconfig.FailureSTS, ""
	}
	return awsconfig.FailureOther, ""
}

// failureError maps a shared failure's kind back to the IdP's sentinel
// error, so that a waiter exits as the process that failed did (4 for a
// rejected password).
func failureError(k awsconfig.FailureKind) error {
	switch k {
	case awsconfig.FailureRejected:
		return idp.ErrRejected
	case awsconfig.FailureMFARejected:
		return idp.ErrMFARejected
	case awsconfig.FailureMFATimeout:
		return idp.ErrMFATimeout
	}
	return nil
}
