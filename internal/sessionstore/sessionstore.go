// Package sessionstore keeps an IdP session between runs
// (--remember-session): the cookies of the IdP's site, keyed by identity
// provider and user name. The cookies are as good as the password while
// they last, so they are kept like it: in the OS keychain when --keychain
// is on (Keychain, over internal/keychain), else in a 0600 file under
// ~/.aws/samlogin/sessions/ (folder 0700), written with atomicfile.
package sessionstore

import (
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

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/atomicfile"
	"github.com/samlogin/samlogin/internal/keychain"
	"github.com/samlogin/samlogin/internal/secret"
)

// Key names the session of a user at an identity provider (host or URL as
// configured). User names compare case-insensitively.
type Key struct {
	IdP      string
	Username string
}

func (k Key) id() string { return k.IdP + "\x00" + strings.ToLower(k.Username) }

// Session is what is kept: the IdP's cookies and when they were saved.
type Session struct {
	IdP      string           `json:"idp"`
	Username string           `json:"username"`
	Saved    time.Time        `json:"saved"`
	Cookies  []idp.KeptCookie `json:"cookies"`
}

// Until is when the last kept cookie expires (zero: none).
func (s *Session) Until() time.Time { return idp.Until(s.Cookies) }

// ErrNotFound: no session is kept for the key.
var ErrNotFound = errors.New("no kept session")

// Store keeps sessions. Load returns ErrNotFound when there is none, or
// when the one kept has no cookie left valid at now.
type Store interface {
	Load(k Key) (*Session, error)
	Save(k Key, s *Session) error
	Delete(k Key) error
}

// File keeps each session in Dir/sessions/HASH.json, HASH being of the IdP
// and user name.
type File struct {
	Dir string           // ~/.aws/samlogin
	Now func() time.Time // nil: time.Now
}

var _ Store = (*File)(nil)

// Path is the file of k.
func (f *File) Path(k Key) string {
	sum := sha256.Sum256([]byte(k.id()))
	return filepath.Join(f.Dir, "sessions", hex.EncodeToString(sum[:12])+".json")
}

func (f *File) now() time.Time {
	if f.Now == nil {
		return time.Now()
	}
	return f.Now()
}

// Load reads the session of k. A damaged or stale file is removed; a file
// another user can read is refused (and removed): the cookies may have
// leaked, they are not replayed.
func (f *File) Load(k Key) (*Session, error) {
	p := f.Path(k)
	if fi, err := os.Lstat(p); err == nil && atomicfile.OpenToOthers(fi.Mode()) {
		_ = os.Remove(p)
		return nil, fmt.Errorf("kept session %s was readable by other users (mode %v): removed", p, fi.Mode().Perm())
	}
	b, err := atomicfile.ReadRegular(p) // a pipe or folder here is a miss, not a hang
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	s, err := decode(b, k, f.now())
	if err != nil {
		_ = os.Remove(p)
		return nil, err
	}
	return s, nil
}

// Save writes s as k's session (0600); a session with no cookie left
// removes it.
func (f *File) Save(k Key, s *Session) error {
	b, ok, err := encode(k, s, f.now())
	if err != nil || !ok {
		if err == nil {
			err = f.Delete(k)
		}
		return err
	}
	if _, _, err := atomicfile.EnsurePrivateDir(f.Dir); err != nil {
		return err
	}
	return atomicfile.Write(f.Path(k), b, 0o600)
}

// Delete removes k's session, if any.
func (f *File) Delete(k Key) error {
	if err := os.Remove(f.Path(k)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Keychain keeps sessions in the OS keychain (--keychain), as items of
// kind "session" keyed by IdP and user name. Errors of the keychain
// (keychain.ErrUnavailable: locked, missing, refused) are returned as they
// are; the caller says one line and goes on without a kept session.
type Keychain struct {
	Store keychain.Store
	Now   func() time.Time // nil: time.Now
}

var _ Store = (*Keychain)(nil)

func (c *Keychain) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// KeychainKey is the keychain item of the kept session of k.
func KeychainKey(k Key) keychain.Key {
	return keychain.Key{Kind: keychain.KindSession, IdP: k.IdP, Username: k.Username}
}

// Load reads k's session from the keychain.
func (c *Keychain) Load(k Key) (*Session, error) {
	v, err := c.Store.Get(KeychainKey(k))
	if errors.Is(err, keychain.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	s, err := decode([]byte(v.Reveal()), k, c.now())
	if err != nil {
		_ = c.Store.Delete(KeychainKey(k))
	}
	return s, err
}

// Save stores s as k's session.
func (c *Keychain) Save(k Key, s *Session) error {
	b, ok, err := encode(k, s, c.now())
	if err != nil {
		return err
	}
	if !ok {
		return c.Delete(k)
	}
	return c.Store.Set(KeychainKey(k), secret.New(string(b)))
}

// Delete removes k's session from the keychain.
func (c *Keychain) Delete(k Key) error {
	if err := c.Store.Delete(KeychainKey(k)); err != nil && !errors.Is(err, keychain.ErrNotFound) {
		return err
	}
	return nil
}

// decode checks a kept session: its key, and drops the cookies expired at
// now; none left is ErrNotFound.
func decode(b []byte, k Key, now time.Time) (*Session, error) {
	var s Session
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("kept session: %w", err)
	}
	if (Key{s.IdP, s.Username}).id() != k.id() {
		return nil, ErrNotFound // a hash collision or a copied file: not this one
	}
	s.Cookies = live(s.Cookies, now)
	if len(s.Cookies) == 0 {
		return nil, ErrNotFound
	}
	return &s, nil
}

func encode(k Key, s *Session, now time.Time) ([]byte, bool, error) {
	out := Session{IdP: k.IdP, Username: k.Username, Saved: now.UTC(), Cookies: live(s.Cookies, now)}
	if len(out.Cookies) == 0 {
		return nil, false, nil
	}
	b, err := json.Marshal(out)
	return b, err == nil, err
}

func live(cs []idp.KeptCookie, now time.Time) []idp.KeptCookie {
	out := make([]idp.KeptCookie, 0, len(cs))
	for _, c := range cs {
		if now.Before(c.Expires) && c.Name != "" && c.Domain != "" {
			out = append(out, c)
		}
	}
	return out
}
