package main

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/internal/secret"

	"github.com/samlogin/samlogin/internal/testtmp"
)

var update = flag.Bool("update", false, "rewrite testscript files with the actual output (cmp)")

func TestMain(m *testing.M) {
	testscript.Main(wineSafe{m}, map[string]func(){
		"samlogin":           main, // with its signal handling
		"samlogin-testchild": testChild,
	})
}

// wineSafe removes, under Wine, the folder of commands that testscript.Main
// put first on PATH before testscript does: Wine's os.RemoveAll fails there
// (see internal/testtmp), which would fail the run after every test passed.
type wineSafe struct{ m *testing.M }

func (w wineSafe) Run() int {
	code := w.m.Run()
	if testtmp.UnderWine() {
		if dir := filepath.SplitList(os.Getenv("PATH"))[0]; strings.Contains(filepath.Base(filepath.Dir(dir)), "testscript-main") {
			_ = testtmp.RemoveAll(filepath.Dir(dir))
		}
	}
	return code
}

// TestScripts runs the end-to-end scripts in testdata/script against the
// binary, with a strict test STS (awsconfig/ststest) on 127.0.0.1.
func TestScripts(t *testing.T) {
	peers := startPeers(t)
	maps.Copy(peers, startAllRolesPeers(t))
	hostileVars, hostileCmd := startHostile(t)
	maps.Copy(peers, hostileVars)
	portalVars, portalCmd := startPortals(t)
	maps.Copy(peers, portalVars)
	oneLoginVars, oneLoginCmd := startOneLogin(t)
	maps.Copy(peers, oneLoginVars)
	sample, err := os.ReadFile("testdata/sample-samlresponse.log")
	if err != nil {
		t.Fatal(err)
	}
	params := scriptParams("testdata/script", peers)
	params.Setup = withSetup(params.Setup, func(e *testscript.Env) error {
		e.Setenv("SAMLOGIN_NO_CACHE", "1") // every sign-in signs in; the cache scripts turn it on
		return os.WriteFile(filepath.Join(e.WorkDir, "sample.log"), sample, 0o600)
	})
	params.Cmds["signins"] = cmdSignins
	params.Cmds["pageposts"] = cmdPagePosts
	params.Cmds["hostile"] = hostileCmd
	params.Cmds["portal"] = portalCmd
	params.Cmds["onelogin"] = oneLoginCmd
	testscript.Run(t, params)
}

// scriptParams is what every script runner shares: an isolated HOME, UTC,
// none of the caller's AWS_* or SAMLOGIN_* variables, the given variables,
// the custom commands mkassertion and exit, and the condition [awscli].
func scriptParams(dir string, vars map[string]string) testscript.Params {
	return testscript.Params{
		Dir:           dir,
		UpdateScripts: *update,
		Setup: func(e *testscript.Env) error {
			kept := e.Vars[:0]
			for _, kv := range e.Vars {
				if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "SAMLOGIN_") {
					kept = append(kept, kv)
				}
			}
			e.Vars = kept
			e.Setenv("HOME", filepath.Join(e.WorkDir, "home"))
			e.Setenv("USERPROFILE", filepath.Join(e.WorkDir, "home")) // the home folder on Windows
			e.Setenv("TZ", "UTC")
			e.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			e.Setenv("AWS_MAX_ATTEMPTS", "1")
			for k, v := range vars {
				e.Setenv(k, v)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mkassertion": cmdMkAssertion,
			"exit":        cmdExit,
			"cache":       cmdCache,
			"nosecret":    cmdNoSecret,
			"chown":       cmdChown,
			"mode":        cmdMode,
			"sticky":      cmdSticky,
			"sessions":    cmdSessions,
		},
		Condition: func(cond string) (bool, error) {
			if cond == "root" { // chown to another uid needs it
				return os.Geteuid() == 0, nil
			}
			if cond == "wine" { // [wine] skip 'why': what Wine cannot run honestly
				return testtmp.UnderWine(), nil
			}
			if cond == "awscli" {
				_, err := exec.LookPath("aws")
				return err == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	}
}

// chown UID PATH gives PATH (not a link's target) to the numeric user UID;
// only root can, so scripts guard it with [root].
func cmdChown(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: chown UID PATH")
	}
	uid, err := strconv.Atoi(args[0])
	ts.Check(err)
	ts.Check(os.Lchown(ts.MkAbs(args[1]), uid, -1))
}

// sticky DIR makes DIR 01777, as /tmp (the chmod builtin takes no sticky
// bit).
func cmdSticky(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sticky DIR")
	}
	ts.Check(os.Chmod(ts.MkAbs(args[0]), 0o777|os.ModeSticky))
}

// mode PATH PERM checks the permission bits of PATH (a link's target),
// in octal: mode home/.aws/credentials 0600.
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: [!] mode PATH PERM")
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := fi.Mode().Perm(); (uint64(got) == want) == neg {
		ts.Fatalf("%s: mode %#o, want %s%#o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// withSetup runs more after a Setup.
func withSetup(first, then func(*testscript.Env) error) func(*testscript.Env) error {
	return func(e *testscript.Env) error {
		if err := first(e); err != nil {
			return err
		}
		return then(e)
	}
}

// mkassertion FILE [-expired] [-duration SECONDS] [-session NAME] ROLE...
// writes a fresh (valid for 5 minutes) base64 SAMLResponse with the given
// Role values ("roleARN,principalARN").
func cmdMkAssertion(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: mkassertion FILE [-expired] [-duration N] [-session NAME] ROLE...")
	}
	o := ststest.AssertionOptions{NotOnOrAfter: time.Now().Add(5 * time.Minute)}
	file := args[0]
	for rest := args[1:]; len(rest) > 0; rest = rest[1:] {
		switch rest[0] {
		case "-expired":
			o.NotOnOrAfter = time.Now().Add(-time.Hour)
		case "-duration":
			n, err := strconv.Atoi(rest[1])
			ts.Check(err)
			o.SessionDuration, rest = n, rest[1:]
		case "-session":
			o.SessionName, rest = rest[1], rest[1:]
		default:
			o.Roles = append(o.Roles, rest[0])
		}
	}
	o.IssueInstant = o.NotOnOrAfter.Add(-5 * time.Minute)
	ts.Check(os.WriteFile(ts.MkAbs(file), []byte(ststest.Assertion(o)+"\n"), 0o600))
}

// exit CODE PROG ARGS... runs PROG and checks its exit code; stdout and
// stderr are kept for the next commands, as with exec.
func cmdExit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exit CODE PROG ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("%s: %v", strings.Join(args[1:], " "), err)
	}
	if got != want {
		ts.Fatalf("%s: exit code %d, want %d", args[1], got, want)
	}
}

// cache put IDP USER ROLE writes a credential cache entry valid for an hour
// under $HOME (as credential-process stores one); cache has IDP USER ROLE
// checks that one is there (! cache has: that none is).
func cmdCache(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 || (args[0] != "put" && args[0] != "has") || (neg && args[0] == "put") {
		ts.Fatalf("usage: [!] cache put|has IDP USER ROLE")
	}
	c := &awsconfig.CredentialCache{Dir: awsconfig.CacheDir(ts.Getenv("HOME"))}
	k := awsconfig.CacheKey{IdP: args[1], Username: args[2], RoleARN: args[3]}
	if args[0] == "put" {
		ts.Check(c.Store(k, &awsconfig.Credentials{AccessKeyID: "ASIACACHED", SecretAccessKey: secret.New("cached/secret"),
			SessionToken: secret.New("cachedtoken"), Expiration: time.Now().Add(time.Hour).UTC().Truncate(time.Second)}))
		return
	}
	if got := c.Load(k) != nil; got == neg {
		ts.Fatalf("cache entry for %v: present %v", k, got)
	}
}

// sessions N: N kept IdP sessions under home/.aws/samlogin/sessions.
func cmdSessions(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sessions N")
	}
	files, _ := filepath.Glob(ts.MkAbs("home/.aws/samlogin/sessions/*.json"))
	if fmt.Sprint(len(files)) != args[0] {
		ts.Fatalf("%d kept sessions, want %s", len(files), args[0])
	}
}
