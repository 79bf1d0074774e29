package awsconfig_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig"

	"github.com/samlogin/samlogin/internal/testtmp"
)

var errRejected = errors.New("rejected (test sentinel)")

// failOnce records one failed sign-in for key in dir, with the error err
// classified by classify.
func failOnce(t *testing.T, dir string, clk *clock, err error, classify func(error) (awsconfig.FailureKind, string)) {
	t.Helper()
	c := &awsconfig.CredentialCache{Dir: dir, Now: clk.Now, ClassifyFailure: classify}
	if _, _, got := c.Get(context.Background(), key, 0, func(context.Context) (*awsconfig.Credentials, error) { return nil, err }); got != err {
		t.Fatalf("Get = %v, want the fetch's error", got)
	}
}

// TestFailureRecordKeepsNoSecret: the record keeps the kind and the IdP's
// message, never the error string (a URL with a password in its query).
func TestFailureRecordKeepsNoSecret(t *testing.T) {
	dir := testtmp.Dir(t)
	clk := &clock{t: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}
	transport := errors.New(`Post "https://idp.example/sso?password=hunter2": dial tcp: connection refused`)
	failOnce(t, dir, clk, transport, func(error) (awsconfig.FailureKind, string) {
		return awsconfig.FailureUnreachable, "see https://idp.example/x?token=s3cr3t\x1b[31m now"
	})
	files, _ := filepath.Glob(filepath.Join(dir, "*.failed"))
	if len(files) != 1 {
		t.Fatalf("failure records: %v", files)
	}
	data, _ := os.ReadFile(files[0])
	for _, s := range []string{"hunter2", "s3cr3t", "password=", "\x1b", "connection refused"} {
		if strings.Contains(string(data), s) {
			t.Errorf("record %s holds %q", data, s)
		}
	}
	c := &awsconfig.CredentialCache{Dir: dir, Now: clk.Now}
	_, _, err := c.Get(context.Background(), key, 0, func(context.Context) (*awsconfig.Credentials, error) {
		t.Error("fetch ran within FailureHold of a shared failure")
		return nil, nil
	})
	var fe *awsconfig.FailedSignInError
	if !errors.As(err, &fe) || fe.Kind != awsconfig.FailureUnreachable ||
		err.Error() != `another samlogin tried to sign in just now (same IdP, user and role) and failed: the identity provider or STS could not be reached: "see [url] [31m now"` {
		t.Errorf("err = %v", err)
	}
}

// TestFailureRecordMapsToSentinel: a waiter's error unwraps to what the
// kind maps to (the exit code of a rejected password).
func TestFailureRecordMapsToSentinel(t *testing.T) {
	dir := testtmp.Dir(t)
	clk := &clock{t: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}
	failOnce(t, dir, clk, errors.New("adfs: rejected"), func(error) (awsconfig.FailureKind, string) {
		return awsconfig.FailureRejected, "Incorrect user ID or password."
	})
	c := &awsconfig.CredentialCache{Dir: dir, Now: clk.Now, FailureError: func(k awsconfig.FailureKind) error {
		if k == awsconfig.FailureRejected {
			return errRejected
		}
		return nil
	}}
	_, _, err := c.Get(context.Background(), key, 0, nil)
	if !errors.Is(err, errRejected) {
		t.Errorf("err = %v, want it to wrap the rejected sentinel", err)
	}
}

// TestFailureRecordFutureAndForce: a record dated in the future is
// ignored, and --force (margin math.MaxInt64) is never refused by one.
func TestFailureRecordFutureAndForce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		later  time.Duration // the clock of the next call, from the failure
		margin time.Duration
	}{
		{"future", -time.Hour, 0},
		{"force", 0, math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testtmp.Dir(t)
			clk := &clock{t: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}
			failOnce(t, dir, clk, errors.New("x"), nil)
			clk.Add(tc.later)
			c := &awsconfig.CredentialCache{Dir: dir, Now: clk.Now}
			_, fresh, err := c.Get(context.Background(), key, tc.margin, func(context.Context) (*awsconfig.Credentials, error) {
				return testCreds(1, clk.Now().Add(time.Hour)), nil
			})
			if err != nil || !fresh {
				t.Errorf("Get = %v, fresh %v; want a new sign-in", err, fresh)
			}
		})
	}
}

// TestCacheLockTimeoutNamesStep: a waiter that gives up says which step
// the process holding the lock reported.
func TestCacheLockTimeoutNamesStep(t *testing.T) {
	dir := testtmp.Dir(t)
	holdSignInLock(t, dir, "calling STS at https://127.0.0.1:9")
	c := &awsconfig.CredentialCache{Dir: dir, LockWait: 20 * time.Millisecond, PollInterval: time.Millisecond}
	_, _, err := c.Get(context.Background(), key, 0, nil)
	if !errors.Is(err, awsconfig.ErrCacheLockTimeout) ||
		!strings.Contains(err.Error(), ") was calling STS at https://127.0.0.1:9, since ") ||
		!strings.Contains(err.Error(), "the other samlogin (pid ") {
		t.Errorf("err = %v, want the holder's step", err)
	}
}

// TestCacheLockWaitEndsOnCancel: Ctrl-C ends a wait for another process's
// sign-in at once.
func TestCacheLockWaitEndsOnCancel(t *testing.T) {
	dir := testtmp.Dir(t)
	holdSignInLock(t, dir, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := &awsconfig.CredentialCache{Dir: dir, LockWait: time.Hour}
	if _, _, err := c.Get(ctx, key, 0, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want the cancellation", err)
	}
}
