package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/prompt"
	"github.com/samlogin/samlogin/internal/secret"
)

// credOptions are the flags of credential-process, exec and env: login's
// (how to sign in, which role), with --min-ttl as the cache's refresh
// margin (default 5 minutes).
type credOptions struct {
	loginOptions
	format string // env only
}

// flags that make no sense for commands that print or pass on credentials
// instead of writing a profile. They stay accepted (an env twin may set
// them) but are hidden from help.
var credHiddenFlags = []string{"chain", "aws-output", "output", "all-roles", "profile-template",
	"aliases", "signin-url", "credential-process"}

func addCredFlags(fs *pflag.FlagSet, co *credOptions) {
	addLoginFlags(fs, &co.loginOptions)
	if f := fs.Lookup("min-ttl"); f != nil {
		co.minTTL = awsconfig.DefaultRefreshMargin
		f.DefValue = co.minTTL.String()
		f.Usage = "serve cached credentials while they stay valid longer than this; sign in again after"
	}
	if f := fs.Lookup("force"); f != nil {
		f.Usage = "sign in even when cached credentials are still valid"
	}
	if f := fs.Lookup("profile"); f != nil {
		f.Usage = "the profile whose credentials to get (default: $AWS_PROFILE, else \"default\")"
	}
	for _, name := range credHiddenFlags {
		if fs.Lookup(name) != nil {
			_ = fs.MarkHidden(name)
		}
	}
}

// fastCommand answers `samlogin credential-process` before the cobra
// commands are built: the AWS CLI and SDKs run it for every client they
// create, so its cache hit must cost little more than starting a process.
// It reports false for anything it does not answer (another command, a
// help request), which run() then hands to cobra.
func fastCommand(ctx context.Context, args []string, env *Env) (int, bool) {
	if len(args) == 0 || args[0] != "credential-process" {
		return 0, false
	}
	for _, a := range args[1:] {
		if a == "-h" || a == "--help" || a == "help" {
			return 0, false
		}
	}
	co := &credOptions{}
	fs := pflag.NewFlagSet("credential-process", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addCredFlags(fs, co)
	err := fs.Parse(args[1:])
	switch {
	case err != nil:
		err = flagError("samlogin credential-process", fs, err)
	case fs.NArg() > 0:
		err = usagef("credential-process takes no arguments, got %q", fs.Args())
	default:
		if err = applyEnv(fs, env); err == nil {
			err = runCredentialProcess(ctx, env, fs, co)
		}
	}
	return report(ctx, env, err), true
}

// report turns a command's error into its line on stderr and the exit
// code, as run() does.
func report(ctx context.Context, env *Env, err error) int {
	if err == nil {
		return exitOK
	}
	var es *exitStatus
	if errors.As(err, &es) {
		return es.exit(env)
	}
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	if ue := (*usageError)(nil); errors.As(err, &ue) && ue.cmd == "" {
		ue.cmd = "samlogin credential-process"
	}
	err = nameEnvSources(err, env)
	fmt.Fprintf(env.Stderr, "samlogin: %s\n", message(err))
	fmt.Fprint(env.Stderr, detail(err))
	return exitCode(err)
}

// exitStatus is the exit code of a command samlogin ran (exec): samlogin
// exits with it, printing msg when there is one (127: not found).
type exitStatus struct {
	code int
	msg  string
}

func (e *exitStatus) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exit prints msg and returns the code.
func (e *exitStatus) exit(env *Env) int {
	if e.msg != "" {
		fmt.Fprintf(env.Stderr, "samlogin: %s\n", e.msg)
	}
	return e.code
}

func newCredentialProcessCmd(env *Env) *cobra.Command {
	co := &credOptions{}
	cmd := &cobra.Command{
		Use:   "credential-process --profile P",
		Short: "Print credentials for the AWS CLI's credential_process (cached; signs in when needed)",
		Long: `credential-process prints the profile's credentials as the JSON that the
AWS CLI and SDKs read from a credential_process, and nothing else on stdout.

It serves them from samlogin's cache (~/.aws/samlogin/credentials) while
they stay valid longer than --min-ttl (5 minutes), with no network. Else it
signs in with the profile's stored settings, asking on the terminal
(/dev/tty) or using SAMLOGIN_PASSWORD, --password-command or the password
kept in the OS keychain (--keychain); a cache hit never opens the keychain. Many processes
asking at once make one sign-in; the others wait for it.

Set a profile up with 'samlogin --profile P --credential-process', which
writes credential_process = samlogin credential-process --profile P.`,
		Example: `  samlogin --profile prod --adfs-host adfs.corp.example --username 'CORP\alice' \
      --role-arn arn:aws:iam::123456789012:role/Admin --credential-process
  aws sts get-caller-identity --profile prod      # runs samlogin credential-process`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCredentialProcess(cmd.Context(), env, cmd.Flags(), co)
		},
	}
	addCredFlags(cmd.Flags(), co)
	return cmd
}

func runCredentialProcess(ctx context.Context, env *Env, fs *pflag.FlagSet, co *credOptions) error {
	var p idp.Prompter = prompt.Never{Hint: noTTYHint}
	if !co.noPrompt {
		p = &ttyPrompter{banner: fmt.Sprintf("samlogin: profile %s needs a sign-in (credential_process)\n", resolveProfile(&co.loginOptions, env))}
	}
	if tp, ok := p.(*ttyPrompter); ok {
		defer tp.close()
	}
	got, err := getCredentials(ctx, env, fs, &co.loginOptions, p)
	if err != nil {
		return err
	}
	if co.debug {
		// The AWS tools may show stderr: say nothing there unless asked.
		noteOverrides(env, got.overrides...)
	}
	_, err = env.Stdout.Write(awsconfig.ProcessJSON(got.Credentials))
	return err
}

func noTTYHint(message string) string {
	return strings.ToLower(message) + ": no terminal to ask on"
}

// ttyPrompter prompts on the console (/dev/tty; CONIN$ and CONOUT$ on
// Windows), opened at the first question: credential_process runs with
// stdout (and, under the AWS CLI, stderr) captured, and a cache hit must
// not touch the terminal at all.
type ttyPrompter struct {
	once    sync.Once
	banner  string // said once on the terminal before the first question
	console *prompt.Console
	p       idp.Prompter
}

func (t *ttyPrompter) get() idp.Prompter {
	t.once.Do(func() {
		c, err := prompt.OpenConsole()
		if err != nil {
			t.p = prompt.Never{Hint: noTTYHint}
			return
		}
		t.console = c
		t.p = &prompt.Terminal{In: c.In, Out: c.Out, Err: c.Out}
		_, _ = c.Out.WriteString(t.banner)
	})
	return t.p
}

// Say writes a line on the terminal (after the banner), or nowhere when
// there is none: a browser sign-in says there that it opens the browser.
func (t *ttyPrompter) Say(msg string) {
	t.get()
	if t.console != nil {
		_, _ = t.console.Out.WriteString("samlogin: " + msg + "\n")
	}
}

func (t *ttyPrompter) close() {
	if t.console != nil {
		_ = t.console.Close()
	}
}

func (t *ttyPrompter) Input(m string) (string, error)         { return t.get().Input(m) }
func (t *ttyPrompter) Secret(m string) (secret.String, error) { return t.get().Secret(m) }
func (t *ttyPrompter) Select(m string, o []string) (int, error) {
	return t.get().Select(m, o)
}

// credCache is samlogin's credential cache. A waiting process waits at
// most its own --timeout: the process it waits for is bounded by its own,
// and when that one is killed the kernel releases its lock; a waiter that
// gives up says which step the other was in. A failed sign-in is shared
// with the waiters by kind (see failureKind), and a shared rejection
// keeps its exit code.
func credCache(env *Env, lo *loginOptions) *awsconfig.CredentialCache {
	return &awsconfig.CredentialCache{
		Dir:             awsconfig.CacheDir(env.Home),
		Now:             env.Now,
		LockWait:        lo.timeout,
		ClassifyFailure: failureKind,
		FailureError:    failureError,
	}
}

// credCacheKey is the cache entry of a resolved flow: the IdP, the user
// and the role (the --role pattern when no ARN is known yet), and the
// session policy, which narrows the credentials.
func credCacheKey(lo *loginOptions, policy string) awsconfig.CacheKey {
	k := awsconfig.CacheKey{IdP: lo.describe(), Username: lo.username, RoleARN: lo.roleARN}
	if k.RoleARN == "" && lo.role != "" {
		k.RoleARN = "role~" + lo.role
	}
	if h := policyHash(policy, lo.policyARNs); h != "" {
		k.RoleARN += "#policy=" + h
	}
	return k
}

// policyHash names a session policy (--policy-file's JSON and
// --policy-arns), "" for none: credentials narrowed by one are never served
// for another.
func policyHash(policy string, arns []string) string {
	if policy == "" && len(arns) == 0 {
		return ""
	}
	h := sha256.Sum256([]byte(policy + "\x00" + strings.Join(arns, ",")))
	return hex.EncodeToString(h[:8])
}

// executable is the absolute path samlogin was started as (a symbolic link
// stays a link: a package manager's upgrade keeps working).
func executable() (string, error) {
	arg0 := os.Args[0]
	if !strings.ContainsRune(arg0, filepath.Separator) {
		if p, err := exec.LookPath(arg0); err == nil {
			arg0 = p
		} else {
			return os.Executable()
		}
	}
	return filepath.Abs(arg0)
}

// credentialProcessLine is the credential_process samlogin writes for
// profile, quoted as the AWS CLI of this system splits it (quoteArg).
func credentialProcessLine(profile string) (string, error) {
	exe, err := executable()
	if err != nil {
		return "", fmt.Errorf("find samlogin's own path for credential_process: %w", err)
	}
	return credentialProcessLineFor(exe, profile), nil
}

// credentialProcessLineFor is the credential_process line that runs the
// samlogin at exe for profile (plainExe: on Windows, a path without
// spaces when there is one).
func credentialProcessLineFor(exe, profile string) string {
	return quoteArg(plainExe(exe)) + " credential-process --profile " + quoteArg(profile)
}

// credProcFlag is login's --credential-process.
type credProcFlag struct{ credentialProcess bool }

func addCredProcFlag(fs *pflag.FlagSet, c *credProcFlag) {
	fs.BoolVar(&c.credentialProcess, "credential-process", false,
		"write credential_process = samlogin credential-process --profile P, and keep the keys in samlogin's cache, not ~/.aws/credentials (the AWS CLI and SDKs then refresh by themselves)")
}

// useCredentialProcess makes a login write the profile for
// credential_process (login --credential-process, or the stored
// setting): the credentials go to samlogin's cache, under the key
// credential-process will look for, and w gets the credential_process line
// instead of static keys (which would win over it).
func (f *flow) useCredentialProcess(w *awsconfig.ProfileWrite, role assertion.Role, creds *awsconfig.Credentials) error {
	if !f.lo.credentialProcess {
		return nil
	}
	line, err := credentialProcessLine(f.profile)
	if err != nil {
		return err
	}
	lo := *f.lo
	lo.roleARN, lo.role = role.RoleARN, "" // stored as samlogin_role_arn for the next run
	k := credCacheKey(&lo, f.policy)
	if err := credCache(f.env, &lo).Store(k, creds); err != nil {
		return err
	}
	if err := f.store.Grant(k, f.profile); err != nil {
		return err
	}
	w.CredentialProcess = line
	return nil
}
