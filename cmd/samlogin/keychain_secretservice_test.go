package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"testing"
	"time"

	dbus "github.com/godbus/dbus/v5"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/keychain"
	"github.com/samlogin/samlogin/internal/secret"
	"github.com/samlogin/samlogin/internal/testtmp"
)

// inSecretService marks the test binary that TestKeychainSecretService
// runs again under dbus-run-session, with gnome-keyring unlocked.
const inSecretService = "SAMLOGIN_TEST_IN_SECRET_SERVICE"

// TestKeychainSecretService tests --keychain against a real Secret Service:
// it runs itself again under dbus-run-session, with a gnome-keyring-daemon
// started and unlocked in a fresh HOME, where keychain.OS() stores, reads
// and deletes for real, and the scripts in testdata/keychain run the binary
// against the in-repo ADFS. Without dbus-run-session or gnome-keyring-daemon
// it skips, naming what to install; under CI=true it fails instead.
func TestKeychainSecretService(t *testing.T) {
	if os.Getenv(inSecretService) == "1" {
		secretServiceTests(t)
		return
	}
	testtmp.SkipUnderWine(t, "the Secret Service test is the Linux run's (Wine has no D-Bus)")
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service is Linux's keychain; the macOS and Windows ones are not tested here")
	}
	for _, prog := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(prog); err != nil {
			msg := prog + " is missing: install Debian's dbus and gnome-keyring packages (scripts/deps.sh does, as root)"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	home := testtmp.Dir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := []string{"--", "sh", "-c",
		`echo -n samlogin-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" "$@"`,
		os.Args[0], "-test.run=^TestKeychainSecretService$", "-test.v"}
	cmd := exec.CommandContext(ctx, "dbus-run-session", args...)
	cmd.Env = append(os.Environ(), inSecretService+"=1", "HOME="+home, "XDG_DATA_HOME=", "XDG_RUNTIME_DIR="+home,
		"DBUS_SESSION_BUS_ADDRESS=", "DISPLAY=", "WAYLAND_DISPLAY=")
	cmd.WaitDelay = 5 * time.Second // the daemon may outlive the session a moment
	out, err := cmd.CombinedOutput()
	t.Logf("under dbus-run-session:\n%s", out)
	if err != nil && !errors.Is(err, exec.ErrWaitDelay) {
		t.Fatalf("the run under dbus-run-session failed: %v", err)
	}
	if !regexp.MustCompile(`(?m)^--- PASS: TestKeychainSecretService `).Match(out) {
		t.Fatal("the run under dbus-run-session did not pass")
	}
}

func secretServiceTests(t *testing.T) {
	t.Run("store", func(t *testing.T) {
		s := keychain.OS()
		k := keychain.Key{Kind: keychain.KindPassword, IdP: "adfs.example.com", Username: `CORP\alice`}
		if _, err := s.Get(k); !errors.Is(err, keychain.ErrNotFound) {
			t.Fatalf("Get before Set = %v, want ErrNotFound", err)
		}
		if err := s.Set(k, secret.New("pw-1")); err != nil {
			t.Fatal(err)
		}
		if err := s.Set(k, secret.New("pw-2")); err != nil { // replaces
			t.Fatal(err)
		}
		if v, err := s.Get(k); err != nil || v.Reveal() != "pw-2" {
			t.Fatalf("Get = %q, %v; want pw-2", v.Reveal(), err)
		}
		other := k
		other.Kind = keychain.KindSession
		if _, err := s.Get(other); !errors.Is(err, keychain.ErrNotFound) {
			t.Fatalf("Get of the session key = %v, want ErrNotFound", err)
		}
		if ok, err := keychain.Stored(s, k); !ok || err != nil {
			t.Fatalf("Stored = %v, %v", ok, err)
		}
		if err := s.Delete(k); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(k); err != nil {
			t.Fatalf("second Delete = %v, want nil", err)
		}
		if _, err := s.Get(k); !errors.Is(err, keychain.ErrNotFound) {
			t.Fatalf("Get after Delete = %v, want ErrNotFound", err)
		}
	})
	t.Run("scripts", func(t *testing.T) {
		sts := ststest.New(t, ststest.Options{})
		adfs := idptest.NewADFS(t, idptest.ADFSOptions{Users: adfsUsers, SAMLResponse: freshAssertion, TLS: true})
		params := scriptParams("testdata/keychain", map[string]string{
			"ADFS_HOST": adfs.Host(), "ADFS_CA": adfs.CACertFile(), "STS_URL": sts.URL(),
			"DBUS_SESSION_BUS_ADDRESS": os.Getenv("DBUS_SESSION_BUS_ADDRESS"), // the session's bus, to the binary
		})
		params.Cmds["passwords"] = func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: passwords USER N")
			}
			want, err := strconv.Atoi(args[1])
			ts.Check(err)
			if got := adfs.PasswordPosts(args[0]); got != want {
				ts.Fatalf("the ADFS got %d password posts of %s, want %d", got, args[0], want)
			}
		}
		params.Cmds["keychain"] = cmdKeychain
		testscript.Run(t, params)
	})
}

// cmdKeychain: keychain set IDP USER PASSWORD | keychain lock, on the
// session's real Secret Service.
func cmdKeychain(ts *testscript.TestScript, neg bool, args []string) {
	switch {
	case !neg && len(args) == 4 && args[0] == "set":
		ts.Check(keychain.OS().Set(passwordKey(args[1], args[2]), secret.New(args[3])))
	case !neg && len(args) == 1 && args[0] == "lock":
		conn, err := dbus.SessionBus()
		ts.Check(err)
		var locked []dbus.ObjectPath
		var prompt dbus.ObjectPath
		ts.Check(conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
			Call("org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{"/org/freedesktop/secrets/aliases/default"}).
			Store(&locked, &prompt))
		if len(locked) == 0 {
			ts.Fatalf("the Secret Service locked nothing (prompt %s)", prompt)
		}
	default:
		ts.Fatalf("usage: keychain set IDP USER PASSWORD | keychain lock")
	}
}
