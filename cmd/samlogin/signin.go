package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
)

// signinOptions are the flags that sign in at an identity provider.
type signinOptions struct {
	adfsHost        string
	idpURL          string
	allowHosts      []string
	loginToRP       string
	partition       string
	username        string
	passwordStdin   bool
	passwordCommand string
	mfaCode         string
	mfaMethod       string
	mfaTimeout      time.Duration
	caBundle        string
	timeout         time.Duration
	minTTL          time.Duration
	force           bool
	keychain        bool   // --keychain: the password kept in the OS keychain
	noKeychain      bool   // --no-keychain: sets keychain to false (resolveKeychain)
	rememberSession bool   // --remember-session: keep the IdP's cookies between runs
	forgetSession   bool   // --no-remember-session was given: drop a kept session
	kerberos        string // --kerberos: "true", "auto" or ""/"false"
	onelogin        oneLoginOptions
	browser         browserOptions
}

func addSigninFlags(fs *pflag.FlagSet, so *signinOptions) {
	fs.StringVar(&so.adfsHost, "adfs-host", "", "sign in at this ADFS (host, host:port or URL)")
	fs.StringVar(&so.idpURL, "idp-url", "", "sign in at this SAML portal: the URL that starts an IdP-initiated sign-in to AWS")
	fs.StringSliceVar(&so.allowHosts, "idp-allow-host", nil, "a host, besides the IdP's own site, that may receive the password and codes (repeatable; stored with the profile)")
	fs.StringVar(&so.loginToRP, "login-to-rp", "", "ADFS relying party (default by --partition: urn:amazon:webservices[:govcloud|:cn-north-1])")
	fs.StringVar(&so.partition, "partition", "aws", "AWS partition of the relying party: aws, aws-us-gov or aws-cn")
	fs.StringVarP(&so.username, "username", "u", "", "user name at the IdP (DOMAIN\\user or user@domain for ADFS)")
	fs.BoolVar(&so.passwordStdin, "password-stdin", false, "read the password from the first line of stdin")
	fs.StringVar(&so.passwordCommand, "password-command", "", "run this command and use its output as the password (e.g. 'pass show corp/ad')")
	fs.StringVar(&so.mfaCode, "mfa-code", "", "verification code for the second factor (tried once); other users can read a command line in /proc: prefer SAMLOGIN_MFA_CODE or the prompt")
	addOneLoginFlags(fs, &so.onelogin)
	fs.StringVar(&so.mfaMethod, "mfa-method", "", "additional-authentication method to choose when the IdP offers several")
	fs.DurationVar(&so.mfaTimeout, "mfa-timeout", 2*time.Minute, "how long to wait for a push approval")
	fs.StringVar(&so.caBundle, "ca-bundle", "", "PEM file of a private CA that signs the IdP's certificate (also AWS_CA_BUNDLE)")
	fs.DurationVar(&so.timeout, "timeout", 5*time.Minute, "bound on the whole command: sign-in, password command, STS, account aliases")
	fs.DurationVar(&so.minTTL, "min-ttl", 10*time.Minute, "sign in only when the profile's credentials expire within this")
	fs.BoolVar(&so.force, "force", false, "sign in even when the profile's credentials are still valid")
	fs.BoolVar(&so.keychain, "keychain", false, "keep the IdP password in the OS keychain: read before asking, stored once the IdP accepted it (stored with the profile)")
	fs.BoolVar(&so.noKeychain, "no-keychain", false, "stop using the OS keychain for this profile (stored with the profile)")
	fs.BoolVar(&so.rememberSession, "remember-session", false, "keep the IdP's session (its cookies: in the keychain with --keychain, else 0600 under ~/.aws/samlogin) so that the next sign-ins ask for nothing while it lasts (stored with the profile)")
	fs.Var(noFlag{fs: fs, target: "remember-session", set: &so.forgetSession}, "no-remember-session", "do not keep the IdP's session, and drop the one kept")
	fs.Lookup("no-remember-session").NoOptDefVal = "true"
	addKerberosFlag(fs, so)
	addBrowserFlags(fs, &so.browser)
}

// hasIdP reports whether an identity provider is configured.
func (so *signinOptions) hasIdP() bool {
	for i := range drivers {
		if drivers[i].selected(so) {
			return true
		}
	}
	return false
}

// describe names the IdP: the setting as given, which keys the caches.
func (so *signinOptions) describe() string {
	for i := range drivers {
		if drivers[i].selected(so) {
			return drivers[i].describe(so)
		}
	}
	return ""
}

// shown names the IdP in messages and in the step other processes read:
// describe, with a URL passed through idp.RedactURL (a start URL copied
// from a browser may carry a SAMLRequest or a session).
func (so *signinOptions) shown() string {
	d := so.describe()
	if strings.Contains(d, "://") {
		return idp.RedactURLString(d)
	}
	return d
}

func relyingParty(so *signinOptions) (string, error) {
	if so.loginToRP != "" {
		return so.loginToRP, nil
	}
	switch so.partition {
	case "aws", "":
		return "urn:amazon:webservices", nil
	case "aws-us-gov":
		return "urn:amazon:webservices:govcloud", nil
	case "aws-cn":
		return "urn:amazon:webservices:cn-north-1", nil
	}
	return "", usagef("--partition %q: use aws, aws-us-gov or aws-cn", so.partition)
}

// signIn signs in at the configured IdP and returns the parsed assertion.
func signIn(ctx context.Context, env *Env, so *signinOptions, p idp.Prompter, debug bool) (*assertion.Assertion, error) {
	row, err := pickDriver(so)
	if err != nil {
		return nil, err
	}
	if row == nil {
		row = defaultDriver() // as before the table: the form driver names what is missing
	}
	rp, err := relyingParty(so)
	if err != nil {
		return nil, err
	}
	if so.browserOn() {
		ctx, cancel := withTimeout(ctx, so.timeout)
		defer cancel()
		return signInBrowser(ctx, env, so, row, rp, p, debug)
	}
	// The bound covers the password command and the prompts too.
	ctx, cancel := withTimeout(ctx, so.timeout)
	defer cancel()
	username := so.username // the flow has asked for it when it was missing
	ks, err := openKeptSession(env, so, rp)
	if err != nil {
		return nil, err
	}
	kc := keychainFor(env, so, username) // nil without --keychain
	fromKeychain := false
	// The password: stdin, SAMLOGIN_PASSWORD or the password command, else
	// the keychain (--keychain), else the driver's prompt. With a kept
	// session it is read only once a sign-in form appears: a session that
	// suffices runs no --password-command and reads no keychain.
	var password secret.String
	read := func(ctx context.Context) (secret.String, error) {
		pw, err := readPassword(ctx, env, so, p, username)
		if err != nil {
			return secret.String{}, err
		}
		if pw.Empty() && kc != nil {
			pw, fromKeychain = kc.password() // after the other sources, before the prompt
		}
		password = pw
		return pw, nil
	}
	var source func(context.Context) (secret.String, error)
	if ks.kept != nil || so.kerberosOn() {
		// --kerberos: read only if the forms page comes (auto).
		source = ks.lazyPassword(read)
	} else if _, err = read(ctx); err != nil {
		return nil, err
	}
	if row.prepare != nil { // what the driver needs besides the password (a client secret)
		if err := row.prepare(ctx, env, so, p); err != nil {
			return nil, err
		}
	}
	typed := &typedPassword{p: p} // what the driver's prompt got, to keep once accepted
	p = typed
	pg, env := startProgress(env, "the IdP at "+hostOf(so.describe())) // stderr erases the line first
	defer pg.stop()
	p = pg.pausing(p) // no progress line while a prompt is up
	log := newLogger(env, debug)
	caBundle := so.caBundle
	if caBundle == "" {
		caBundle = env.Getenv("AWS_CA_BUNDLE")
	}
	if env.CanPrompt() {
		from := ""
		if fromKeychain {
			from = " (password from the keychain)"
		}
		fmt.Fprintf(env.Stderr, "samlogin: signing in to %s as %s%s...\n", so.shown(), username, from)
	}
	in := idp.LoginInput{
		Username:        username,
		Password:        password,
		PasswordSource:  source,
		MFACode:         secret.New(so.mfaCode),
		MFAMethod:       so.mfaMethod,
		MFATimeout:      so.mfaTimeout,
		RememberSession: so.rememberSession,
	}
	walk := func(jar http.CookieJar) (secret.String, error) {
		client, err := idp.NewHTTPClient(idp.HTTPOptions{CABundle: caBundle, Log: log, Jar: jar})
		if err != nil {
			return secret.String{}, err
		}
		deps := idp.Deps{
			Client: client,
			Prompt: ks.watch(stepPrompter{ctx: ctx, p: p}),
			Log:    log,
			Now:    env.Now,
			Status: func(msg string) {
				ks.asked.Store(true) // a push waits, a code was refused: not a walk to redo
				fmt.Fprintf(env.Stderr, "samlogin: %s\n", msg)
			},
		}
		d, err := row.build(env, so, rp, deps)
		var nu notUsage
		if errors.As(err, &nu) {
			return secret.String{}, nu.error
		}
		if err != nil {
			return secret.String{}, usagef("%v", err)
		}
		awsconfig.ReportStep(ctx, "signing in at "+so.shown())
		return d.Login(ctx, in)
	}
	saml, err := walk(ks.jar())
	if err != nil && ks.retryFresh(err) {
		// The kept session led to an error page before anything was
		// asked: drop it, and sign in afresh once, without cookies.
		fmt.Fprintf(env.Stderr, "samlogin: the kept session at %s led to an error page; it was dropped, signing in afresh\n", so.shown())
		saml, err = walk(ks.jar())
	}
	if err != nil {
		if fromKeychain && errors.Is(err, idp.ErrRejected) {
			return nil, kc.rejected(err) // removed; never tried again
		}
		if so.adfsHost != "" && errors.Is(err, idp.ErrRejected) {
			return nil, withHint(err, adfsRejectedHint)
		}
		var dnsErr *net.DNSError
		var opErr *net.OpError
		if errors.As(err, &dnsErr) || errors.As(err, &opErr) {
			return nil, withHint(err, fmt.Sprintf("check the host name %s and that it is reachable from here (VPN, proxy: HTTPS_PROXY)", so.shown()))
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, withHint(fmt.Errorf("sign-in to %s did not finish within --timeout %s", so.shown(), so.timeout),
				"check that the host is reachable (VPN, proxy: HTTPS_PROXY), or raise --timeout")
		}
		return nil, err
	}
	pg.stop() // a line about the keychain must not mix with the progress line
	if row.accepted != nil {
		row.accepted(env, so)
	}
	if kc != nil && !fromKeychain {
		// The IdP handed over a SAMLResponse: the password, if one was
		// sent, is right. Kept before the session, whose trouble (too
		// large for the keychain) must not cost the password its place.
		if pw := cmpSecret(password, typed.password); !pw.Empty() {
			kc.keep(pw)
		}
	}
	ks.save()
	a, err := assertion.Parse([]byte(saml.Reveal()))
	if err != nil {
		return nil, fmt.Errorf("the SAMLResponse from %s: %w", so.shown(), err)
	}
	return a, nil
}

// readPassword takes the password from stdin, SAMLOGIN_PASSWORD or the
// password command, in that order; with none of them it returns the empty
// secret: signIn then reads the keychain (--keychain), else the driver asks (no-echo) when it reaches the sign-in form. There is no flag
// that takes the password itself: argv is visible to every user.
func readPassword(ctx context.Context, env *Env, so *signinOptions, p idp.Prompter, username string) (secret.String, error) {
	switch {
	case so.passwordStdin:
		line, err := readLine(ctx, env.Stdin)
		if ctx.Err() != nil {
			return secret.String{}, fmt.Errorf("read password from stdin: %w", err)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return secret.String{}, fmt.Errorf("read password from stdin: %w", err)
		}
		pw := strings.TrimRight(line, "\r\n")
		if pw == "" {
			return secret.String{}, usagef("--password-stdin: stdin was empty")
		}
		return secret.New(pw), nil
	case env.Getenv("SAMLOGIN_PASSWORD") != "":
		return secret.New(env.Getenv("SAMLOGIN_PASSWORD")), nil
	case so.passwordCommand != "":
		awsconfig.ReportStep(ctx, "running --password-command")
		return runPasswordCommand(ctx, env, so.passwordCommand)
	}
	// Asked by the driver, once it has reached a sign-in form: a disabled
	// or unknown page then costs the user no typing.
	return secret.String{}, nil
}

// passwordCommandWaitDelay is how long samlogin waits, after the password
// command exited (or was killed), for the processes it left behind to
// close its output: a background child that keeps stdout open must not
// stall samlogin.
var passwordCommandWaitDelay = time.Second

// readLine reads the first line of r, or gives up when ctx is done (a
// signal, --timeout while stdin is a pipe that never gets data): the read
// is abandoned, and the process exits right after.
func readLine(ctx context.Context, r io.Reader) (string, error) {
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		done <- result{line, err}
	}()
	select {
	case res := <-done:
		return res.line, res.err
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
}

// runPasswordCommand runs cmd through the shell (shellCommand: /bin/sh, or
// cmd.exe on Windows); its first line of output is
// the password. Its stderr goes to ours, so that a pinentry can talk. It is
// bounded by ctx (--timeout, a signal): at the bound its whole process
// group is killed. Its output is never shown.
func runPasswordCommand(ctx context.Context, env *Env, cmd string) (secret.String, error) {
	var out bytes.Buffer
	c := shellCommand(ctx, cmd)
	ownProcessGroup(c)
	c.WaitDelay = passwordCommandWaitDelay
	c.Stdout = &limitedWriter{w: &out, n: 64 << 10}
	// Its stderr reaches ours through a pipe that samlogin reads and
	// closes (WaitDelay), never as our own descriptor: a child it leaves
	// behind must not hold the stderr of whoever runs samlogin (the AWS
	// CLI waits for a credential_process's output to close).
	c.Stderr = struct{ io.Writer }{env.Stderr}
	if f, ok := env.Stdin.(*os.File); ok {
		c.Stdin = f
	}
	err := c.Run()
	switch {
	case ctx.Err() != nil:
		var tc *timeoutCause
		if errors.As(context.Cause(ctx), &tc) {
			return secret.String{}, &boundError{fmt.Sprintf("--password-command did not finish within --timeout %s", tc.d), context.Cause(ctx)}
		}
		return secret.String{}, fmt.Errorf("--password-command: %w", ctx.Err())
	case errors.Is(err, exec.ErrWaitDelay):
		// It exited 0, but left a child holding its output: what it
		// printed before is the answer.
	case err != nil:
		return secret.String{}, fmt.Errorf("--password-command %q failed: %w", cmd, err)
	}
	pw, _, _ := strings.Cut(out.String(), "\n")
	pw = strings.TrimRight(pw, "\r")
	if pw == "" {
		return secret.String{}, fmt.Errorf("--password-command %q printed no password", cmd)
	}
	return secret.New(pw), nil
}

// limitedWriter keeps the first n bytes and discards the rest (a password
// command that prints a whole file must not fill memory).
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	k := min(len(p), l.n)
	l.n -= k
	if _, err := l.w.Write(p[:k]); err != nil {
		return 0, err
	}
	return len(p), nil
}

// stepPrompter tells the processes waiting for this sign-in (credential
// cache) that it waits for the user.
type stepPrompter struct {
	ctx context.Context
	p   idp.Prompter
}

func (s stepPrompter) Input(m string) (string, error) {
	awsconfig.ReportStep(s.ctx, "waiting for the user at a prompt")
	return s.p.Input(m)
}

func (s stepPrompter) Secret(m string) (secret.String, error) {
	awsconfig.ReportStep(s.ctx, "waiting for the user at a prompt")
	return s.p.Secret(m)
}

func (s stepPrompter) Select(m string, o []string) (int, error) {
	awsconfig.ReportStep(s.ctx, "waiting for the user at a prompt")
	return s.p.Select(m, o)
}
