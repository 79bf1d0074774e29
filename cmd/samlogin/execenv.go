package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/samlogin/samlogin/awsconfig"
)

// credentialEnv is the environment exec sets and env prints: the keys,
// their expiry, and the profile's region when it has one.
func credentialEnv(c *awsconfig.Credentials, region string) [][2]string {
	kv := [][2]string{
		{"AWS_ACCESS_KEY_ID", c.AccessKeyID},
		{"AWS_SECRET_ACCESS_KEY", c.SecretAccessKey.Reveal()},
		{"AWS_SESSION_TOKEN", c.SessionToken.Reveal()},
		{"AWS_CREDENTIAL_EXPIRATION", c.Expiration.UTC().Format(time.RFC3339)},
	}
	if region != "" {
		kv = append(kv, [2]string{"AWS_REGION", region}, [2]string{"AWS_DEFAULT_REGION", region})
	}
	return kv
}

// droppedEnv are removed from the command's environment: a profile would
// send the AWS tools back to the shared files, old credentials variables
// would mix with the new ones, and samlogin's own password and code are
// none of the command's business.
var droppedEnv = []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN",
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
	"SAMLOGIN_PASSWORD", "SAMLOGIN_MFA_CODE"}

// commandEnv is environ with the profile's credentials in place of any
// AWS_PROFILE and old keys.
func commandEnv(environ []string, c *awsconfig.Credentials, region string) []string {
	set := credentialEnv(c, region)
	out := make([]string, 0, len(environ)+len(set))
	for _, e := range environ {
		name, _, _ := strings.Cut(e, "=")
		drop := false
		for _, d := range droppedEnv {
			drop = drop || name == d
		}
		for _, s := range set {
			drop = drop || name == s[0]
		}
		if !drop {
			out = append(out, e)
		}
	}
	for _, s := range set {
		out = append(out, s[0]+"="+s[1])
	}
	return out
}

func newExecCmd(env *Env) *cobra.Command {
	co := &credOptions{}
	cmd := &cobra.Command{
		Use:   "exec --profile P [flags] -- COMMAND [ARGS...]",
		Short: "Run a command with the profile's credentials in its environment",
		Long: `exec gets the profile's credentials as credential-process does (from the cache
while valid, else a sign-in), and runs COMMAND with AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION and, when
the profile has a region, AWS_REGION and AWS_DEFAULT_REGION set, and
AWS_PROFILE removed. Signals are passed on to COMMAND, and samlogin exits with
COMMAND's exit code (128+N when a signal N ended it).`,
		Example: `  samlogin exec --profile prod -- terraform plan
  samlogin exec -p prod -- aws s3 ls`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("exec needs a command to run: samlogin exec --profile P -- COMMAND [ARGS...]")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExec(cmd.Context(), env, cmd, co, args)
		},
	}
	cmd.Flags().SetInterspersed(false) // flags after COMMAND are COMMAND's
	addCredFlags(cmd.Flags(), co)
	return cmd
}

func runExec(ctx context.Context, env *Env, cmd *cobra.Command, co *credOptions, args []string) error {
	got, err := getCredentials(ctx, env, cmd.Flags(), &co.loginOptions, newPrompter(env, co.noPrompt))
	if err != nil {
		return err
	}
	noteOverrides(env, got.overrides...) // the STS endpoint chosen, if any (stderr)
	path, err := exec.LookPath(args[0])
	if err != nil {
		return &exitStatus{code: 127, msg: fmt.Sprintf("exec: %s: command not found", args[0])}
	}
	c := exec.Command(path, args[1:]...)
	c.Args[0] = args[0]
	c.Env = commandEnv(os.Environ(), got.Credentials, got.Region)
	c.Stdin, c.Stdout, c.Stderr = env.Stdin, env.Stdout, env.Stderr
	return runForwarding(c)
}

// runForwarding runs c, passes samlogin's signals on to it, and returns its
// exit status as an *exitStatus (nil for 0).
func runForwarding(c *exec.Cmd) error {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := c.Start(); err != nil {
		return &exitStatus{code: 126, msg: fmt.Sprintf("exec: %v", err)}
	}
	childRunning.Store(true) // a second Ctrl-C is now the command's to handle
	defer childRunning.Store(false)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = forwardSignal(c.Process, s)
			case <-done:
				return
			}
		}
	}()
	err := c.Wait()
	close(done)
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		return &exitStatus{code: commandExitCode(ee)}
	}
	return fmt.Errorf("exec: %w", err)
}

// envFormats are the shapes of `samlogin env`, after `aws configure
// export-credentials --format`: env (bash), env-no-export, powershell,
// windows-cmd (cmd) and process (json), and fish.
var envFormats = map[string]string{
	"bash": "bash", "sh": "bash", "zsh": "bash", "env": "bash",
	"env-no-export": "env-no-export", "dotenv": "env-no-export",
	"fish":       "fish",
	"powershell": "powershell", "pwsh": "powershell",
	"cmd": "cmd", "windows-cmd": "cmd",
	"json": "json", "process": "json",
}

func newEnvCmd(env *Env) *cobra.Command {
	co := &credOptions{}
	cmd := &cobra.Command{
		Use:   "env --profile P [--format bash|fish|powershell|cmd|json]",
		Short: "Print the profile's credentials as shell variables (or credential_process JSON)",
		Long: `env gets the profile's credentials as credential-process does (from the cache
while valid, else a sign-in) and prints them on stdout in the shapes of
'aws configure export-credentials': AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, and AWS_REGION and
AWS_DEFAULT_REGION when the profile has a region.

Formats: bash (also env, sh, zsh: export K='V'), env-no-export (K='V'), fish
(set -gx K 'V'), powershell ($Env:K='V'), cmd (also windows-cmd: set "K=V"),
json (also process: the credential_process JSON). Without --format: bash,
or on Windows the format of the shell that started samlogin (PowerShell or
cmd; when that is not a shell, powershell if PSModulePath holds a user's
module folder, as in a PowerShell session, else cmd). Each value is quoted so
that the shell reads it back exactly and runs nothing; a value that cmd or
PowerShell cannot take safely (%, ! or " for cmd, a new line for either) is
refused with an error, and nothing is printed.`,
		Example: `  creds=$(samlogin env --profile prod) && eval "$creds"   # not eval "$(...)": it hides a failure
  samlogin env -p prod --format fish | source
  samlogin env -p prod --format powershell | Invoke-Expression`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEnv(cmd.Context(), env, cmd, co)
		},
	}
	addCredFlags(cmd.Flags(), co)
	cmd.Flags().StringVar(&co.format, "format", "", "bash, env-no-export, fish, powershell, cmd or json (default: bash; on Windows powershell or cmd, after the shell samlogin runs from)")
	return cmd
}

func runEnv(ctx context.Context, env *Env, cmd *cobra.Command, co *credOptions) error {
	if co.format == "" {
		co.format = envFormatDefault(env.Getenv)
	}
	format, ok := envFormats[strings.ToLower(co.format)]
	if !ok {
		return usagef("--format %q: use bash, env-no-export, fish, powershell, cmd or json", co.format)
	}
	got, err := getCredentials(ctx, env, cmd.Flags(), &co.loginOptions, newPrompter(env, co.noPrompt))
	if err != nil {
		return err
	}
	noteOverrides(env, got.overrides...) // the STS endpoint chosen, if any (stderr)
	return writeEnv(env.Stdout, format, got.Credentials, got.Region)
}

// writeEnv prints the credentials in format (a value of envFormats), each
// value quoted for that shell (see envLine). A value the shell cannot
// express is refused before anything is printed.
func writeEnv(w io.Writer, format string, c *awsconfig.Credentials, region string) error {
	if format == "json" {
		_, err := w.Write(awsconfig.ProcessJSON(c))
		return err
	}
	var b strings.Builder
	for _, kv := range credentialEnv(c, region) {
		line, err := envLine(format, kv[0], kv[1])
		if err != nil {
			return err
		}
		b.WriteString(line)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// envLine is one variable assignment in format, ending in a new line:
//
//   - bash, env-no-export: POSIX single quotes (awsconfig.ShellQuote);
//     nothing is special inside them; a quote in the value closes
//     them, is written \' and opens them again.
//   - fish: single quotes, in which fish reads \' and \\ as escapes: each
//     backslash and quote is escaped, so a value ending in a backslash
//     cannot close the quotes early.
//   - powershell: a single-quoted string, where nothing expands ($,
//     backtick and double quotes are plain); PowerShell takes the curly
//     and low single quotes (‘ ’ ‚ ‛) for quotes too, so each of the four
//     and ' is doubled, which is how one is written inside. A control
//     character is refused: `| Invoke-Expression` runs each line alone.
//   - cmd: set "K=V", in which & | < > ( ) ^ are plain. %, ! (variable
//     expansion, in a batch file, at a prompt or with delayed expansion,
//     none of which one escape covers), " and control characters are
//     refused.
//
// A NUL is refused in every format: no environment can hold it.
func envLine(format, k, v string) (string, error) {
	if strings.ContainsRune(v, 0) {
		return "", envValueError(format, k, "a NUL character")
	}
	switch format {
	case "bash":
		return "export " + k + "=" + awsconfig.ShellQuote(v) + "\n", nil
	case "env-no-export":
		return k + "=" + awsconfig.ShellQuote(v) + "\n", nil
	case "fish":
		return "set -gx " + k + " " + fishQuote(v) + "\n", nil
	case "powershell":
		if hasControl(v) {
			return "", envValueError(format, k, "a control character (new line...)")
		}
		return "$Env:" + k + "=" + powershellQuote(v) + "\n", nil
	case "cmd":
		if hasControl(v) {
			return "", envValueError(format, k, "a control character (new line...)")
		}
		if i := strings.IndexAny(v, `%!"`); i >= 0 {
			return "", envValueError(format, k, fmt.Sprintf("%q", v[i:i+1]))
		}
		return `set "` + k + "=" + v + "\"\n", nil
	}
	return "", fmt.Errorf("env: unknown format %q", format)
}

// envValueError says that a value cannot be printed for a shell, naming
// the variable and the character, never the value (it may be a key).
func envValueError(format, k, what string) error {
	return fmt.Errorf("env --format %s: the value of %s contains %s, which %s cannot take safely; use --format json or another shell", format, k, what, format)
}

// fishQuote quotes s for fish: inside single quotes fish reads \' and \\
// as escapes and everything else as it is, new lines included.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// psSingleQuotes are the characters PowerShell takes for a single quote.
const psSingleQuotes = "'\u2018\u2019\u201a\u201b"

// powershellQuote quotes s as a PowerShell single-quoted string: every
// single-quote character, curly ones included, doubled.
func powershellQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		if strings.ContainsRune(psSingleQuotes, r) {
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

// hasControl reports whether s holds a C0 or C1 control character or DEL.
func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}
