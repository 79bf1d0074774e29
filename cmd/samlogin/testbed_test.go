package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
	"github.com/samlogin/samlogin/internal/testbed"
)

// TestTestbed runs the scripts in testdata/testbed whose names do not start
// with llng_ against the real peers of the project's test bed
// (testbed/testbed.sh): SimpleSAMLphp as the IdP, moto as the STS, and the
// aws CLI as the reader of what samlogin writes. `make test` starts them;
// without them the test skips (and fails under CI=true).
func TestTestbed(t *testing.T) {
	tb := testbed.Require(t, true)
	testbed.RequireAWSCLI(t)
	peers := startPeers(t)
	peers["IDP_URL"] = tb.IdPLoginURL
	peers["IDP_HTTPS_URL"] = tb.IdPHTTPSLoginURL
	peers["IDP_CA"] = tb.IdPCA
	peers["MOTO_URL"] = tb.STSURL
	peers["TESTBED_DIR"] = tb.Dir
	peers["SAMLOGIN_TESTBED_DIR"] = os.Getenv("SAMLOGIN_TESTBED_DIR")
	peers["AWS_DEFAULT_REGION"] = "us-east-1"
	params := scriptParams("", peers)
	params.Files = testbedScripts(t, false)
	testscript.Run(t, params)
}

// TestTestbedLLNG runs the scripts testdata/testbed/llng_*.txtar against the
// test bed's LemonLDAP::NG portal (over http and over https with its private
// CA), the in-repo strict STS ($STS_URL), and moto with the aws CLI
// ($MOTO_URL; the scripts that need them check [moto] and [awscli]).
// `totp SECRET VAR` gives a script the current code of a TOTP secret.
func TestTestbedLLNG(t *testing.T) {
	l := testbed.RequireLLNG(t)
	peers := startPeers(t)
	peers["LLNG_URL"] = l.LoginURL
	peers["LLNG_PORTAL"] = l.URL
	peers["LLNG_HTTPS_URL"] = l.HTTPSLoginURL
	peers["LLNG_CA"] = l.CA
	peers["MOTO_URL"] = os.Getenv("TESTBED_STS_URL")
	peers["TOTP_TOM"] = testbed.LLNGTOTPSecret
	peers["TOTP_CHO"] = testbed.LLNGChoiceTOTPSecret
	peers["EXT_CODE"] = testbed.LLNGExtCode
	peers["SPECIAL_USER"] = testbed.LLNGSpecialUser
	peers["SPECIAL_PASSWORD"] = testbed.LLNGSpecialPassword
	peers["AWS_DEFAULT_REGION"] = "us-east-1"
	params := scriptParams("", peers)
	params.Files = testbedScripts(t, true)
	params.Setup = withSetup(params.Setup, func(e *testscript.Env) error {
		e.Setenv("SAMLOGIN_NO_CACHE", "1") // every sign-in goes to the portal
		return nil
	})
	params.Cmds["totp"] = cmdTOTP
	cond := params.Condition
	params.Condition = func(c string) (bool, error) {
		if c == "moto" {
			return os.Getenv("TESTBED_STS_URL") != "", nil
		}
		return cond(c)
	}
	testscript.Run(t, params)
}

// testbedScripts lists testdata/testbed/*.txtar: the llng_ ones or the others.
func testbedScripts(t *testing.T, llng bool) []string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join("testdata", "testbed", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range all {
		if strings.HasPrefix(filepath.Base(f), "krb5_") { // TestTestbedKerberos
			continue
		}
		if strings.HasPrefix(filepath.Base(f), "llng_") == llng {
			files = append(files, f)
		}
	}
	return files
}

// totp SECRET [VAR] prints the current RFC 6238 code of the base32 SECRET
// and, with VAR, sets $VAR to it for the next commands.
func cmdTOTP(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: totp SECRET [VAR]")
	}
	code, err := testbed.TOTP(args[0], time.Now())
	ts.Check(err)
	_, _ = ts.Stdout().Write([]byte(code + "\n"))
	if len(args) == 2 {
		ts.Setenv(args[1], code)
	}
}

// TestTestbedLLNGTOTPPrompt signs tom in at the LemonLDAP::NG portal with the
// password and the TOTP code typed at prompts (the Prompter a terminal
// gets), through the strict test STS.
func TestTestbedLLNGTOTPPrompt(t *testing.T) {
	l := testbed.RequireLLNG(t)
	peers := startPeers(t)
	env, _, errb := testEnv(t, "", map[string]string{"SAMLOGIN_NO_CACHE": "1"})
	code, err := testbed.TOTP(testbed.LLNGTOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p := &seqPrompter{answers: []string{"tom-pass", code}}
	env.Prompter = p
	args := []string{"--idp-url", l.LoginURL, "--username", "tom", "--profile", "tom", "--sts-endpoint", peers["STS_URL"]}
	if rc := run(context.Background(), args, env); rc != 0 {
		t.Fatalf("exit %d: %s", rc, errb)
	}
	if len(p.asked) != 2 || !strings.HasPrefix(p.asked[0], "Password for tom") || p.left() != 0 {
		t.Errorf("asked %q, want the password then the code", p.asked)
	}
	if !strings.Contains(errb.String(), "profile tom: account 123456789012, role Admin") {
		t.Errorf("stderr: %s", errb)
	}
}

// TestTestbedLLNGChoicePrompt: cho, who has two second factors, picks TOTP
// from the list a terminal shows (labelled as on the portal's page), then
// types the code.
func TestTestbedLLNGChoicePrompt(t *testing.T) {
	l := testbed.RequireLLNG(t)
	peers := startPeers(t)
	env, _, errb := testEnv(t, "", map[string]string{"SAMLOGIN_NO_CACHE": "1"})
	code, err := testbed.TOTP(testbed.LLNGChoiceTOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p := &seqPrompter{answers: []string{"cho-pass", "totp", code}}
	env.Prompter = p
	args := []string{"--idp-url", l.LoginURL, "--username", "cho", "--profile", "cho", "--sts-endpoint", peers["STS_URL"]}
	if rc := run(context.Background(), args, env); rc != 0 {
		t.Fatalf("exit %d: %s (asked %q)", rc, errb, p.asked)
	}
	if len(p.asked) != 3 || p.left() != 0 {
		t.Errorf("asked %q, want the password, the method, the code", p.asked)
	}
}

// seqPrompter answers the questions in order, whatever their words, and
// records them; a question more than it has answers cancels.
type seqPrompter struct {
	answers []string
	asked   []string
}

func (p *seqPrompter) left() int { return len(p.answers) - len(p.asked) }

func (p *seqPrompter) Input(m string) (string, error) {
	p.asked = append(p.asked, m)
	if len(p.asked) > len(p.answers) {
		return "", idp.ErrCancelled
	}
	return p.answers[len(p.asked)-1], nil
}

func (p *seqPrompter) Secret(m string) (secret.String, error) {
	a, err := p.Input(m)
	return secret.New(a), err
}

// Select takes the next answer as a part of the option to pick, in any case.
func (p *seqPrompter) Select(m string, options []string) (int, error) {
	a, err := p.Input(m)
	for i, o := range options {
		if err == nil && strings.Contains(strings.ToLower(o), strings.ToLower(a)) {
			return i, nil
		}
	}
	return 0, idp.ErrCancelled
}
