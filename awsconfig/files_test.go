package awsconfig_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"github.com/google/go-cmp/cmp"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/ini"

	"github.com/samlogin/samlogin/internal/testtmp"
)

func TestDefaultPaths(t *testing.T) {
	home := filepath.FromSlash("/home/u") // on Windows, %USERPROFILE% (os.UserHomeDir), as the AWS CLI has it
	inHome := func(p string) string { return filepath.Join(home, filepath.FromSlash(p)) }
	for _, tc := range []struct {
		env  map[string]string
		want awsconfig.Paths
	}{
		{nil, awsconfig.Paths{Config: inHome(".aws/config"), Credentials: inHome(".aws/credentials")}},
		// A path from the environment is used as it is written.
		{map[string]string{"AWS_CONFIG_FILE": "/etc/aws/cfg", "AWS_SHARED_CREDENTIALS_FILE": "rel/creds"},
			awsconfig.Paths{Config: "/etc/aws/cfg", Credentials: "rel/creds"}},
		{map[string]string{"AWS_CONFIG_FILE": "~/x/config", "AWS_SHARED_CREDENTIALS_FILE": "~other/creds"},
			awsconfig.Paths{Config: inHome("x/config"), Credentials: "~other/creds"}},
		{map[string]string{"AWS_CONFIG_FILE": "~" + string(filepath.Separator) + "y"},
			awsconfig.Paths{Config: inHome("y"), Credentials: inHome(".aws/credentials")}},
	} {
		got := awsconfig.DefaultPaths(func(k string) string { return tc.env[k] }, home)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("DefaultPaths(%v) (-want +got):\n%s", tc.env, diff)
		}
	}
}

func TestReadMissing(t *testing.T) {
	f, err := awsconfig.Read(filepath.Join(testtmp.Dir(t), "nope"))
	if err != nil || len(f.Bytes()) != 0 {
		t.Fatalf("Read(missing) = %q, %v", f.Bytes(), err)
	}
}

// TestModes: new files are 0600 in folders created 0700; an existing
// credentials file open to others ends 0600 once it holds keys, said once
// through the notices; an existing config file keeps its mode.
func TestModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	dir := testtmp.Dir(t)
	p := awsconfig.Paths{Config: filepath.Join(dir, "new", ".aws", "config"), Credentials: filepath.Join(dir, "creds")}
	if err := os.WriteFile(p.Credentials, []byte("[other]\naws_access_key_id = A\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p.Credentials, 0o644); err != nil {
		t.Fatal(err)
	}
	var notices []string
	ctx := awsconfig.WithNotices(context.Background(), func(m string) { notices = append(notices, m) })
	for range 2 {
		if err := awsconfig.WriteProfile(ctx, p, testWrite("m")); err != nil {
			t.Fatal(err)
		}
		for path, want := range map[string]os.FileMode{
			p.Config:                             0o600,
			filepath.Dir(p.Config):               0o700 | os.ModeDir,
			filepath.Dir(filepath.Dir(p.Config)): 0o700 | os.ModeDir,
			p.Credentials:                        0o600,
		} {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode() != want {
				t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
			}
		}
	}
	want := p.Credentials + " was readable by other users (mode 0644); it is now 0600"
	if len(notices) != 1 || notices[0] != want {
		t.Errorf("notices %q, want once %q", notices, want)
	}

	// The config file holds no keys: an existing one keeps its mode.
	if err := os.Chmod(p.Config, 0o644); err != nil {
		t.Fatal(err)
	}
	w := testWrite("m")
	w.Region = "eu-north-1"
	if err := awsconfig.WriteProfile(ctx, p, w); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p.Config); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("config mode %v, %v; want 0644 kept", fi.Mode(), err)
	}
	if len(notices) != 1 {
		t.Errorf("notices %q, want only the first", notices)
	}
}

// TestModesKeysOnly: a credentials file open to others that samlogin edits
// without keys left in it (logout of its only profile) keeps its mode: the
// rule is about files that hold keys.
func TestModesKeysOnly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	dir := testtmp.Dir(t)
	path := filepath.Join(dir, "credentials")
	if err := os.WriteFile(path, []byte("[a]\nregion = x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	err := awsconfig.Update(path, func(f *ini.File) error { return f.Set("a", "output", "json") })
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v; want 0644 (no keys in the file)", fi.Mode(), err)
	}
	err = awsconfig.Update(path, func(f *ini.File) error { return f.Set("a", "AWS_Session_Token", "t") })
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600 (a session token in the file)", fi.Mode(), err)
	}
}

func TestSymlinkKept(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges")
	}
	dir := testtmp.Dir(t)
	target := filepath.Join(dir, "dotfiles", "credentials")
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "credentials")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: link}
	if err := awsconfig.WriteProfile(context.Background(), p, testWrite("s")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("credentials is no longer a symlink: %v %v", fi, err)
	}
	data, _ := os.ReadFile(target)
	if !strings.HasPrefix(string(data), "# mine\n") || !strings.Contains(string(data), "aws_access_key_id = ASIAs") {
		t.Fatalf("target not updated:\n%s", data)
	}
}

func TestUnparseableFileUntouched(t *testing.T) {
	dir := testtmp.Dir(t)
	p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	bad := "[default]\nregion = us-east-1\nthis is not ini\n"
	if err := os.WriteFile(p.Config, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	err := awsconfig.WriteProfile(context.Background(), p, testWrite("x"))
	var pe *ini.ParseError
	if !errors.As(err, &pe) || pe.Line != 3 {
		t.Fatalf("WriteProfile error = %v, want a ParseError on line 3", err)
	}
	if msg := err.Error(); !strings.Contains(msg, p.Config) || !strings.Contains(msg, "line 3") {
		t.Errorf("error %q does not name the file and line", msg)
	}
	if data, _ := os.ReadFile(p.Config); string(data) != bad {
		t.Errorf("config changed:\n%s", data)
	}
	if _, err := os.Stat(p.Credentials); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("credentials written despite the error: %v", err)
	}
}

func TestUpdateManyFnErrorWritesNothing(t *testing.T) {
	dir := testtmp.Dir(t)
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("[x]\nk = 1\n"), 0o600)
	boom := errors.New("boom")
	err := awsconfig.UpdateMany([]string{a, b}, func(f []*ini.File) error {
		f[0].Set("x", "k", "2")
		f[1].Set("y", "k", "3")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(a); string(data) != "[x]\nk = 1\n" {
		t.Errorf("a changed: %q", data)
	}
	if _, err := os.Stat(b); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("b created")
	}
}

func TestUpdateManySameFileTwice(t *testing.T) {
	path := filepath.Join(testtmp.Dir(t), "both")
	// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE may name one file.
	if err := awsconfig.WriteProfile(context.Background(), awsconfig.Paths{Config: path, Credentials: path}, testWrite("same")); err != nil {
		t.Fatal(err)
	}
	f, err := awsconfig.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Get("same", "aws_access_key_id"); v != "ASIAsame" {
		t.Errorf("credentials lost: %q", v)
	}
	if v, _ := f.Get("profile same", "region"); v != "eu-west-1" {
		t.Errorf("config lost: %q", v)
	}
}

func TestLockTimeout(t *testing.T) {
	path := filepath.Join(testtmp.Dir(t), "config")
	l := flock.New(path + ".lock")
	if err := l.Lock(); err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	old := awsconfig.LockTimeout
	awsconfig.LockTimeout = 30 * time.Millisecond
	defer func() { awsconfig.LockTimeout = old }()
	err := awsconfig.Update(path, func(*ini.File) error { return nil })
	if !errors.Is(err, awsconfig.ErrLockTimeout) || !strings.Contains(err.Error(), path+".lock") {
		t.Fatalf("err = %v, want ErrLockTimeout naming the lock file", err)
	}
	// Taking the lock file away would let two writers in: never advised.
	if msg := strings.ToLower(err.Error()); strings.Contains(msg, "remove") || strings.Contains(msg, "delete") ||
		!strings.Contains(msg, "another samlogin is still") {
		t.Errorf("lock timeout message: %v", err)
	}
}

// TestConcurrentProcesses runs 20 processes that each write their own
// profile into the same two files at once.
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 20 processes")
	}
	dir := testtmp.Dir(t)
	p := awsconfig.Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	os.WriteFile(p.Config, []byte("# shared\n[default]\nregion = us-east-1\n"), 0o600)
	const n = 20
	cmds := make([]*exec.Cmd, n)
	for i := range n {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=write", "HELPER_CONFIG="+p.Config, "HELPER_CREDENTIALS="+p.Credentials, fmt.Sprintf("HELPER_PROFILE=p%02d", i))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	cfg, err := awsconfig.Read(p.Config)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := awsconfig.Read(p.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(creds.Sections()); got != n {
		t.Errorf("credentials has %d sections, want %d", got, n)
	}
	if got := len(cfg.Sections()); got != 1+2*n {
		t.Errorf("config has %d sections, want %d", got, 1+2*n)
	}
	for i := range n {
		name := fmt.Sprintf("p%02d", i)
		if v, _ := creds.Get(name, "aws_access_key_id"); v != "ASIA"+name {
			t.Errorf("%s: aws_access_key_id = %q", name, v)
		}
		if v, _ := cfg.Get("profile "+name+"-chain", "source_profile"); v != name {
			t.Errorf("%s-chain: source_profile = %q", name, v)
		}
	}
	if !strings.HasPrefix(string(cfg.Bytes()), "# shared\n[default]\nregion = us-east-1\n") {
		t.Errorf("existing config lines changed")
	}
}

// TestCrash kills a process that rewrites a large file in a loop at random
// moments: the file is always a whole generation, never torn.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 50 processes")
	}
	dir := testtmp.Dir(t)
	path := filepath.Join(dir, "config")
	base := bigConfig(2000)
	if err := os.WriteFile(path, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	want := func(gen string) string { // the file at a generation
		f, err := ini.Parse([]byte(base))
		if err != nil {
			t.Fatal(err)
		}
		f.Set(genSection, "x_generation", gen)
		return string(f.Bytes())
	}
	leftovers := 0
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=rewrite", "HELPER_FILE="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the writer has written once, then kill it a few
		// hundred microseconds to a few milliseconds later.
		r := bufio.NewReader(out)
		if _, err := r.ReadString('\n'); err != nil {
			t.Fatalf("iteration %d: writer did not write: %v", i, err)
		}
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		cmd.Process.Kill()
		cmd.Wait()

		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := ini.Parse(data)
		if err != nil {
			t.Fatalf("iteration %d: torn file: %v", i, err)
		}
		gen, ok := f.Get(genSection, "x_generation")
		if !ok {
			t.Fatalf("iteration %d: no generation in file of %d bytes", i, len(data))
		}
		if string(data) != want(gen) {
			t.Fatalf("iteration %d: file is not generation %s whole", i, gen)
		}
		if m, _ := filepath.Glob(path + ".samlogin-tmp-*"); len(m) > 0 {
			leftovers++
		}
	}
	// The next update, holding the lock, removes what killed writers left
	// (and this one, planted in case no kill landed mid-write).
	if err := os.WriteFile(path+".samlogin-tmp-123", []byte("[partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := awsconfig.Update(path, func(*ini.File) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(path + ".samlogin-tmp-*"); len(m) > 0 {
		t.Errorf("stale temporary files remain: %v", m)
	}
	t.Logf("50 kills, %d left a temporary file behind", leftovers)
}

func bigConfig(n int) string {
	var b strings.Builder
	b.WriteString("# generated\n[default]\nregion = us-east-1\n")
	for i := range n {
		fmt.Fprintf(&b, "\n[profile p%d]\nrole_arn = arn:aws:iam::123456789012:role/R%d\nsource_profile = default\nregion = eu-west-1\n", i, i)
	}
	b.WriteString("\n[" + genSection + "]\nx_generation = 0\n")
	return b.String()
}
