package awsconfig

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
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
type failureFile struct {
	At      time.Time `json:"at"`
	Message string    `json:"message"`
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
	// ShareFailure reports whether a failed fetch is also the answer of the
	// processes waiting for it (see Get); nil: every failure but a
	// cancellation. Share what a retry would repeat at the IdP (a rejected
	// password, an MFA denial, an unreachable host), not a local problem
	// such as a missing input.
	ShareFailure func(error) bool
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
	Message string
}

func (e *FailedSignInError) Error() string {
	return "another samlogin tried to sign in just now (same IdP, user and role) and failed: " + e.Message
}

// Get returns credentials for k: the cached ones while they are valid for
// longer than margin; else, under a lock per key shared by every process,
// the ones another process stored while this one waited, or fetch's, which
// it stores. So when many processes ask at once with a stale cache, exactly
// one calls fetch; the others wait (at most LockWait) and read its result.
// When that fetch fails, the processes that were waiting (or started
// within FailureHold of the failure) fail with a *FailedSignInError rather
// than each trying again. fresh reports that
// this call ran fetch.
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
	if ff := c.failure(k); ff != nil && !ff.At.Before(start.Add(-FailureHold)) {
		return nil, false, &FailedSignInError{At: ff.At, Message: ff.Message}
	}
	cr, err = fetch(ctx)
	if err != nil {
		if c.shareFailure(ctx, err) {
			c.recordFailure(k, err)
		}
		return nil, false, err
	}
	if err := c.Store(k, cr); err != nil {
		return cr, true, err
	}
	return cr, true, nil
}

// shareFailure reports whether a failed fetch is recorded for the waiters.
func (c *CredentialCache) shareFailure(ctx context.Context, err error) bool {
	switch {
	case ctx.Err() != nil:
		return false
	case c.ShareFailure != nil:
		return c.ShareFailure(err)
	}
	return !errors.Is(err, context.Canceled)
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

func (c *CredentialCache) recordFailure(k CacheKey, err error) {
	data, _ := json.Marshal(failureFile{At: c.now().UTC(), Message: err.Error()})
	_ = atomicfile.Write(c.path(k, ".failed"), data, 0o600)
}

// lock takes the key's sign-in lock (KEY.lock in Dir, left in place).
func (c *CredentialCache) lock(ctx context.Context, k CacheKey) (func(), error) {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
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
		return nil, fmt.Errorf("credential cache: %w (%s, lock %s)", ErrCacheLockTimeout, wait, name)
	}
	return func() { _ = l.Unlock() }, nil
}
