package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
)

// consoleOptions are the flags of `samlogin console`.
type consoleOptions struct {
	profile       string
	destination   string
	issuer        string
	duration      string
	print         bool
	noPrompt      bool
	timeout       time.Duration
	stsEndpoint   string
	caBundle      string
	federationURL string
}

// browserOpener opens a URL in the user's browser. Tests replace it.
var browserOpener = openBrowser

// openBrowser runs the system's URL opener (browserCommand: open on macOS,
// rundll32 on Windows, xdg-open or, on WSL, the Windows browser elsewhere)
// with u (the one-shot loopback URL of the redirect page, see
// redirectServer) as its argument. Nothing is logged.
func openBrowser(ctx context.Context, u secret.String) error {
	args := browserCommand(u.Reveal())
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("open the browser with %s: %w", args[0], err)
	}
	return nil
}

func newConsoleCmd(env *Env) *cobra.Command {
	o := &consoleOptions{}
	cmd := &cobra.Command{
		Use:   "console [--profile P] [flags]",
		Short: "Open the AWS console signed in with a profile's credentials",
		Long: `console exchanges the profile's temporary credentials for a sign-in token at
the federation endpoint of the role's partition (signin.aws.amazon.com,
signin.amazonaws-us-gov.com or signin.amazonaws.cn) and opens the console in
your browser; --print prints the sign-in URL on stdout instead.

The credentials are P's own, whatever wrote them (~/.aws/credentials, or
samlogin's cache for a credential_process profile); when they have expired
and P has sign-in settings, console signs in first. For a chained profile
(role_arn and source_profile) samlogin first assumes that role with the
source profile's credentials (STS AssumeRole); AWS caps such sessions, and
their console sessions, at one hour.

The URL signs whoever opens it in for 15 minutes: treat it as a secret.
samlogin never logs it, and writes it to no file. Without --print, the
browser gets it from samlogin itself: a one-shot page on 127.0.0.1 (a random
port and an unguessable path, answered once, then closed; on Linux only to
a process of yours), so the sign-in URL is neither on disk nor on the
opener's command line. console waits up to 2m for the browser to ask for it.`,
		Example: `  samlogin console --profile prod-admin
  samlogin console --profile prod-admin --destination https://console.aws.amazon.com/s3/home --duration 8h
  samlogin console --profile prod-deploy --print`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConsole(cmd.Context(), env, o)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.profile, "profile", "p", "", "the profile whose credentials sign in (default: $AWS_PROFILE, else \"default\")")
	fs.StringVar(&o.destination, "destination", "", "the console page to open: a URL, or a path under the console home (default: the console home of the partition)")
	fs.StringVar(&o.issuer, "issuer", "", "where the browser goes when the console session ends (default: the profile's IdP sign-in page)")
	fs.StringVar(&o.duration, "duration", "", "console session length, 15m to 12h (SessionDuration; 1h at most for a chained role; default: as long as the credentials)")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "bound on the whole command: a sign-in when needed, STS, the federation endpoint")
	fs.BoolVar(&o.noPrompt, "no-prompt", false, "never prompt; when the profile needs a sign-in, fail naming the flag or variable to use")
	fs.BoolVar(&o.print, "print", false, "print the sign-in URL on stdout instead of opening a browser")
	fs.StringVar(&o.stsEndpoint, "sts-endpoint", "", "STS endpoint for a chained role's AssumeRole (default: the partition's regional endpoint; also AWS_ENDPOINT_URL_STS)")
	fs.StringVar(&o.caBundle, "ca-bundle", "", "PEM file of a private CA to trust, in addition to the system's, for the IdP, STS and the federation endpoint (also AWS_CA_BUNDLE)")
	fs.StringVar(&o.federationURL, "federation-url", "", "federation endpoint (tests; also SAMLOGIN_FEDERATION_URL)")
	_ = fs.MarkHidden("federation-url")
	return cmd
}

// consoleCreds are the temporary credentials the console signs in with.
type consoleCreds struct {
	accessKeyID                   string
	secretAccessKey, sessionToken secret.String
	expires                       time.Time
	roleARN                       string // the role they are a session of
	chained                       bool
	settings                      map[string]string // of the profile that signed in with SAML
	overrides                     []override        // the chosen STS endpoints called to get them
	caBundle                      string
}

func runConsole(ctx context.Context, env *Env, o *consoleOptions) error {
	ctx, cancel := withTimeout(ctx, o.timeout)
	defer cancel()
	profile := o.profile
	if profile == "" {
		profile = env.Getenv("AWS_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	var d time.Duration
	if o.duration != "" {
		var err error
		if d, err = parseConsoleDuration(o.duration); err != nil {
			return err
		}
	}
	// The keys go to the federation endpoint: one chosen instead of AWS's
	// must be https or this machine, checked before anything is sent.
	var fed override
	if o.federationURL != "" {
		fed = override{what: "federation", url: o.federationURL, from: flagSource(env, "federation-url")}
	}
	if err := checkOverride(fed); err != nil {
		return err
	}
	c, err := consoleCredentials(ctx, env, profile, o)
	if err != nil {
		return err
	}
	if c.chained {
		msg := fmt.Sprintf("samlogin: profile %s is a chained role (%s): AWS caps its console session at 1h", profile, c.roleARN)
		if d > awsconfig.MaxChainedRoleDuration {
			msg += fmt.Sprintf("; asking for 1h, not %s", o.duration)
			d = awsconfig.MaxChainedRoleDuration
		}
		fmt.Fprintln(env.Stderr, msg)
	}
	partition := arnPartition(c.roleARN)
	dest := o.destination
	if dest != "" && !strings.HasPrefix(dest, "https://") && !strings.HasPrefix(dest, "http://") {
		dest = awsconfig.ConsoleHome(partition) + strings.TrimPrefix(dest, "/")
	}
	issuer := o.issuer
	if issuer == "" {
		issuer = issuerOf(c.settings)
	}
	pg, _ := startProgress(env, "the AWS federation endpoint at "+federationHost(o.federationURL, partition))
	u, err := awsconfig.SigninURL(ctx, awsconfig.SigninInput{
		AccessKeyID:     c.accessKeyID,
		SecretAccessKey: c.secretAccessKey,
		SessionToken:    c.sessionToken,
		Partition:       partition,
		Endpoint:        o.federationURL,
		Duration:        d,
		Destination:     dest,
		Issuer:          issuer,
		CABundle:        c.caBundle,
	})
	pg.stop()
	if err != nil {
		if errors.Is(err, awsconfig.ErrFederation) {
			return withHint(err, fmt.Sprintf("the credentials of profile %s may have been revoked: sign in again with 'samlogin login --profile %s'", profile, profile))
		}
		return err
	}
	noteOverrides(env, append(c.overrides, fed)...) // the endpoints chosen, if any (stderr)
	if o.print {
		fmt.Fprintln(env.Stdout, u.Reveal())
		return nil
	}
	rs, err := serveRedirect(u)
	if err != nil {
		return withHint(fmt.Errorf("console: %w", err), "use --print and open the URL yourself")
	}
	if err := browserOpener(ctx, rs.URL()); err != nil {
		rs.Close()
		return withHint(fmt.Errorf("console: %w", err), "use --print and open the URL yourself")
	}
	if err := rs.Wait(ctx); err != nil {
		return fmt.Errorf("console: %w", err)
	}
	if uids := rs.Refused(); len(uids) > 0 {
		fmt.Fprintf(env.Stderr, "samlogin: warning: a process of another user (uid %d) asked for the console page and was refused: someone on this machine watches for sign-in links\n", uids[0])
	}
	fmt.Fprintf(env.Stderr, "samlogin: opened the AWS console for profile %s in your browser\n", profile)
	return nil
}

// consoleCredentials gets the profile's credentials as exec does
// (getCredentials: its own while valid, a sign-in with its stored settings
// when they have expired, an AssumeRole for a chained profile), with the
// SAMLOGIN_* variables of the sign-in flags.
func consoleCredentials(ctx context.Context, env *Env, profile string, o *consoleOptions) (*consoleCreds, error) {
	co := &credOptions{}
	fs := pflag.NewFlagSet("console", pflag.ContinueOnError)
	addCredFlags(fs, co)
	if err := applyEnv(fs, env); err != nil {
		return nil, err
	}
	co.profile, co.noPrompt = profile, co.noPrompt || o.noPrompt
	if d, ok := ctx.Deadline(); ok {
		co.timeout = time.Until(d)
	}
	// As given to console: set through the flags, so that they beat the
	// profile's stored settings and name their source.
	for flag, v := range map[string]string{"sts-endpoint": o.stsEndpoint, "ca-bundle": o.caBundle} {
		if v != "" {
			if err := fs.Set(flag, v); err != nil {
				return nil, err
			}
		}
	}
	got, err := getCredentials(ctx, env, fs, &co.loginOptions, newPrompter(env, co.noPrompt))
	if err != nil {
		return nil, err
	}
	return &consoleCreds{accessKeyID: got.AccessKeyID, secretAccessKey: got.SecretAccessKey, sessionToken: got.SessionToken,
		expires: got.Expiration, roleARN: cmp.Or(got.RoleARN, got.AssumedRoleARN), chained: got.Chained, settings: got.Settings,
		overrides: got.overrides, caBundle: got.caBundle}, nil
}

// arnPartition is the partition of an ARN ("arn:aws-cn:..."), else "aws".
func arnPartition(arn string) string {
	if r, err := assertion.ParseRoleARN(arn); err == nil {
		return r.Partition
	}
	if parts := strings.SplitN(arn, ":", 3); len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}

// issuerOf is the IdP page that signs the user in again when the console
// session ends: the stored SAML portal URL, or the ADFS sign-in page.
func issuerOf(settings map[string]string) string {
	if raw := settings["samlogin_idp_url"]; raw != "" {
		// It goes to AWS and into the console URL: no user info, and of the
		// query only what says which relying party (the state handles and
		// tokens a portal URL may carry stay home).
		u, err := url.Parse(raw)
		if err != nil {
			return ""
		}
		q := url.Values{}
		for k, vs := range u.Query() {
			if !idp.SensitiveName(k) {
				q[k] = vs
			}
		}
		return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawQuery: q.Encode()}).String()
	}
	if h := settings["samlogin_adfs_host"]; h != "" {
		if !strings.Contains(h, "://") {
			h = "https://" + h
		}
		return strings.TrimRight(h, "/") + "/adfs/ls/IdpInitiatedSignOn.aspx"
	}
	return ""
}

// parseConsoleDuration reads --duration: seconds or a Go duration, 15m to
// 12h (the federation endpoint's SessionDuration range).
func parseConsoleDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		var n int
		if _, serr := fmt.Sscanf(s, "%d", &n); serr != nil || fmt.Sprint(n) != s {
			return 0, usagef("--duration %q: give seconds (3600) or a duration (1h, 90m)", s)
		}
		d = time.Duration(n) * time.Second
	}
	if d < awsconfig.MinConsoleDuration || d > awsconfig.MaxConsoleDuration {
		return 0, usagef("--duration %s: the console session is 900 s (15m) to 43200 s (12h)", s)
	}
	return d, nil
}
