package awsconfig

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/samlogin/samlogin/internal/atomicfile"
	"github.com/samlogin/samlogin/internal/secret"
)

// DefaultRefreshMargin is how long cached credentials must still be valid
// to be served without signing in again.
const DefaultRefreshMargin = 5 * time.Minute

// ErrCacheLockTimeout is returned (wrapped) by CredentialCache.Get when
// another process held the sign-in lock longer than the cache's LockWait.
var ErrCacheLockTimeout = errors.New("timed out waiting for another samlogin to sign in")

// StateDir is samlogin's own folder under home, ~/.aws/samlogin: the
// credential cache, the assertion cache and the account aliases.
func StateDir(home string) string { return filepath.Join(home, ".aws", "samlogin") }

// CheckStateDir checks samlogin's folders under home, StateDir and
// CacheDir, before a command writes in them: each that exists must be the
// user's own folder (a symbolic link to one is checked as
// atomicfile.Resolve does: a link to another user's folder, or one in a
// folder anyone can write to, is an *atomicfile.UnsafePathError). One that
// others can read or enter is made 0700, and ctx's notices (WithNotices)
// say so. A missing folder is left to the writers, which create it 0700.
func CheckStateDir(ctx context.Context, home string) error {
	for _, dir := range []string{StateDir(home), CacheDir(home)} {
		old, changed, err := atomicfile.EnsurePrivateDir(dir)
		if err != nil {
			return err
		}
		if changed {
			notify(ctx, fmt.Sprintf("%s was open to other users (mode %#o); it is now %#o", dir, old, atomicfile.PrivateDir))
		}
	}
	return nil
}

// CacheDir is the folder of samlogin's credential cache under home:
// ~/.aws/samlogin/credentials.
func CacheDir(home string) string { return filepath.Join(StateDir(home), "credentials") }

// CacheKey names one cache entry. Credentials are cached per identity
// provider, user and role, so that changing any of them never returns
// another one's keys.
type CacheKey struct {
	IdP      string // the ADFS host or SAML portal URL
	Username string // compared case-insensitively, as the IdPs do
	RoleARN  string // the role, or a marker of how the role is chosen
}

// name is the entry's file name without extension: a hash, so that no
// user name or URL character reaches the file system.
func (k CacheKey) name() string {
	h := sha256.Sum256([]byte(k.IdP + "\x00" + strings.ToLower(k.Username) + "\x00" + k.RoleARN))
	return hex.EncodeToString(h[:16])
}

// Same reports whether k and o name the same entry (the user name compared
// without case).
func (k CacheKey) Same(o CacheKey) bool { return k.same(o) }

func (k CacheKey) same(o CacheKey) bool {
	return k.IdP == o.IdP && strings.EqualFold(k.Username, o.Username) && k.RoleARN == o.RoleARN
}

// ProcessCredentials is the JSON a credential_process prints (and the
// shape `aws configure export-credentials --format process` prints).
type ProcessCredentials struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken"`
	Expiration      string `json:"Expiration"`
}

// ProcessJSON returns c as credential_process JSON: one line, newline
// terminated. It holds the secrets in clear: write it only to stdout for
// the AWS tool that asked, or to a 0600 file.
func ProcessJSON(c *Credentials) []byte {
	b, _ := json.Marshal(ProcessCredentials{
		Version:         1,
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey.Reveal(),
		SessionToken:    c.SessionToken.Reveal(),
		Expiration:      c.Expiration.UTC().Format(time.RFC3339),
	})
	return append(b, '\n')
}

// cacheFile is one entry on disk: the credential_process fields, and what
// the entry is for.
type cacheFile struct {
	ProcessCredentials
	IdP            string    `json:"samlogin_idp"`
	Username       string    `json:"samlogin_username"`
	RoleARN        string    `json:"samlogin_role_arn"`
	AssumedRoleARN string    `json:"samlogin_assumed_role_arn,omitempty"`
	Obtained       time.Time `json:"samlogin_obtained"`
}

// failureFile records a failed sign-in, so that processes that waited for
// it fail too instead of each trying again (one bad password, not thirty).
// It keeps the kind of failure and the IdP's own message, never an error
// string: a transport error may carry a URL with a secret in its query.
type failureFile struct {
	At      time.Time   `json:"at"`
	Kind    FailureKind `json:"kind"`
	Message string      `json:"idp_message,omitempty"`
}

// FailureKind is what went wrong in a failed sign-in, as shared with the
// processes that waited for it.
type FailureKind string

// The kinds of shared failure. FailureNone is a failure that is not shared
// (a cancellation, a missing input: a retry would not repeat it at the
// IdP).
const (
	FailureNone        FailureKind = ""
	FailureRejected    FailureKind = "rejected"     // the IdP rejected the username or password
	FailureMFARejected FailureKind = "mfa-rejected" // the IdP rejected the second factor
	FailureMFATimeout  FailureKind = "mfa-timeout"  // the second factor was not approved in time
	FailureUnreachable FailureKind = "unreachable"  // the IdP or STS could not be reached
	FailureSTS         FailureKind = "sts"          // STS refused the assertion or the role
	FailureOther       FailureKind = "other"
)

// text is the fixed sentence of a kind: the only description of a failure
// that is written to disk.
func (k FailureKind) text() string {
	switch k {
	case FailureRejected:
		return "the identity provider rejected the username or password"
	case FailureMFARejected:
		return "the identity provider rejected the second factor"
	case FailureMFATimeout:
		return "the second factor was not approved in time"
	case FailureUnreachable:
		return "the identity provider or STS could not be reached"
	case FailureSTS:
		return "STS refused the sign-in"
	}
	return "the sign-in failed"
}

// oneLine replaces control characters (line breaks, terminal escapes)
// with spaces.
func oneLine(m string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, m)
}

// maxFailureMessage caps the IdP message kept in a failure record.
const maxFailureMessage = 200

// sanitizeMessage keeps an IdP's message printable, on one line, short,
// and free of anything that looks like a URL (which may hold a secret in
// its query).
func sanitizeMessage(m string) string {
	words := strings.Fields(oneLine(m))
	for i, w := range words {
		if strings.Contains(w, "://") || strings.Contains(w, "?") && strings.Contains(w, "=") {
			words[i] = "[url]"
		}
	}
	m = strings.Join(words, " ")
	if len(m) > maxFailureMessage {
		m = strings.ToValidUTF8(m[:maxFailureMessage], "") + "..."
	}
	return m
}

// CachedCredentials are credentials read from the cache.
type CachedCredentials struct {
	Credentials
	Obtained time.Time // when samlogin stored them
}

// CredentialCache is samlogin's own cache of temporary credentials, one
// JSON file per CacheKey in Dir (0600 files in a 0700 folder), written
// atomically (temporary file, fsync, rename), read without a lock.
type CredentialCache struct {
	Dir string
	// Now is the clock for expiry decisions; nil: time.Now.
	Now func() time.Time
	// LockWait bounds how long Get waits for another process's sign-in;
	// 0: LockTimeout.
	LockWait time.Duration
	// PollInterval is how often a waiting Get retries the lock; 0: 10 ms.
	PollInterval time.Duration
	// ClassifyFailure tells whether a failed fetch is also the answer of
	// the processes waiting for it (see Get), and as what: its kind and
	// the IdP's own message ("" when none). FailureNone: not shared.
	// Share what a retry would repeat at the IdP (a rejected password, an
	// MFA denial, an unreachable host), not a local problem such as a
	// missing input. nil: every failure but a cancellation, as
	// FailureOther, except a timeout, which is the bound of the process
	// that waited: each waiter has its own.
	ClassifyFailure func(error) (FailureKind, string)
	// FailureError, when set, gives the error a shared failure of a kind
	// unwraps to (the IdP's sentinel errors, for exit codes and hints).
	FailureError func(FailureKind) error
}

func (c *CredentialCache) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

func (c *CredentialCache) path(k CacheKey, ext string) string {
	return filepath.Join(c.Dir, k.name()+ext)
}

// Load returns the entry for k, or nil and no error when there is none
// (or it is unreadable: a cache miss is never fatal, the caller signs in).
func (c *CredentialCache) Load(k CacheKey) *CachedCredentials {
	data, err := atomicfile.ReadRegular(c.path(k, ".json")) // never blocks on a pipe
	if err != nil {
		return nil
	}
	var f cacheFile
	if json.Unmarshal(data, &f) != nil || f.Version != 1 || f.AccessKeyID == "" ||
		!k.same(CacheKey{IdP: f.IdP, Username: f.Username, RoleARN: f.RoleARN}) {
		return nil
	}
	exp, err := time.Parse(time.RFC3339, f.Expiration)
	if err != nil {
		return nil
	}
	return &CachedCredentials{
		Credentials: Credentials{
			AccessKeyID:     f.AccessKeyID,
			SecretAccessKey: secret.New(f.SecretAccessKey),
			SessionToken:    secret.New(f.SessionToken),
			Expiration:      exp,
			AssumedRoleARN:  f.AssumedRoleARN,
		},
		Obtained: f.Obtained,
	}
}

// Valid returns the entry for k when it is valid for longer than margin.
func (c *CredentialCache) Valid(k CacheKey, margin time.Duration) *CachedCredentials {
	e := c.Load(k)
	if e == nil || e.Expiration.Sub(c.now()) <= margin {
		return nil
	}
	return e
}

// Store writes cr as the entry for k, atomically, and clears a recorded
// failure.
func (c *CredentialCache) Store(k CacheKey, cr *Credentials) error {
	data, err := json.MarshalIndent(cacheFile{
		ProcessCredentials: ProcessCredentials{
			Version:         1,
			AccessKeyID:     cr.AccessKeyID,
			SecretAccessKey: cr.SecretAccessKey.Reveal(),
			SessionToken:    cr.SessionToken.Reveal(),
			Expiration:      cr.Expiration.UTC().Format(time.RFC3339),
		},
		IdP:            k.IdP,
		Username:       k.Username,
		RoleARN:        k.RoleARN,
		AssumedRoleARN: cr.AssumedRoleARN,
		Obtained:       c.now().UTC(),
	}, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(c.path(k, ".json"), append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("credential cache: %w", err)
	}
	_ = os.Remove(c.path(k, ".failed"))
	return nil
}

// Remove deletes the entry for k; a missing entry is not an error.
func (c *CredentialCache) Remove(k CacheKey) error {
	err := os.Remove(c.path(k, ".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// FailureHold is how long a failed sign-in is also the answer of the
// processes that start right after it: a burst of processes that missed
// the failure by a few milliseconds must not each send the same wrong
// password again.
var FailureHold = 5 * time.Second

// FailedSignInError is what Get returns to a process that waited for
// another one's sign-in, when that sign-in failed.
type FailedSignInError struct {
	At      time.Time
	Kind    FailureKind
	Message string // the IdP's own message, sanitized; "" when none
	Err     error  // what the kind maps to (CredentialCache.FailureError); may be nil
}

func (e *FailedSignInError) Error() string {
	msg := "another samlogin tried to sign in just now (same IdP, user and role) and failed: " + e.Kind.text()
	if e.Message != "" {
		msg += fmt.Sprintf(": %q", e.Message)
	}
	return msg
}

// Unwrap returns the error the kind maps to, so that a rejected password
// keeps its exit code in every process that waited for it.
func (e *FailedSignInError) Unwrap() error { return e.Err }

// Get returns credentials for k: the cached ones while they are valid for
// longer than margin; else, under a lock per key shared by every process,
// the ones another process stored while this one waited, or fetch's, which
// it stores. So when many processes ask at once with a stale cache, exactly
// one calls fetch; the others wait (at most LockWait) and read its result.
// When that fetch fails, the processes that were waiting (or started
// within FailureHold of the failure) fail with a *FailedSignInError rather
// than each trying again. A margin of math.MaxInt64 (--force: nothing cached
// is good enough) is never refused by a recorded failure: the user asked
// to try again. A record dated in the future (a clock that jumped) is
// ignored. While fetch runs, the steps it reports (ReportStep) are written
// next to the lock, so that a waiter that gives up can say what the other
// process was doing. fresh reports that this call ran fetch.
func (c *CredentialCache) Get(ctx context.Context, k CacheKey, margin time.Duration,
	fetch func(context.Context) (*Credentials, error)) (cr *Credentials, fresh bool, err error) {
	if e := c.Valid(k, margin); e != nil {
		return &e.Credentials, false, nil
	}
	start := c.now()
	unlock, err := c.lock(ctx, k)
	if err != nil {
		return nil, false, err
	}
	defer unlock()

	if e := c.Load(k); e != nil {
		left := e.Expiration.Sub(c.now())
		// Valid beyond the margin, or stored while we waited and not about
		// to expire: another process just signed in for us. (Fresh keys
		// shorter than the margin must not make every waiter sign in again.)
		if left > margin || !e.Obtained.Before(start) && left > 0 {
			return &e.Credentials, false, nil
		}
	}
	force := margin == math.MaxInt64
	if ff := c.failure(k); ff != nil && !force && !ff.At.Before(start.Add(-FailureHold)) && !ff.At.After(c.now()) {
		fe := &FailedSignInError{At: ff.At, Kind: ff.Kind, Message: ff.Message}
		if c.FailureError != nil {
			fe.Err = c.FailureError(ff.Kind)
		}
		return nil, false, fe
	}
	cr, err = c.fetchNoting(ctx, k, fetch)
	if err != nil {
		if kind, msg := c.classify(ctx, err); kind != FailureNone {
			c.recordFailure(k, kind, msg)
		}
		return nil, false, err
	}
	if err := c.Store(k, cr); err != nil {
		return cr, true, err
	}
	return cr, true, nil
}

// classify tells how a failed fetch is recorded for the waiters.
func (c *CredentialCache) classify(ctx context.Context, err error) (FailureKind, string) {
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return FailureNone, ""
	case c.ClassifyFailure != nil:
		return c.ClassifyFailure(err)
	case errors.Is(err, context.Canceled):
		return FailureNone, ""
	case errors.Is(err, context.DeadlineExceeded):
		return FailureNone, "" // each waiter has its own bound
	}
	return FailureOther, ""
}

func (c *CredentialCache) failure(k CacheKey) *failureFile {
	data, err := atomicfile.ReadRegular(c.path(k, ".failed"))
	if err != nil {
		return nil
	}
	var ff failureFile
	if json.Unmarshal(data, &ff) != nil {
		return nil
	}
	return &ff
}

func (c *CredentialCache) recordFailure(k CacheKey, kind FailureKind, idpMessage string) {
	data, _ := json.Marshal(failureFile{At: c.now().UTC(), Kind: kind, Message: sanitizeMessage(idpMessage)})
	_ = atomicfile.Write(c.path(k, ".failed"), data, 0o600)
}

// stepNote is the file KEY.step that the process holding a key's lock
// keeps up to date while it signs in.
type stepNote struct {
	PID   int       `json:"pid"`
	Step  string    `json:"step"`
	Since time.Time `json:"since"`
}

type stepKey struct{}

// ReportStep tells the processes that wait for this sign-in (the ones
// blocked on the same cache key) which step it is in now ("waiting for
// the user at a prompt", "calling STS at https://..."). It does nothing
// when ctx is not a fetch of CredentialCache.Get. step never holds a
// secret.
func ReportStep(ctx context.Context, step string) {
	if f, ok := ctx.Value(stepKey{}).(func(string)); ok {
		f(step)
	}
}

// fetchNoting runs fetch with a context through which it reports its
// steps to KEY.step, removed afterwards.
func (c *CredentialCache) fetchNoting(ctx context.Context, k CacheKey, fetch func(context.Context) (*Credentials, error)) (*Credentials, error) {
	path := c.path(k, ".step")
	note := func(step string) {
		data, _ := json.Marshal(stepNote{PID: os.Getpid(), Step: step, Since: c.now().UTC()})
		_ = atomicfile.Write(path, data, 0o600)
	}
	note("signing in")
	defer os.Remove(path)
	return fetch(context.WithValue(ctx, stepKey{}, note))
}

// holderStep describes what the process holding k's lock said it was
// doing, or "".
func (c *CredentialCache) holderStep(k CacheKey) string {
	data, err := atomicfile.ReadRegular(c.path(k, ".step"))
	if err != nil {
		return ""
	}
	var n stepNote
	if json.Unmarshal(data, &n) != nil || n.Step == "" {
		return ""
	}
	return fmt.Sprintf("; the other samlogin (pid %d) was %s, since %s", n.PID, oneLine(n.Step), n.Since.Local().Format("15:04:05"))
}

// lock takes the key's sign-in lock (KEY.lock in Dir, left in place).
func (c *CredentialCache) lock(ctx context.Context, k CacheKey) (func(), error) {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("credential cache: %w", err)
	}
	if _, _, err := atomicfile.EnsurePrivateDir(c.Dir); err != nil {
		return nil, fmt.Errorf("credential cache: %w", err)
	}
	wait := c.LockWait
	if wait == 0 {
		wait = LockTimeout
	}
	poll := c.PollInterval
	if poll == 0 {
		poll = 10 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	name := c.path(k, ".lock")
	l := flock.New(name) // created 0600
	ok, err := l.TryLockContext(ctx, poll)
	if errors.Is(err, context.Canceled) {
		return nil, fmt.Errorf("credential cache: wait for lock %s: %w", name, err)
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("credential cache: lock %s: %w", name, err)
	}
	if !ok {
		return nil, fmt.Errorf("credential cache: %w (%s, lock %s)%s", ErrCacheLockTimeout, wait, name, c.holderStep(k))
	}
	return func() { _ = l.Unlock() }, nil
}
