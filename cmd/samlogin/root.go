package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Set by the Makefile: -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = "unknown"
)

// versionString is what --version prints. A `go install` build has no
// ldflags: it reports what runtime/debug.ReadBuildInfo recorded instead.
func versionString() string {
	v, c := versionCommit()
	return fmt.Sprintf("samlogin %s (commit %s, %s %s/%s)\n", v, c, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// run is the whole program: it parses args, runs one command and turns its
// error into one line on stderr and an exit code.
func run(ctx context.Context, args []string, env *Env) int {
	// `samlogin --version` is answered before anything else is built, so
	// that it stays fast.
	if len(args) == 1 && (args[0] == "--version" || args[0] == "version") {
		fmt.Fprint(env.Stdout, versionString())
		return exitOK
	}
	env.kc = nil // the keychain as this run uses it: opened at its first use
	env.ends = &endWaits{}
	defer env.ends.wait()
	if env.StderrTTY && env.line == nil {
		env.line = &termLine{w: env.Stderr} // the waits show their progress
	}
	ctx, err := guardFiles(ctx, env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "samlogin: %s\n", message(err))
		return exitCode(err)
	}
	if code, ok := fastCommand(ctx, args, env); ok { // credential-process, without cobra
		return code
	}
	root, ran := newRootCmd(env)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	if es := (*exitStatus)(nil); errors.As(err, &es) { // exec: the command's own code
		return es.exit(env)
	}
	if !*ran {
		// cobra rejected the command line before any command ran.
		err = &usageError{msg: err.Error()}
	}
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	if ue := (*usageError)(nil); errors.As(err, &ue) && ue.cmd == "" && cmd != nil {
		ue.cmd = cmd.CommandPath()
	}
	err = nameEnvSources(err, env)
	fmt.Fprintf(env.Stderr, "samlogin: %s\n", message(err))
	fmt.Fprint(env.Stderr, detail(err))
	return exitCode(err)
}

func newRootCmd(env *Env) (*cobra.Command, *bool) {
	ran := new(bool)
	lo := &loginOptions{}
	root := &cobra.Command{
		Use:   "samlogin [flags]",
		Short: "Sign in to AWS through your company's SAML identity provider",
		Long: `samlogin signs you in to AWS through your company's SAML identity provider
(ADFS, or any SAML portal), assumes the role you pick with STS
AssumeRoleWithSAML, and writes the temporary credentials to the AWS CLI's
files, so that 'aws --profile P' and every SDK just work.

Bare 'samlogin' with flags is 'samlogin login'.`,
		Example: `  samlogin --adfs-host adfs.corp.example.com --profile prod-admin --username 'CORP\alice'
  samlogin --profile prod-admin                 # again, with the stored settings
  samlogin --idp-url https://sso.example.com/start-aws --profile dev
  samlogin --idp-url https://sso.example.com/start-aws --browser --profile dev   # in your browser: keys, push, passkeys
  samlogin parse samlresponse.log
  samlogin login --assertion-file samlresponse.log --profile prod-admin \
      --role-arn arn:aws:iam::123456789012:role/Admin --region eu-west-1`,
		Args:          commandArgs, // no arguments; "did you mean" for a mistyped command
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLogin(cmd.Context(), env, cmd, lo)
		},
	}
	root.SuggestionsMinimumDistance = 2
	root.SetVersionTemplate(versionString())
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return flagError(c.CommandPath(), c.Flags(), err) })
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		*ran = true
		return applyEnv(cmd.Flags(), env)
	}
	addLoginFlags(root.Flags(), lo)

	login := &cobra.Command{
		Use:   "login [flags]",
		Short: "Sign in and write an AWS profile (the default command)",
		Long: `login signs in at your identity provider, picks one of the roles of the SAML
assertion it returns (--role-arn, --role PATTERN, or a question), assumes it
with STS AssumeRoleWithSAML, and writes the temporary credentials to profile P
of ~/.aws/credentials. The settings that sign in again (IdP, user name, role,
region) go to [profile P] of ~/.aws/config, so the next 'samlogin --profile P'
asks only for the password and the second factor.

The assertion comes from one of:
  --adfs-host HOST      ADFS (host, host:port or URL of its sign-on page)
  --idp-url URL         any other SAML portal (SimpleSAMLphp, Shibboleth,
                        Keycloak, PingFederate...): the URL that starts an
                        IdP-initiated sign-in to AWS
  --onelogin-subdomain S  OneLogin, through its API (with --onelogin-app-id
                        and --onelogin-client-id; the client secret from
                        SAMLOGIN_ONELOGIN_CLIENT_SECRET or
                        --onelogin-client-secret-command)
  --assertion-file F    a SAMLResponse saved from the browser (- for stdin)
With --adfs-host or --idp-url, --browser signs in in your own Chromium-family
browser instead (security keys, passkeys, push, any page the IdP shows):
samlogin takes the SAMLResponse from it before it reaches AWS; no password
is read, and --username is taken from the assertion.

The password is asked on the terminal without echo, or read from
--password-stdin, SAMLOGIN_PASSWORD, --password-command or, with --keychain,
the OS keychain (where it is kept once the IdP accepted it); never from an
argument. While the profile's credentials stay valid longer than --min-ttl,
login does nothing; --force signs in anyway. Bare 'samlogin' is 'samlogin login'.`,
		Example: `  # ADFS, the first time: the settings are stored in ~/.aws/config
  samlogin login --adfs-host adfs.corp.example.com --username 'CORP\alice' \
      --profile prod-admin --region eu-west-1
  samlogin login --profile prod-admin        # later: only the password is asked

  # any other SAML portal
  samlogin login --profile dev \
      --idp-url 'https://sso.example.com/saml2/idp/SSOService.php?spentityid=urn:amazon:webservices'

  # in your own browser, with whatever the IdP asks (stored with the profile)
  samlogin login --idp-url https://sso.example.com/start-aws --browser --profile dev

  # a SAMLResponse saved from the browser, no IdP
  samlogin login --assertion-file samlresponse.log --profile prod-admin \
      --role-arn arn:aws:iam::123456789012:role/Admin --region eu-west-1 \
      --chain prod-deploy=arn:aws:iam::210987654321:role/WebDeploy

  # no terminal (CI): password from a command, the role by pattern
  samlogin login --adfs-host adfs.corp.example.com -u 'CORP\ci' --role Admin \
      --password-command 'pass show corp/ci' --profile ci --no-prompt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLogin(cmd.Context(), env, cmd, lo)
		},
	}
	addLoginFlags(login.Flags(), lo)
	root.AddCommand(login, newParseCmd(env))
	root.AddCommand(newStatusCmd(env), newLogoutCmd(env), newConsoleCmd(env))
	root.AddCommand(newCredentialProcessCmd(env), newExecCmd(env), newEnvCmd(env))
	registerCompletions(root, env)
	// `completion tcsh` is a mistake, not a request for help on stdout
	// (which `> completion-file` would quietly save).
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Args = cobra.ArbitraryArgs
			c.RunE = func(c *cobra.Command, args []string) error {
				if len(args) > 0 {
					return usagef("completion %q: use bash, zsh, fish or powershell", args[0])
				}
				return c.Help()
			}
		}
	}
	return root, ran
}

// envName is the SAMLOGIN_* twin of a flag: --role-arn → SAMLOGIN_ROLE_ARN.
func envName(flag string) string {
	return "SAMLOGIN_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// applyEnv gives every flag that was not set on the command line the value
// of its SAMLOGIN_* environment twin (flag > environment > stored > default).
func applyEnv(fs *pflag.FlagSet, env *Env) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || f.Name == "help" || f.Name == "version" || f.Annotations[noEnvTwin] != nil {
			return
		}
		v, ok := env.LookupEnv(envName(f.Name))
		if !ok || v == "" {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = usagef("%s=%q: %v", envName(f.Name), v, serr)
			return
		}
		if env.fromEnv == nil {
			env.fromEnv = map[string]string{}
		}
		env.fromEnv[f.Name] = envName(f.Name) // for the error line (nameEnvSources)
	})
	return err
}

// newLogger returns the debug logger (stderr) or a silent one.
func newLogger(env *Env, debug bool) *slog.Logger {
	if !debug {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
