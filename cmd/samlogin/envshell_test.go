package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/internal/secret"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// hostileValues are values a profile's keys could hold (the INI reader
// drops surrounding quotes and a " #" comment, so none has those) that a
// careless quoting would let a shell run or change. Each would create the
// file "pwned" in the current folder if it ran.
var hostileValues = []string{
	`plain/Key+With=Base64`,
	`it's`,
	`a"double"b`,
	`back\slash`,
	`trailing\`,
	`\'`,
	`\\'; touch pwned; echo '`,
	`x'; touch pwned; 'y`,
	`$(touch pwned)`,
	`(touch pwned)`,
	"`touch pwned`",
	`${HOME} $HOME %PATH% !x ^ & | < > * ? [a] {a,b} ~#x`,
	"‘’‚‛“”„ `$(touch pwned)`",
	`x"; touch pwned; "`,
	`$'\x41'`,
}

// hostileMultiline are values no INI file can hold (so they are given to
// writeEnv directly): new lines, tabs, leading and trailing blanks.
var hostileMultiline = []string{
	"line1\nline2\n$(touch pwned)\n",
	"\ttab and trailing space \\",
	"\n'\n",
}

// shells runs a shell on an env output (its stdin) and prints the
// environment, NUL-separated: as `eval "$creds"` and `| source` do.
var shells = map[string][]string{
	"bash": {"bash", "--norc", "--noprofile", "-c", `eval "$(cat)" && env -0`},
	"fish": {"fish", "--no-config", "-c", `source; and env -0`},
}

// TestEnvShellsRoundTrip prints hostile values with `samlogin env`, from a
// profile's keys in the credentials file (the real code path; a region is
// checked against region names before, so hostile regions go the second
// way), and with writeEnv for values no INI file can hold, evaluates the output in real
// bash and fish, and checks that every value comes back exactly and that
// no command ran.
func TestEnvShellsRoundTrip(t *testing.T) {
	testtmp.SkipUnderWine(t, "bash and fish are the Linux run's (make test); the Windows formats are unit-tested")
	for name := range shells {
		t.Run(name, func(t *testing.T) {
			if _, err := exec.LookPath(name); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s not found, and CI=true: scripts/deps.sh installs it (Debian's %s package)", name, name)
				}
				t.Skipf("skipping the %s round trip of `samlogin env`: %s not found; install it (apt-get install %s, or scripts/deps.sh as root) and run go test -run TestEnvShellsRoundTrip ./cmd/samlogin", name, name, name)
			}
			format := name
			for _, v := range hostileValues {
				exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
				env, out, errb := testEnv(t, "", map[string]string{})
				writeHome(t, env.Home, "[profile p]\nsamlogin_role_arn = arn:aws:iam::123456789012:role/Admin\nregion = eu-west-1\n",
					"[p]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = "+v+"\naws_session_token = "+v+"\nx_security_token_expires = "+exp.Format(time.RFC3339)+"\n")
				if code := run(context.Background(), []string{"env", "--profile", "p", "--format", format}, env); code != 0 {
					t.Fatalf("value %q: exit %d: %s", v, code, errb)
				}
				checkRoundTrip(t, name, out.String(), map[string]string{
					"AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": v, "AWS_SESSION_TOKEN": v,
					"AWS_CREDENTIAL_EXPIRATION": exp.Format(time.RFC3339), "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1",
				})
			}
			for _, v := range hostileMultiline {
				var out bytes.Buffer
				c := &awsconfig.Credentials{AccessKeyID: v, SecretAccessKey: secret.New(v), SessionToken: secret.New(v)}
				if err := writeEnv(&out, format, c, v); err != nil {
					t.Fatalf("writeEnv(%q): %v", v, err)
				}
				checkRoundTrip(t, name, out.String(), map[string]string{
					"AWS_ACCESS_KEY_ID": v, "AWS_SECRET_ACCESS_KEY": v, "AWS_SESSION_TOKEN": v, "AWS_REGION": v,
				})
			}
		})
	}
}

// checkRoundTrip evaluates script in shell, in an empty folder, and checks
// the variables it exports and that "pwned" was not created.
func checkRoundTrip(t *testing.T, shell, script string, want map[string]string) {
	t.Helper()
	dir := testtmp.Dir(t)
	argv := shells[shell]
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(script)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LANG=C.UTF-8"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s on:\n%s\n%v: %s", shell, script, err, stderr.String())
	}
	vars := map[string]string{}
	for _, kv := range strings.Split(string(got), "\x00") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	for k, v := range want {
		if vars[k] != v {
			t.Errorf("%s: %s = %q, want %q; the script:\n%s", shell, k, vars[k], v, script)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Errorf("%s ran a command from the script:\n%s", shell, script)
	}
}

func TestEnvLinePowerShell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", `$Env:K='plain'` + "\n"},
		{`it's`, `$Env:K='it''s'` + "\n"},
		{"‘a’ ‚b‛", "$Env:K='‘‘a’’ ‚‚b‛‛'\n"},
		{"$(Remove-Item x) `n \"q\" “d” „e”", "$Env:K='$(Remove-Item x) `n \"q\" “d” „e”'\n"},
		{`C:\path\`, `$Env:K='C:\path\'` + "\n"},
	} {
		got, err := envLine("powershell", "K", tc.in)
		if err != nil || got != tc.want {
			t.Errorf("envLine(powershell, %q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"a\nb", "a\rb", "a\x00b", "a\x1b[2Jb"} {
		if _, err := envLine("powershell", "K", bad); err == nil {
			t.Errorf("envLine(powershell, %q) accepted", bad)
		}
	}
}

func TestEnvLineCmd(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"eu-west-1", `set "K=eu-west-1"` + "\n"},
		{`a&b|c<d>e(f)g^h'i`, `set "K=a&b|c<d>e(f)g^h'i"` + "\n"},
		{`C:\x\`, `set "K=C:\x\"` + "\n"},
	} {
		got, err := envLine("cmd", "K", tc.in)
		if err != nil || got != tc.want {
			t.Errorf("envLine(cmd, %q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"%PATH%", "a!b", `a"b`, "a\nb", "a\x00b"} {
		_, err := envLine("cmd", "AWS_REGION", bad)
		if err == nil {
			t.Errorf("envLine(cmd, %q) accepted", bad)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "AWS_REGION") || strings.Contains(msg, bad) {
			t.Errorf("envLine(cmd, %q): %v", bad, err)
		}
	}
	// Refused before anything is printed.
	var out bytes.Buffer
	c := &awsconfig.Credentials{AccessKeyID: "A", SecretAccessKey: secret.New("s"), SessionToken: secret.New("t")}
	if err := writeEnv(&out, "cmd", c, "%PATH%"); err == nil || out.Len() != 0 {
		t.Errorf("writeEnv(cmd, %%PATH%%) = %v, printed %q", err, out.String())
	}
}
