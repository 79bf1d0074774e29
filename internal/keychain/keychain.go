package keychain

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/samlogin/samlogin/internal/secret"
)

// Kinds of secret.
const (
	KindPassword = "password"
	KindSession  = "session"
)

// Service is the service name of every item samlogin keeps.
const Service = "samlogin"

// Timeout bounds every call of the OS store.
const Timeout = 5 * time.Second

var (
	// ErrNotFound is returned by Get when the keychain holds no such item.
	ErrNotFound = errors.New("keychain: no stored secret")
	// ErrUnavailable is returned when there is no keychain to use: none on
	// this machine (no Secret Service on a headless box), locked, refused,
	// or not answering in time.
	ErrUnavailable = errors.New("keychain: not available")
	// ErrTooBig is returned by Set when the value is larger than the
	// keychain holds (Windows Credential Manager: 2560 bytes; macOS: about
	// 3000): the keychain itself works.
	ErrTooBig = errors.New("keychain: the value is too large for this keychain")
)

// UnavailableError says why the keychain is not available; it matches
// ErrUnavailable with errors.Is.
type UnavailableError struct {
	Reason string // for example "read: no answer in 5s"
}

func (e *UnavailableError) Error() string        { return "keychain: not available: " + e.Reason }
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

func unavailable(format string, a ...any) error {
	return &UnavailableError{Reason: fmt.Sprintf(format, a...)}
}

// Key names one secret.
type Key struct {
	Kind     string // KindPassword or KindSession
	IdP      string // the ADFS host or portal URL, as stored in the profile
	Username string // as given
}

// Account is the account string of the item that holds k.
func (k Key) Account() string { return k.Kind + " " + k.IdP + " " + k.Username }

// Store keeps secrets.
type Store interface {
	// Get returns the secret, or ErrNotFound when there is none.
	Get(k Key) (secret.String, error)
	// Set stores v under k, replacing any earlier value.
	Set(k Key, v secret.String) error
	// Delete removes the secret; it returns nil when there is none.
	Delete(k Key) error
}

// backend is the part of go-keyring that OS uses.
type backend interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
	Stored(service, user string) (bool, error)
}

// OS returns the operating system's keychain, with every call bounded by
// Timeout.
func OS() Store { return &osStore{b: osBackend{}, timeout: Timeout} }

type osStore struct {
	b       backend
	timeout time.Duration
}

func (s *osStore) Get(k Key) (secret.String, error) {
	var v string
	err := s.call("read", func() (err error) { v, err = s.b.Get(Service, k.Account()); return })
	if err != nil {
		return secret.String{}, err
	}
	return secret.New(v), nil
}

func (s *osStore) Set(k Key, v secret.String) error {
	return s.call("store", func() error { return s.b.Set(Service, k.Account(), v.Reveal()) })
}

func (s *osStore) Delete(k Key) error {
	err := s.call("delete", func() error { return s.b.Delete(Service, k.Account()) })
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// call runs f with a time limit and maps its error: go-keyring's
// ErrNotFound to ErrNotFound, anything else to ErrUnavailable. A call that
// runs out of time is left running in its goroutine; samlogin goes on.
func (s *osStore) call(op string, f func() error) error {
	if err := busReachable(); err != nil {
		return unavailable("%v", err)
	}
	done := make(chan error, 1)
	go func() { done <- f() }()
	t := time.NewTimer(s.timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return mapError(op, err)
	case <-t.C:
		return unavailable("%s: no answer in %v", op, s.timeout)
	}
}

// Memory is a Store in memory, for tests. The zero value is empty and ready.
// Set Err to make every call fail with it; Calls counts the calls.
type Memory struct {
	mu    sync.Mutex
	m     map[Key]string
	Err   error
	Calls int
}

// Get implements Store.
func (m *Memory) Get(k Key) (secret.String, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Calls++
	if m.Err != nil {
		return secret.String{}, m.Err
	}
	v, ok := m.m[k]
	if !ok {
		return secret.String{}, ErrNotFound
	}
	return secret.New(v), nil
}

// Set implements Store.
func (m *Memory) Set(k Key, v secret.String) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Calls++
	if m.Err != nil {
		return m.Err
	}
	if m.m == nil {
		m.m = map[Key]string{}
	}
	m.m[k] = v.Reveal()
	return nil
}

// Delete implements Store.
func (m *Memory) Delete(k Key) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Calls++
	if m.Err != nil {
		return m.Err
	}
	delete(m.m, k)
	return nil
}

// Keys returns the keys held, for tests' assertions (not counted in Calls).
func (m *Memory) Keys() []Key {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ks []Key
	for k := range m.m {
		ks = append(ks, k)
	}
	return ks
}

// Stored reports whether s holds k. Where the platform allows (the Secret
// Service), it does so without reading the secret nor unlocking the
// keychain, so that it never prompts; elsewhere it reads it.
func Stored(s Store, k Key) (bool, error) {
	if st, ok := s.(interface{ Stored(Key) (bool, error) }); ok {
		return st.Stored(k)
	}
	_, err := s.Get(k)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, err
}

// Stored implements the optional method that Stored uses.
func (s *osStore) Stored(k Key) (bool, error) {
	var ok bool
	err := s.call("look up", func() (err error) { ok, err = s.b.Stored(Service, k.Account()); return })
	return ok, err
}
