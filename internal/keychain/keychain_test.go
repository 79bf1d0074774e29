package keychain

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/internal/secret"
	keyring "github.com/zalando/go-keyring"
)

// fakeBackend is go-keyring's side, scripted.
type fakeBackend struct {
	m     map[string]string
	err   error         // returned by every call when set
	block chan struct{} // every call waits on it when set
	calls []string
}

func (f *fakeBackend) wait(op, service, user string) error {
	f.calls = append(f.calls, op+" "+service+" / "+user)
	if f.block != nil {
		<-f.block
	}
	return f.err
}

func (f *fakeBackend) Get(service, user string) (string, error) {
	if err := f.wait("get", service, user); err != nil {
		return "", err
	}
	v, ok := f.m[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (f *fakeBackend) Set(service, user, pw string) error {
	if err := f.wait("set", service, user); err != nil {
		return err
	}
	f.m[service+"\x00"+user] = pw
	return nil
}

func (f *fakeBackend) Delete(service, user string) error {
	if err := f.wait("delete", service, user); err != nil {
		return err
	}
	if _, ok := f.m[service+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.m, service+"\x00"+user)
	return nil
}

var key = Key{Kind: KindPassword, IdP: "adfs.example.com", Username: `CORP\alice`}

func withBus(t *testing.T) {
	t.Helper()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
}

func TestOSStoreRoundTrip(t *testing.T) {
	withBus(t)
	b := &fakeBackend{m: map[string]string{}}
	s := &osStore{b: b, timeout: time.Minute}
	if _, err := s.Get(key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get on empty = %v, want ErrNotFound", err)
	}
	if err := s.Set(key, secret.New("pw1")); err != nil {
		t.Fatal(err)
	}
	v, err := s.Get(key)
	if err != nil || v.Reveal() != "pw1" {
		t.Fatalf("Get = %q, %v", v.Reveal(), err)
	}
	if err := s.Delete(key); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(key); err != nil {
		t.Fatalf("Delete of an absent item = %v, want nil", err)
	}
	want := "set samlogin / password adfs.example.com CORP\\alice"
	if b.calls[1] != want {
		t.Errorf("call = %q, want %q", b.calls[1], want)
	}
}

func TestOSStoreErrorsAreUnavailable(t *testing.T) {
	withBus(t)
	b := &fakeBackend{m: map[string]string{}, err: errors.New("org.freedesktop.DBus.Error.ServiceUnknown")}
	s := &osStore{b: b, timeout: time.Minute}
	_, gerr := s.Get(key)
	for _, err := range []error{gerr, s.Set(key, secret.New("x")), s.Delete(key)} {
		var u *UnavailableError
		if !errors.Is(err, ErrUnavailable) || !errors.As(err, &u) || !strings.Contains(u.Reason, "ServiceUnknown") {
			t.Errorf("err = %v, want ErrUnavailable with the cause", err)
		}
	}
}

func TestOSStoreTimeout(t *testing.T) {
	withBus(t)
	b := &fakeBackend{m: map[string]string{}, block: make(chan struct{})}
	defer close(b.block)
	s := &osStore{b: b, timeout: time.Millisecond}
	_, err := s.Get(key)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no answer") {
		t.Fatalf("Get on a hung keychain = %v, want ErrUnavailable (no answer)", err)
	}
}

func TestNoSessionBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	b := &fakeBackend{m: map[string]string{}}
	s := &osStore{b: b, timeout: time.Minute}
	_, err := s.Get(key)
	if busReachable() == nil {
		// A user bus at /run/user/<uid>/bus, or macOS / Windows: nothing to check.
		if err != nil && !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get = %v", err)
		}
		return
	}
	if !errors.Is(err, ErrUnavailable) || len(b.calls) != 0 {
		t.Fatalf("Get with no session bus = %v after %d calls, want ErrUnavailable before any call", err, len(b.calls))
	}
}

func TestMemory(t *testing.T) {
	var m Memory
	if _, err := m.Get(key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get = %v", err)
	}
	if err := m.Set(key, secret.New("pw")); err != nil {
		t.Fatal(err)
	}
	other := key
	other.Kind = KindSession
	if _, err := m.Get(other); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of another kind = %v, want ErrNotFound", err)
	}
	if v, _ := m.Get(key); v.Reveal() != "pw" {
		t.Fatalf("Get = %q", v.Reveal())
	}
	if err := m.Delete(key); err != nil || len(m.Keys()) != 0 {
		t.Fatalf("Delete = %v, keys %v", err, m.Keys())
	}
	m.Err = ErrUnavailable
	if err := m.Set(key, secret.New("pw")); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Set with Err = %v", err)
	}
	if m.Calls != 6 {
		t.Errorf("Calls = %d, want 6", m.Calls)
	}
}

func TestAccountIsUnambiguous(t *testing.T) {
	a := Key{KindPassword, "https://portal.example.com/sso", "alice smith"}.Account()
	if a != "password https://portal.example.com/sso alice smith" {
		t.Errorf("Account = %q", a)
	}
	var _ Store = OS()
	var _ Store = &Memory{}
}
