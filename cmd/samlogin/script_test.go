package main

import (
	"context"
	"errors"
	"flag"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/awsconfig/ststest"
)

var update = flag.Bool("update", false, "rewrite testscript files with the actual output (cmp)")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"samlogin": func() { os.Exit(run(context.Background(), os.Args[1:], systemEnv())) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script against the
// binary, with a strict test STS (awsconfig/ststest) on 127.0.0.1.
func TestScripts(t *testing.T) {
	peers := startPeers(t)
	maps.Copy(peers, startAllRolesPeers(t))
	sample, err := os.ReadFile("testdata/sample-samlresponse.log")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(e *testscript.Env) error {
			home := filepath.Join(e.WorkDir, "home")
			e.Setenv("HOME", home)
			e.Setenv("TZ", "UTC")
			for k, v := range peers {
				e.Setenv(k, v)
			}
			e.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			e.Setenv("SAMLOGIN_NO_CACHE", "1") // every sign-in signs in; the cache scripts turn it on
			unsetenv(e, "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS")
			return os.WriteFile(filepath.Join(e.WorkDir, "sample.log"), sample, 0o600)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mkassertion": cmdMkAssertion,
			"exit":        cmdExit,
			"signins":     cmdSignins,
			"pageposts":   cmdPagePosts,
		},
	})
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

// unsetenv removes variables from a script's environment (an empty value
// is not the same as unset for the aws CLI).
func unsetenv(e *testscript.Env, keys ...string) {
	vars := e.Vars[:0]
	for _, kv := range e.Vars {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(keys, k) {
			vars = append(vars, kv)
		}
	}
	e.Vars = vars
}
