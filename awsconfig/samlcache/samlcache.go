// Package samlcache keeps a fresh SAMLResponse for the few minutes it stays
// valid, so that a second role or profile signed in within that window needs
// no new sign-in (no password, no MFA). Entries live in one file each under
// ~/.aws/samlogin/ (folder 0700, files 0600), keyed by identity provider and
// user name, and are never returned after MaxAge or after the assertion's
// NotOnOrAfter minus Margin. The assertion is a secret: it is held as a
// secret.String and never logged.
package samlcache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/samlogin/samlogin/internal/atomicfile"
	"github.com/samlogin/samlogin/internal/secret"
)

// Defaults for the zero Cache fields.
const (
	// DefaultMaxAge bounds how long an assertion is kept, whatever its
	// NotOnOrAfter says.
	DefaultMaxAge = 5 * time.Minute
	// DefaultMargin is taken off NotOnOrAfter: an assertion handed out must
	// still be valid when STS reads it.
	DefaultMargin = 30 * time.Second
)

// Cache is a folder of cached assertions.
type Cache struct {
	Dir    string           // ~/.aws/samlogin
	Now    func() time.Time // nil: time.Now
	MaxAge time.Duration    // 0: DefaultMaxAge
	Margin time.Duration    // 0: DefaultMargin
}

type entry struct {
	Expires      time.Time `json:"expires"`
	SAMLResponse string    `json:"saml_response"`
}

// Key names the entry of a user at an identity provider (host or URL, with
// anything else that changes the assertion, such as the relying party).
// User names compare case-insensitively, as the directories behind IdPs do.
func Key(idp, username string) string {
	return idp + "\x00" + strings.ToLower(username)
}

func (c *Cache) path(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(c.Dir, "assertion-"+hex.EncodeToString(sum[:12])+".json")
}

func (c *Cache) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// Get returns the cached assertion for key while it is fresh. A stale or
// damaged entry is removed.
func (c *Cache) Get(key string) (secret.String, bool) {
	p := c.path(key)
	b, err := atomicfile.ReadRegular(p) // a pipe or folder here is a miss, not a hang
	if err != nil {
		return secret.String{}, false
	}
	var e entry
	if json.Unmarshal(b, &e) != nil || e.SAMLResponse == "" || !c.now().Before(e.Expires) {
		os.Remove(p)
		return secret.String{}, false
	}
	return secret.New(e.SAMLResponse), true
}

// Put keeps saml for key until min(now+MaxAge, notOnOrAfter-Margin); an
// assertion with no NotOnOrAfter is kept MaxAge. One that would be stale at
// once is not written (and an older entry is removed).
func (c *Cache) Put(key string, saml secret.String, notOnOrAfter time.Time) error {
	maxAge, margin := c.MaxAge, c.Margin
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	if margin <= 0 {
		margin = DefaultMargin
	}
	now := c.now()
	exp := now.Add(maxAge)
	if !notOnOrAfter.IsZero() && notOnOrAfter.Add(-margin).Before(exp) {
		exp = notOnOrAfter.Add(-margin)
	}
	if !now.Before(exp) || saml.Empty() {
		return c.Delete(key)
	}
	b, err := json.Marshal(entry{Expires: exp.UTC(), SAMLResponse: saml.Reveal()})
	if err != nil {
		return err
	}
	return atomicfile.Write(c.path(key), b, 0o600)
}

// Delete removes the entry of key, if any.
func (c *Cache) Delete(key string) error {
	if err := os.Remove(c.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
