package awsconfig_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/internal/secret"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func testCreds(n int, exp time.Time) *awsconfig.Credentials {
	return &awsconfig.Credentials{
		AccessKeyID:     "ASIATEST" + strings.Repeat("0", 8) + string(rune('A'+n)),
		SecretAccessKey: secret.New("secret/" + string(rune('A'+n))),
		SessionToken:    secret.New("token+" + string(rune('A'+n))),
		Expiration:      exp,
		AssumedRoleARN:  "arn:aws:sts::123456789012:assumed-role/Admin/alice",
	}
}

var key = awsconfig.CacheKey{IdP: "adfs.corp.example", Username: `CORP\alice`, RoleARN: "arn:aws:iam::123456789012:role/Admin"}

func TestCacheStoreLoadModes(t *testing.T) {
	dir := filepath.Join(testtmp.Dir(t), "home", ".aws", "samlogin", "credentials")
	clk := &clock{t: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}
	c := &awsconfig.CredentialCache{Dir: dir, Now: clk.Now}
	if c.Load(key) != nil {
		t.Fatal("Load on an empty cache returned an entry")
	}
	want := testCreds(1, clk.Now().Add(time.Hour))
	if err := c.Store(key, want); err != nil {
		t.Fatal(err)
	}
	got := c.Load(key)
	if got == nil || got.AccessKeyID != want.AccessKeyID || got.SecretAccessKey.Reveal() != "secret/B" ||
		got.SessionToken.Reveal() != "token+B" || !got.Expiration.Equal(want.Expiration) || !got.Obtained.Equal(clk.Now()) {
		t.Fatalf("Load = %+v, want %+v", got, want)
	}
	// The user name is compared as the IdPs compare it; the role is not.
	if c.Load(awsconfig.CacheKey{IdP: key.IdP, Username: `corp\ALICE`, RoleARN: key.RoleARN}) == nil {
		t.Error("user name compared case-sensitively")
	}
	for _, k := range []awsconfig.CacheKey{
		{IdP: key.IdP, Username: key.Username, RoleARN: "arn:aws:iam::123456789012:role/ReadOnly"},
		{IdP: "other.example", Username: key.Username, RoleARN: key.RoleARN},
		{IdP: key.IdP, Username: `CORP\bob`, RoleARN: key.RoleARN},
	} {
		if c.Load(k) != nil {
			t.Errorf("Load(%+v) returned another key's credentials", k)
		}
	}
	fi, err := os.Stat(dir)
	unixModes := runtime.GOOS != "windows" // Windows: the profile folder's access list protects them
	if err != nil || unixModes && fi.Mode().Perm() != 0o700 {
		t.Errorf("cache folder: %v, mode %v, want 0700", err, fi.Mode().Perm())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		fi, _ := os.Stat(f)
		if unixModes && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", f, fi.Mode().Perm())
		}
		if strings.Contains(f, "alice") || strings.Contains(f, "Admin") {
			t.Errorf("%s: a cache file name carries the key in clear", f)
		}
	}
	if err := c.Remove(key); err != nil || c.Load(key) != nil {
		t.Errorf("Remove: %v; entry still there: %v", err, c.Load(key) != nil)
	}
	if err := c.Remove(key); err != nil {
		t.Errorf("Remove of a missing entry: %v", err)
	}
}

func TestCacheValidMargin(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}
	c := &awsconfig.CredentialCache{Dir: testtmp.Dir(t), Now: clk.Now}
	if err := c.Store(key, testCreds(0, clk.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		after time.Duration
		valid bool
	}{
		{0, true},
		{54*time.Minute + 59*time.Second, true},
		{55 * time.Minute, false}, // exactly the margin left: refresh
		{56 * time.Minute, false},
		{2 * time.Hour, false},
	} {
		c.Now = func() time.Time { return clk.Now().Add(tc.after) }
		if got := c.Valid(key, awsconfig.DefaultRefreshMargin) != nil; got != tc.valid {
			t.Errorf("%v after the store: Valid = %v, want %v", tc.after, got, tc.valid)
		}
	}
}

func TestCacheIgnoresBrokenEntries(t *testing.T) {
	dir := testtmp.Dir(t)
	c := &awsconfig.CredentialCache{Dir: dir}
	if err := c.Store(key, testCreds(0, time.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("files: %v", files)
	}
	for _, data := range []string{"", "{", `{"Version":2,"AccessKeyId":"x"}`, "null"} {
		if err := os.WriteFile(files[0], []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		if c.Load(key) != nil {
			t.Errorf("Load of %q returned an entry", data)
		}
	}
}

// TestCacheGetSingleFlight: many callers at once with a stale cache make
// one fetch; everybody gets its result.
func TestCacheGetSingleFlight(t *testing.T) {
	dir := testtmp.Dir(t)
	clk := &clock{t: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}
	old := &awsconfig.CredentialCache{Dir: dir, Now: clk.Now}
	if err := old.Store(key, testCreds(0, clk.Now().Add(2*time.Minute))); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Second)
	var fetches atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) (*awsconfig.Credentials, error) {
		fetches.Add(1)
		<-release // hold the lock until every caller waits on it
		return testCreds(9, clk.Now().Add(time.Hour)), nil
	}
	const n = 20
	var wg sync.WaitGroup
	var started sync.WaitGroup
	results := make([]string, n)
	errs := make([]error, n)
	started.Add(n)
	for i := range n {
		wg.Go(func() {
			c := &awsconfig.CredentialCache{Dir: dir, Now: clk.Now, PollInterval: time.Millisecond}
			started.Done()
			cr, _, err := c.Get(context.Background(), key, awsconfig.DefaultRefreshMargin, fetch)
			errs[i] = err
			if cr != nil {
				results[i] = cr.AccessKeyID
			}
		})
	}
	started.Wait()
	close(release)
	wg.Wait()
	if got := fetches.Load(); got != 1 {
		t.Errorf("%d fetches, want 1", got)
	}
	for i := range n {
		if errs[i] != nil || results[i] != testCreds(9, time.Time{}).AccessKeyID {
			t.Errorf("caller %d: %q, %v", i, results[i], errs[i])
		}
	}
}

// TestCacheGetShortCredentials: credentials shorter than the margin, fresh
// from another caller, are served to the callers that waited for them
// instead of making each sign in again.
func TestCacheGetShortCredentials(t *testing.T) {
	dir := testtmp.Dir(t)
	clk := &clock{t: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}
	c := &awsconfig.CredentialCache{Dir: dir, Now: clk.Now}
	var fetches int
	short := func(context.Context) (*awsconfig.Credentials, error) {
		fetches++
		return testCreds(fetches, clk.Now().Add(15*time.Minute)), nil
	}
	margin := time.Hour
	if _, fresh, err := c.Get(context.Background(), key, margin, short); err != nil || !fresh || fetches != 1 {
		t.Fatalf("first Get: fresh %v, err %v, %d fetches", fresh, err, fetches)
	}
	// Later callers (not waiting during that fetch) fetch again: the
	// entry is older than their start and inside the margin.
	clk.Add(time.Second)
	if _, fresh, err := c.Get(context.Background(), key, margin, short); err != nil || !fresh || fetches != 2 {
		t.Fatalf("second Get: fresh %v, err %v, %d fetches", fresh, err, fetches)
	}
}

// TestCacheGetFailureIsShared: when the one fetch fails, the callers that
// waited for it fail with its message and do not fetch (no second
// password attempt, no second MFA push).
func TestCacheGetFailureIsShared(t *testing.T) {
	dir := testtmp.Dir(t)
	clk := &clock{t: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}
	var fetches atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) (*awsconfig.Credentials, error) {
		fetches.Add(1)
		<-release
		return nil, errors.New("adfs: wrong password")
	}
	classify := func(error) (awsconfig.FailureKind, string) {
		return awsconfig.FailureRejected, "Incorrect user ID or password."
	}
	const n = 5
	var wg, started sync.WaitGroup
	errs := make([]error, n)
	started.Add(n)
	for i := range n {
		wg.Go(func() {
			c := &awsconfig.CredentialCache{Dir: dir, Now: clk.Now, PollInterval: time.Millisecond, ClassifyFailure: classify}
			started.Done()
			_, _, errs[i] = c.Get(context.Background(), key, awsconfig.DefaultRefreshMargin, fetch)
		})
	}
	started.Wait()
	close(release)
	wg.Wait()
	if got := fetches.Load(); got != 1 {
		t.Errorf("%d fetches, want 1", got)
	}
	for i, err := range errs {
		var fe *awsconfig.FailedSignInError
		if err == nil || (err.Error() != "adfs: wrong password" &&
			(!errors.As(err, &fe) || fe.Kind != awsconfig.FailureRejected || fe.Message != "Incorrect user ID or password.")) {
			t.Errorf("caller %d: %v", i, err)
		}
	}
	// A call within FailureHold of the failure fails the same way; a later
	// one tries again, and a success clears the failure.
	clk.Add(awsconfig.FailureHold)
	c := &awsconfig.CredentialCache{Dir: dir, Now: clk.Now}
	if _, _, err := c.Get(context.Background(), key, 0, fetch); err == nil || fetches.Load() != 1 {
		t.Errorf("Get %v after the failure: %v, %d fetches", awsconfig.FailureHold, err, fetches.Load())
	}
	clk.Add(time.Millisecond)
	cr, fresh, err := c.Get(context.Background(), key, awsconfig.DefaultRefreshMargin, func(context.Context) (*awsconfig.Credentials, error) {
		return testCreds(3, clk.Now().Add(time.Hour)), nil
	})
	if err != nil || !fresh || cr == nil {
		t.Fatalf("Get after the failure: %v, fresh %v", err, fresh)
	}
}

// TestCacheCancelledFetchNotShared: a fetch that ends with a cancellation
// (the user pressed Ctrl-C at a prompt) is not the answer of the next call.
func TestCacheCancelledFetchNotShared(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}
	c := &awsconfig.CredentialCache{Dir: testtmp.Dir(t), Now: clk.Now}
	_, _, err := c.Get(context.Background(), key, 0, func(context.Context) (*awsconfig.Credentials, error) {
		return nil, fmt.Errorf("prompt: %w", context.Canceled)
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the cancellation", err)
	}
	cr, fresh, err := c.Get(context.Background(), key, 0, func(context.Context) (*awsconfig.Credentials, error) {
		return testCreds(1, clk.Now().Add(time.Hour)), nil
	})
	if err != nil || !fresh || cr == nil {
		t.Errorf("Get after a cancelled fetch: %v, fresh %v; want a new fetch", err, fresh)
	}
}

// holdSignInLock runs a Get in another goroutine whose fetch reports step
// (when not "") and holds the key's lock until the test ends; it returns
// once the lock is held.
func holdSignInLock(t *testing.T, dir, step string) {
	t.Helper()
	hold, holding, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(hold); <-done }) // before TempDir's removal: the holder may still write
	go func() {
		defer close(done)
		c := &awsconfig.CredentialCache{Dir: dir}
		_, _, _ = c.Get(context.Background(), key, 0, func(ctx context.Context) (*awsconfig.Credentials, error) {
			if step != "" {
				awsconfig.ReportStep(ctx, step)
			}
			close(holding)
			<-hold
			return nil, context.Canceled
		})
	}()
	<-holding
}

func TestCacheLockTimeout(t *testing.T) {
	dir := testtmp.Dir(t)
	holdSignInLock(t, dir, "")
	c := &awsconfig.CredentialCache{Dir: dir, LockWait: 20 * time.Millisecond, PollInterval: time.Millisecond}
	_, _, err := c.Get(context.Background(), key, 0, func(context.Context) (*awsconfig.Credentials, error) {
		t.Error("fetch ran without the lock")
		return nil, nil
	})
	if !errors.Is(err, awsconfig.ErrCacheLockTimeout) {
		t.Errorf("err = %v, want ErrCacheLockTimeout", err)
	}
}

func TestProcessJSON(t *testing.T) {
	cr := testCreds(0, time.Date(2026, 11, 21, 11, 0, 0, 0, time.FixedZone("CET", 3600)))
	got := string(awsconfig.ProcessJSON(cr))
	want := `{"Version":1,"AccessKeyId":"ASIATEST00000000A","SecretAccessKey":"secret/A","SessionToken":"token+A","Expiration":"2026-11-21T10:00:00Z"}` + "\n"
	if got != want {
		t.Errorf("ProcessJSON =\n%s want\n%s", got, want)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/local/bin/samlogin":    "/usr/local/bin/samlogin",
		"/Users/Jo Doe/bin/samlogin": "'/Users/Jo Doe/bin/samlogin'",
		"it's":                       `'it'\''s'`,
		"":                           "''",
		"prod-admin":                 "prod-admin",
		"a$b":                        "'a$b'",
	} {
		if got := awsconfig.ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestWriteProfileCredentialProcess: with CredentialProcess, the profile
// gets credential_process and loses samlogin's static keys (which would
// win over it), as aws-sdk-go-v2 reads it; a later write with static keys
// removes samlogin's credential_process and keeps a user's own.
func TestWriteProfileCredentialProcess(t *testing.T) {
	dir := testtmp.Dir(t)
	p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	if err := os.WriteFile(p.Credentials, []byte("[other]\naws_access_key_id = AKIAKEEP\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := awsconfig.WriteProfile(context.Background(), p, testWrite("prod")); err != nil {
		t.Fatal(err)
	}
	w := testWrite("prod")
	line := "'/opt/my tools/samlogin' credential-process --profile prod"
	w.CredentialProcess = line
	if err := awsconfig.WriteProfile(context.Background(), p, w); err != nil {
		t.Fatal(err)
	}
	sc, err := config.LoadSharedConfigProfile(context.Background(), "prod", func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = []string{p.Config}, []string{p.Credentials}
	})
	if err != nil {
		t.Fatal(err)
	}
	if sc.CredentialProcess != line || sc.Credentials.HasKeys() {
		t.Errorf("SDK reads credential_process %q and static keys %v; want %q and none", sc.CredentialProcess, sc.Credentials.HasKeys(), line)
	}
	chain, err := config.LoadSharedConfigProfile(context.Background(), "prod-chain", func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = []string{p.Config}, []string{p.Credentials}
	})
	if err != nil || chain.Source == nil || chain.Source.CredentialProcess != line {
		t.Errorf("chained profile: %v, source %+v", err, chain.Source)
	}
	creds, _ := os.ReadFile(p.Credentials)
	if !strings.Contains(string(creds), "AKIAKEEP") || strings.Contains(string(creds), "ASIAprod") {
		t.Errorf("credentials file:\n%s", creds)
	}
	if !awsconfig.IsSamloginCredentialProcess(line, "prod") {
		t.Error("IsSamloginCredentialProcess does not know its own line")
	}

	// Back to static keys: samlogin's credential_process goes.
	if err := awsconfig.WriteProfile(context.Background(), p, testWrite("prod")); err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.ReadFile(p.Config)
	if strings.Contains(string(cfg), "credential_process") {
		t.Errorf("config keeps samlogin's credential_process after a static write:\n%s", cfg)
	}
	// A user's own credential_process stays.
	if err := os.WriteFile(p.Config, []byte("[profile mine]\ncredential_process = /usr/bin/vault-creds\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := awsconfig.WriteProfile(context.Background(), p, testWrite("mine")); err != nil {
		t.Fatal(err)
	}
	if cfg, _ := os.ReadFile(p.Config); !strings.Contains(string(cfg), "credential_process = /usr/bin/vault-creds") {
		t.Errorf("a user's credential_process was removed:\n%s", cfg)
	}
}

func TestWindowsQuote(t *testing.T) {
	for in, want := range map[string]string{
		`C:\Users\jo\bin\samlogin.exe`:           `C:\Users\jo\bin\samlogin.exe`,
		`C:\Program Files\samlogin\samlogin.exe`: `"C:\Program Files\samlogin\samlogin.exe"`,
		`C:\Users\Jo Doe\`:                       `"C:\Users\Jo Doe\\"`,
		"prod-admin":                             "prod-admin",
		"it's":                                   "it's",
		"":                                       `""`,
		`a"b`:                                    `"a\"b"`,
		`a\"b`:                                   `"a\\\"b"`,
		"R&D":                                    `"R&D"`,
		`\\server\share\samlogin.exe`:            `\\server\share\samlogin.exe`,
		`C:\Users\Zoë (work)\samlogin\samlogin.exe`: `"C:\Users\Zoë (work)\samlogin\samlogin.exe"`,
	} {
		got := awsconfig.WindowsQuote(in)
		if got != want {
			t.Errorf("WindowsQuote(%q) = %s, want %s", in, got, want)
		}
		if back := splitWindows(got); len(back) != 1 || back[0] != in {
			t.Errorf("WindowsQuote(%q) = %s splits to %q", in, got, back)
		}
	}
	// samlogin recognises its own line in either quoting.
	for _, line := range []string{`"C:\Program Files\samlogin.exe" credential-process --profile "R&D"`,
		`/usr/bin/samlogin credential-process --profile 'R&D'`} {
		if !awsconfig.IsSamloginCredentialProcess(line, "R&D") {
			t.Errorf("IsSamloginCredentialProcess(%s) = false", line)
		}
	}
}

// splitWindows splits a command line by the Microsoft C runtime's rules
// (CommandLineToArgvW), as the AWS CLI does on Windows.
func splitWindows(s string) []string {
	var args []string
	var cur strings.Builder
	inQuotes, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(s) && s[i] == '\\' {
				n++
				i++
			}
			if i < len(s) && s[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					inQuotes = !inQuotes
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i--
			}
			have = true
		case c == '"':
			inQuotes, have = !inQuotes, true
		case (c == ' ' || c == '\t') && !inQuotes:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}
