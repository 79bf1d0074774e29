package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/prompt"
)

// loginOptions are the flags of `samlogin login` (and of bare `samlogin`).
type loginOptions struct {
	profile       string
	assertionFile string
	roleARN       string
	role          string
	region        string
	awsOutput     string
	chains        []string
	duration      string
	policyFile    string
	policyARNs    []string
	stsEndpoint   string
	output        string
	noPrompt      bool
	debug         bool
	signinOptions
	multiOptions
	credProcFlag
}

func addLoginFlags(fs *pflag.FlagSet, lo *loginOptions) {
	fs.StringVarP(&lo.profile, "profile", "p", "", "AWS profile to write (default: $AWS_PROFILE, else \"default\")")
	fs.StringVar(&lo.assertionFile, "assertion-file", "", "use a saved SAMLResponse (file, or - for stdin) instead of signing in")
	fs.StringVar(&lo.roleARN, "role-arn", "", "role to assume (must be in the assertion)")
	fs.StringVar(&lo.role, "role", "", "pick the one role whose account id, name or ARN matches this")
	fs.StringVar(&lo.region, "region", "", "region written to the profile, and of the STS endpoint")
	fs.StringVar(&lo.awsOutput, "aws-output", "", "AWS CLI output format written to the profile (json, text, table, yaml)")
	fs.StringSliceVar(&lo.chains, "chain", nil, "also write profile NAME that assumes ROLE_ARN from this one (NAME=ROLE_ARN, repeatable)")
	fs.StringVar(&lo.duration, "duration", "", "session duration, 900s to 12h (default: the assertion's SessionDuration, else 1h)")
	fs.StringVar(&lo.policyFile, "policy-file", "", "session policy (JSON file) to narrow the role's permissions")
	fs.StringSliceVar(&lo.policyARNs, "policy-arns", nil, "managed policy ARNs to narrow the session (at most 10, comma-separated)")
	fs.StringVar(&lo.stsEndpoint, "sts-endpoint", "", "STS endpoint URL (default: the partition's regional endpoint; also AWS_ENDPOINT_URL_STS)")
	fs.StringVarP(&lo.output, "output", "o", "text", "text (a summary on stderr) or json (on stdout)")
	fs.BoolVar(&lo.noPrompt, "no-prompt", false, "never prompt; a missing input is an error naming its flag")
	fs.BoolVar(&lo.debug, "debug", false, "log each step to stderr (secrets are redacted)")
	addSigninFlags(fs, &lo.signinOptions)
	addMultiFlags(fs, &lo.multiOptions)
	addCredProcFlag(fs, &lo.credProcFlag)
}

// settingKeys maps flags to the keys that remember them in [profile P] of
// ~/.aws/config. A stored value is used when neither the flag nor its
// SAMLOGIN_* twin is set.
var settingKeys = []struct{ flag, key string }{
	{"role-arn", "samlogin_role_arn"},
	{"duration", "samlogin_duration"},
	{"chain", "samlogin_chains"},
	{"region", "region"},
	{"aws-output", "output"},
	{"adfs-host", "samlogin_adfs_host"},
	{"idp-url", "samlogin_idp_url"},
	{"idp-allow-host", "samlogin_idp_allow_hosts"},
	{"login-to-rp", "samlogin_login_to_rp"},
	{"partition", "samlogin_partition"},
	{"username", "samlogin_username"},
	{"password-command", "samlogin_password_command"},
	{"remember-session", "samlogin_remember_session"},
	{"mfa-method", "samlogin_mfa_method"},
	{"onelogin-subdomain", "samlogin_onelogin_subdomain"},
	{"onelogin-app-id", "samlogin_onelogin_app_id"},
	{"onelogin-region", "samlogin_onelogin_region"},
	{"onelogin-api-url", "samlogin_onelogin_api_url"},
	{"onelogin-client-id", "samlogin_onelogin_client_id"},
	{"onelogin-client-secret-command", "samlogin_onelogin_client_secret_command"},
	{"ca-bundle", "samlogin_ca_bundle"},
	{"aliases", "samlogin_aliases"},
	{"sts-endpoint", "samlogin_sts_endpoint"},
	{"credential-process", "samlogin_credential_process"},
	{"keychain", "samlogin_keychain"},
	{"kerberos", "samlogin_kerberos"},
	{"browser", "samlogin_browser"},
	{"browser-profile", "samlogin_browser_profile"},
	// Profiles written by aws-adfs are read too, so its users switch
	// without reconfiguring (samlogin's own keys win when both are set).
	{"adfs-host", "adfs_config.adfs_host"},
	{"username", "adfs_config.adfs_user"},
	{"role-arn", "adfs_config.role_arn"},
	{"duration", "adfs_config.session_duration"},
}

// applyStored fills unset flags from the profile's stored settings.
func applyStored(fs *pflag.FlagSet, stored map[string]string) error {
	// What was given now (flags, SAMLOGIN_* variables), before any stored
	// value is applied: only that decides whether another IdP replaces the
	// stored one.
	given := map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { given[f.Name] = true })
	givenNow := func(name string) bool { return given[name] }
	for _, s := range settingKeys {
		f := fs.Lookup(s.flag)
		v := stored[s.key]
		if f == nil || f.Changed || v == "" {
			continue
		}
		if rs := rowsOfSetting(s.flag); rs != nil && otherRowGiven(givenNow, rs...) {
			continue // an IdP given now replaces the stored one
		}
		if s.flag == "role-arn" && fs.Changed("role") {
			continue // an explicit --role PATTERN beats the stored role
		}
		switch s.flag {
		case "idp-allow-host", "browser", "browser-profile":
			if otherIdP(fs, stored) {
				continue // the stored IdP's hosts and browser, not another one's
			}
		}
		if s.flag == "browser-profile" && fs.Lookup("browser").Value.String() != "true" {
			continue // the folder means nothing to a sign-in without the browser
		}
		if err := fs.Set(s.flag, v); err != nil {
			return fmt.Errorf("stored setting %s = %q: %w", s.key, v, err)
		}
	}
	return nil
}

// otherIdP reports whether an IdP given now differs from the profile's
// stored one.
func otherIdP(fs *pflag.FlagSet, stored map[string]string) bool {
	for _, r := range drivers {
		if f := fs.Lookup(r.flag); f != nil && f.Changed && f.Value.String() != stored[samloginKey(r.flag)] {
			return true
		}
	}
	return false
}

// samloginKey is the samlogin_* key that stores flag, or "".
func samloginKey(flag string) string {
	for _, s := range settingKeys {
		if s.flag == flag && strings.HasPrefix(s.key, "samlogin_") {
			return s.key
		}
	}
	return ""
}

// settingsToStore is what the profile remembers after a successful login.
func settingsToStore(fs *pflag.FlagSet) map[string]string {
	out := map[string]string{}
	for _, s := range settingKeys {
		if !strings.HasPrefix(s.key, "samlogin_") {
			continue
		}
		f := fs.Lookup(s.flag)
		if f == nil || !f.Changed {
			continue
		}
		v := f.Value.String()
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			v = strings.Join(sv.GetSlice(), ",")
		}
		if v != "" && v != "[]" {
			out[s.key] = v
		}
	}
	// The profile signs in at one IdP: the settings of the other drivers'
	// rows are removed (an empty value removes a key), so that a profile
	// moved from ADFS to OneLogin never signs in at the old ADFS again.
	if r := selectedRow(fs); r != nil {
		for i := range drivers {
			if &drivers[i] == r {
				continue
			}
			for _, flag := range append([]string{drivers[i].flag}, drivers[i].settings...) {
				if k := samloginKey(flag); k != "" {
					if _, own := out[k]; !own {
						out[k] = ""
					}
				}
			}
		}
	}
	return out
}

// selectedRow is the one driver row whose flag is set, or nil.
func selectedRow(fs *pflag.FlagSet) *driverRow {
	var found *driverRow
	for i := range drivers {
		if f := fs.Lookup(drivers[i].flag); f != nil && f.Changed && f.Value.String() != "" {
			if found != nil {
				return nil
			}
			found = &drivers[i]
		}
	}
	return found
}

func resolveProfile(lo *loginOptions, env *Env) string {
	if lo.profile != "" {
		return lo.profile
	}
	if p := env.Getenv("AWS_PROFILE"); p != "" {
		return p
	}
	return "default"
}

// flow is one login's resolved inputs, and the steps that every command
// that needs credentials shares: get an assertion, pick a role, assume it.
type flow struct {
	env      *Env
	lo       *loginOptions
	fs       *pflag.FlagSet
	profile  string
	paths    awsconfig.Paths
	store    *awsconfig.Store
	prof     *awsconfig.Profile // what the profile holds, read once
	prompt   idp.Prompter
	duration time.Duration
	chains   []awsconfig.Chain
	policy   string
	// sts is the STS endpoint chosen instead of AWS's (zero: AWS's), and
	// stsCalled says this login called it.
	sts       override
	stsCalled bool
	// userFrom says where the user name known before a sign-in came from:
	// "--username", "SAMLOGIN_USERNAME", the stored key, or "" (none).
	userFrom string
}

// caBundle is the CA bundle trusted in addition to the system roots, for
// the IdP and AWS alike: --ca-bundle (SAMLOGIN_CA_BUNDLE, the stored
// samlogin_ca_bundle), else AWS_CA_BUNDLE.
func (f *flow) caBundle() string {
	if f.lo.caBundle != "" {
		return f.lo.caBundle
	}
	return f.env.Getenv("AWS_CA_BUNDLE")
}

// newFlow resolves the profile, reads what it holds (awsconfig.Store) and
// applies its stored settings to the flags that neither the command line
// nor the environment set. Every input that a file could not hold, or that
// contradicts another, is refused here, before any network.
func newFlow(ctx context.Context, env *Env, fs *pflag.FlagSet, lo *loginOptions, p idp.Prompter) (*flow, error) {
	f := &flow{env: env, lo: lo, fs: fs, profile: resolveProfile(lo, env), prompt: p}
	if err := awsconfig.CheckProfileName(f.profile); err != nil {
		return nil, usagef("--profile %q: the AWS files cannot hold that name (no spaces, brackets, #, ; or =)", f.profile)
	}
	f.store = newStore(env, lo)
	f.paths = f.store.Paths
	prof, err := f.store.Profile(f.profile)
	if err != nil {
		return nil, fmt.Errorf("read profile %s: %w", f.profile, err)
	}
	f.prof = prof
	stsGiven := fs.Changed("sts-endpoint") // before the stored settings fill it
	userGiven := fs.Changed("username")
	profileGiven := fs.Changed("browser-profile")
	// --no-keychain, before the stored setting fills --keychain
	if err := resolveKeychain(fs, env); err != nil {
		return nil, err
	}
	if err := applyStored(fs, prof.Settings); err != nil {
		return nil, err
	}
	f.userFrom = userSource(fs, env, prof.Settings, userGiven)
	f.sts = stsOverride(env, stsGiven, lo.stsEndpoint, f.profile)
	if err := checkOverride(f.sts); err != nil {
		return nil, err
	}
	row, err := pickDriver(&lo.signinOptions)
	if err != nil {
		return nil, err
	}
	if err := checkBrowser(fs, &lo.signinOptions, row, profileGiven); err != nil {
		return nil, err
	}
	for _, h := range lo.allowHosts {
		if _, err := idp.AllowedHost(h); err != nil {
			return nil, usagef("%v", err)
		}
	}
	if err := checkRegion(lo.region); err != nil {
		return nil, err
	}
	if err := checkStorable(fs); err != nil {
		return nil, err
	}
	if f.duration, err = parseDuration(lo.duration); err != nil {
		return nil, err
	}
	if f.chains, err = parseChains(lo.chains, f.profile); err != nil {
		return nil, err
	}
	if lo.policyFile != "" {
		// A named pipe (<(cmd)) is a fine source; a signal ends its wait.
		b, err := readAll(ctx, func() (io.ReadCloser, error) { return os.Open(lo.policyFile) }, 1<<20)
		if err != nil {
			return nil, fmt.Errorf("read --policy-file: %w", err)
		}
		f.policy = string(b)
	}
	if len(lo.policyARNs) > 10 {
		return nil, usagef("--policy-arns: %d given, STS takes at most 10", len(lo.policyARNs))
	}
	return f, nil
}

// userSource says where the user name comes from, after applyStored:
// "--username" or "SAMLOGIN_USERNAME" when given now, the stored key it
// was read from, or "" when there is none.
func userSource(fs *pflag.FlagSet, env *Env, stored map[string]string, given bool) string {
	v := fs.Lookup("username").Value.String()
	switch {
	case v == "":
		return ""
	case given && env.Getenv("SAMLOGIN_USERNAME") == v:
		return "SAMLOGIN_USERNAME"
	case given:
		return "--username"
	}
	for _, s := range settingKeys {
		if s.flag == "username" && stored[s.key] == v {
			return s.key
		}
	}
	return ""
}

// canSignIn refuses a sign-in with nothing to sign in with, naming what
// the profile holds.
func (f *flow) canSignIn() error {
	if f.lo.assertionFile != "" || f.lo.hasIdP() {
		return nil
	}
	return noSignInError(f.prof, f.env.Now())
}

// assertion reads the saved assertion or signs in at the IdP, and refuses
// an expired one before STS sees it.
func (f *flow) assertion(ctx context.Context) (*assertion.Assertion, error) {
	var a *assertion.Assertion
	var err error
	if f.lo.assertionFile != "" {
		a, err = readAssertion(ctx, f.env, f.lo.assertionFile)
	} else {
		a, err = f.signInCached(ctx) // signIn, or a recent sign-in's assertion
	}
	if err != nil {
		return nil, err
	}
	if now := f.env.Now(); a.Expired(now) {
		return nil, withHint(fmt.Errorf("the assertion expired at %s (%s)", localTime(a.NotOnOrAfter), ago(now, a.NotOnOrAfter)),
			"sign in again for a fresh one")
	}
	return a, nil
}

// assume calls STS AssumeRoleWithSAML for role.
func (f *flow) assume(ctx context.Context, a *assertion.Assertion, role assertion.Role) (*awsconfig.Credentials, error) {
	f, stopProgress := f.stsProgress(role) // "waiting for STS at ..." on a terminal
	defer stopProgress()
	d := f.duration
	if d == 0 && a.SessionDuration > 0 {
		d = time.Duration(a.SessionDuration) * time.Second
	}
	return awsconfig.AssumeRoleWithSAML(ctx, awsconfig.AssumeInput{
		RoleARN:               role.RoleARN,
		PrincipalARN:          role.PrincipalARN,
		Assertion:             a.Encoded,
		Partition:             role.Partition,
		Region:                stsRegion(f.lo.region, role.Partition, f.env),
		Endpoint:              f.sts.url,
		CABundle:              f.caBundle(),
		Duration:              d,
		DurationFromAssertion: f.duration == 0 && a.SessionDuration > 0,
		PolicyJSON:            f.policy,
		PolicyARNs:            f.lo.policyARNs,
		Log:                   newLogger(f.env, f.lo.debug),
		Notify:                func(s string) { fmt.Fprintf(f.env.Stderr, "samlogin: %s\n", s) },
		Now:                   f.env.Now,
	})
}

// settings is what the profile remembers to log in again.
func (f *flow) settings(role assertion.Role) map[string]string {
	s := settingsToStore(f.fs)
	s["samlogin_role_arn"] = role.RoleARN
	s["samlogin_principal_arn"] = role.PrincipalARN
	// Which session policy narrowed the keys written ("" removes the key):
	// they are never reused for a profile that asks for another, or none.
	s["samlogin_session_policy"] = policyHash(f.policy, f.lo.policyARNs)
	return s
}

// profileWrite is what WriteProfile writes for role's credentials.
func (f *flow) profileWrite(profile string, role assertion.Role, c *awsconfig.Credentials) awsconfig.ProfileWrite {
	return awsconfig.ProfileWrite{
		Profile:         profile,
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Expiration:      c.Expiration,
		PrincipalARN:    c.AssumedRoleARN,
		Region:          f.regionToWrite(role.Partition),
		Output:          f.lo.awsOutput,
		Settings:        f.settings(role),
	}
}

func runLogin(ctx context.Context, env *Env, cmd *cobra.Command, lo *loginOptions) error {
	if lo.output != "text" && lo.output != "json" {
		return usagef("--output %q: use text or json", lo.output)
	}
	ctx, cancel := withTimeout(ctx, lo.timeout) // bounds the whole login
	defer cancel()
	if lo.credentialProcess && (lo.policyFile != "" || len(lo.policyARNs) > 0) {
		return usagef("--policy-file and --policy-arns cannot be used with --credential-process: the AWS tools' refreshes would not be narrowed")
	}
	if lo.allRoles {
		return runAllRoles(ctx, env, cmd, lo)
	}
	f, err := newFlow(ctx, env, cmd.Flags(), lo, newPrompter(env, lo.noPrompt))
	if err != nil {
		return err
	}
	if lo.credentialProcess {
		// The credential_process line names samlogin's own path: refuse one
		// the config file cannot hold now, not after the sign-in.
		line, err := credentialProcessLine(f.profile)
		if err != nil {
			return err
		}
		if strings.ContainsAny(line, "\r\n\x00") {
			return fmt.Errorf("samlogin's own path %q cannot be written as a credential_process line; install samlogin in a folder without line breaks in its name", line)
		}
	}
	if strings.EqualFold(f.prof.Settings["adfs_config.ssl_verification"], "false") {
		fmt.Fprintf(env.Stderr, "samlogin: note: profile %s turns TLS verification off for aws-adfs; samlogin always verifies (give a private CA with --ca-bundle)\n", f.profile)
	}
	now := env.Now()
	if lo.assertionFile == "" && !lo.force {
		if f.differs() == "" && f.prof.ValidFor(now, lo.minTTL) {
			exp := f.prof.Credentials.Expiration
			fmt.Fprintf(env.Stderr, "samlogin: profile %s is still valid for %s (until %s); use --force to sign in again\n",
				f.profile, left(exp.Sub(now)), exp.Local().Format("15:04 MST"))
			if lo.output != "json" {
				return nil
			}
			r := loginResult{Profile: f.profile, RoleARN: f.prof.Identity.RoleARN, AssumedRoleARN: f.prof.Credentials.AssumedRoleARN,
				Expiration: exp.UTC().Format(time.RFC3339), Chains: chainNames(f.chains), Source: string(f.prof.Source),
				ConfigFile: f.paths.Config, CredentialsFile: f.paths.Credentials}
			if role, err := assertion.ParseRoleARN(r.RoleARN); err == nil {
				r.AccountID, r.RoleName = role.AccountID, role.RoleName
			}
			return printLoginResult(env, lo.output, r, exp, now)
		}
		if role, creds, from := f.reusable(); creds != nil {
			fmt.Fprintf(env.Stderr, "samlogin: using the valid credentials of %s (same IdP, user and role): no new sign-in\n", from)
			return f.write(ctx, role, creds, now)
		}
	}
	if err := f.canSignIn(); err != nil {
		return err
	}
	a, err := f.assertion(ctx)
	if err != nil {
		return err
	}
	role, err := chooseRole(a, lo, f.prompt)
	if err != nil {
		return err
	}
	if err := f.checkRegionPartition(role); err != nil {
		return err
	}
	if env.CanPrompt() {
		fmt.Fprintf(env.Stderr, "samlogin: assuming %s in %s...\n", role.RoleName, role.AccountID)
	}
	creds, err := f.assume(ctx, a, role)
	if err != nil {
		return err
	}
	f.stsCalled = true
	return f.write(ctx, role, creds, now)
}

// checkRegionPartition refuses a --region of another partition than the
// role's: the profile would send the role's keys to another partition.
func (f *flow) checkRegionPartition(role assertion.Role) error {
	if p := awsconfig.RegionPartition(f.lo.region); f.lo.region != "" && p != role.Partition {
		return usagef("--region %s is in partition %s, but role %s is in %s: give a region of %s", f.lo.region, p, role.RoleARN, role.Partition, role.Partition)
	}
	return nil
}

// write writes the profile (and its chains) with creds for role, and says
// so.
func (f *flow) write(ctx context.Context, role assertion.Role, creds *awsconfig.Credentials, now time.Time) error {
	if err := f.checkRegionPartition(role); err != nil {
		return err
	}
	w := f.profileWrite(f.profile, role, creds)
	w.Chains = f.chainsWithSession(creds)
	if err := ctx.Err(); err != nil {
		return err // Ctrl-C before the write: leave every file as it was
	}
	if err := f.useCredentialProcess(&w, role, creds); err != nil {
		return err
	}
	if err := awsconfig.WriteProfile(ctx, f.paths, w); err != nil {
		return fmt.Errorf("write profile %s: %w", f.profile, err)
	}
	if w.Region != "" && f.lo.region == "" && f.prof.Region == "" {
		fmt.Fprintf(f.env.Stderr, "samlogin: profile %s: region %s written (where STS was called; --region changes it)\n", f.profile, w.Region)
	}
	source := awsconfig.SourceFile
	if w.CredentialProcess != "" {
		source = awsconfig.SourceProcess
	}
	var sts override
	if f.stsCalled {
		sts = f.sts
	}
	return printLoginResult(f.env, f.lo.output, loginResult{
		STSEndpoint:     sts.url,
		STSEndpointFrom: sts.from,
		SignedIn:        true,
		Profile:         f.profile,
		AccountID:       role.AccountID,
		RoleName:        role.RoleName,
		RoleARN:         role.RoleARN,
		AssumedRoleARN:  creds.AssumedRoleARN,
		Expiration:      creds.Expiration.UTC().Format(time.RFC3339),
		Region:          w.Region,
		Source:          string(source),
		Chains:          chainNames(f.chains),
		ConfigFile:      f.paths.Config,
		CredentialsFile: f.paths.Credentials,
	}, creds.Expiration, now)
}

// loginResult is the JSON of `samlogin login --output json`. It never holds a
// secret.
type loginResult struct {
	// SignedIn is false when the profile's credentials were still valid
	// beyond --min-ttl and samlogin did nothing; true when it wrote the
	// profile (after a sign-in, or with valid credentials it already held
	// for the same identity).
	SignedIn       bool   `json:"signed_in"`
	Profile        string `json:"profile"`
	AccountID      string `json:"account_id"`
	RoleName       string `json:"role_name"`
	RoleARN        string `json:"role_arn"`
	AssumedRoleARN string `json:"assumed_role_arn"`
	Expiration     string `json:"expiration"`
	Region         string `json:"region,omitempty"`
	// Source is where the profile's credentials are: credentials_file or
	// credential_process.
	Source          string   `json:"source"`
	Chains          []string `json:"chains"`
	ConfigFile      string   `json:"config_file"`
	CredentialsFile string   `json:"credentials_file"`
	// STSEndpoint is the STS endpoint the credentials came from when the
	// user chose one instead of AWS's (STSEndpointFrom says where: a flag,
	// a variable, the profile's setting); empty for AWS's own.
	STSEndpoint     string `json:"sts_endpoint,omitempty"`
	STSEndpointFrom string `json:"sts_endpoint_from,omitempty"`
}

func printLoginResult(env *Env, output string, r loginResult, exp, now time.Time) error {
	if output == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	line := fmt.Sprintf("samlogin: profile %s: account %s, role %s, expires %s (in %s)",
		r.Profile, r.AccountID, r.RoleName, exp.Local().Format("15:04 MST"), left(exp.Sub(now)))
	if len(r.Chains) > 0 {
		line += "; chained: " + strings.Join(r.Chains, ", ")
	}
	if r.STSEndpoint != "" {
		line += "; " + override{what: "STS", url: r.STSEndpoint, from: r.STSEndpointFrom}.String()
	}
	fmt.Fprintln(env.Stderr, line)
	return nil
}

// chooseRole picks the role: --role-arn, --role PATTERN, the only one, or a
// prompt.
func chooseRole(a *assertion.Assertion, lo *loginOptions, p idp.Prompter) (assertion.Role, error) {
	switch {
	case lo.roleARN != "":
		if r, ok := a.Role(lo.roleARN); ok {
			return r, nil
		}
		return assertion.Role{}, &listError{msg: fmt.Sprintf("role %s is not in the assertion", lo.roleARN), roles: a.Roles,
			hint: "pick one of these with --role-arn or --role"}
	case lo.role != "":
		m := a.MatchRoles(lo.role)
		if len(m) == 1 {
			return m[0], nil
		}
		if len(m) == 0 {
			return assertion.Role{}, &listError{msg: fmt.Sprintf("--role %q matches none of the assertion's roles", lo.role), roles: a.Roles,
				hint: "pick one of these with --role-arn or --role"}
		}
		return assertion.Role{}, &listError{msg: fmt.Sprintf("--role %q matches %d roles", lo.role, len(m)), roles: m,
			hint: "make --role match one, or use --role-arn", usage: true}
	case len(a.Roles) == 1:
		return a.Roles[0], nil
	}
	opts := roleOptions(a.Roles) // rows that fit 80 columns
	i, err := p.Select("Role to assume", opts)
	if err != nil {
		if isNoPrompt(err) {
			return assertion.Role{}, &listError{msg: fmt.Sprintf("the assertion has %d roles and samlogin cannot ask which", len(a.Roles)),
				roles: a.Roles, hint: "pick one with --role-arn ARN or --role PATTERN", usage: true}
		}
		return assertion.Role{}, err
	}
	return a.Roles[i], nil
}

// listError is an error followed by the roles the user can choose from.
type listError struct {
	msg   string
	roles []assertion.Role
	hint  string
	usage bool
}

func (e *listError) Error() string { return e.msg }

// Detail lists the roles, one per line, after the error line.
func (e *listError) Detail() string {
	var b strings.Builder
	for _, r := range e.roles {
		fmt.Fprintf(&b, "  %s\n", r.RoleARN)
	}
	return b.String()
}

func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		n, nerr := strconv.Atoi(s)
		if nerr != nil {
			return 0, usagef("--duration %q: give seconds (3600) or a duration (1h, 90m)", s)
		}
		d = time.Duration(n) * time.Second
	}
	if d < 15*time.Minute || d > 12*time.Hour {
		return 0, usagef("--duration %s: STS allows 900 s (15m) to 43200 s (12h)", s)
	}
	return d, nil
}

func parseChains(specs []string, profile string) ([]awsconfig.Chain, error) {
	var out []awsconfig.Chain
	for _, s := range specs {
		name, arn, ok := strings.Cut(s, "=")
		name, arn = strings.TrimSpace(name), strings.TrimSpace(arn)
		if !ok || name == "" || arn == "" {
			return nil, usagef("--chain %q: use NAME=ROLE_ARN", s)
		}
		if _, err := assertion.ParseRoleARN(arn); err != nil {
			return nil, usagef("--chain %q: %v", s, err)
		}
		if err := awsconfig.CheckProfileName(name); err != nil {
			return nil, usagef("--chain %q: the AWS files cannot hold the profile name %q", s, name)
		}
		if name == profile {
			return nil, usagef("--chain %q: a chained profile cannot have the name of the profile it starts from", s)
		}
		if slices.ContainsFunc(out, func(c awsconfig.Chain) bool { return c.Name == name }) {
			return nil, usagef("--chain %q: profile %s is named twice", s, name)
		}
		out = append(out, awsconfig.Chain{Name: name, RoleARN: arn})
	}
	return out, nil
}

func chainNames(cs []awsconfig.Chain) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// stsRegion: --region, else AWS_REGION / AWS_DEFAULT_REGION when it belongs
// to the role's partition, else "" (the partition's default).
func stsRegion(flag, partition string, env *Env) string {
	if flag != "" {
		return flag
	}
	for _, v := range []string{env.Getenv("AWS_REGION"), env.Getenv("AWS_DEFAULT_REGION")} {
		if v != "" && awsconfig.RegionPartition(v) == partition {
			return v
		}
	}
	return ""
}

func newPrompter(env *Env, noPrompt bool) idp.Prompter {
	if env.Prompter != nil && !noPrompt {
		return env.Prompter
	}
	if noPrompt || !env.CanPrompt() {
		return prompt.Never{Hint: promptHint}
	}
	in, _ := env.Stdin.(*os.File)
	errOut, _ := env.Stderr.(*os.File)
	if in == nil || errOut == nil {
		return prompt.Never{}
	}
	return &prompt.Terminal{In: in, Out: errOut, Err: errOut}
}

// promptHint names the flag or variable that answers a question samlogin
// may not ask.
func promptHint(message string) string {
	switch {
	case strings.HasPrefix(message, "Password"):
		return "no password: use --password-stdin, SAMLOGIN_PASSWORD or --password-command"
	case strings.HasPrefix(message, "Username"):
		return "no username: use --username or SAMLOGIN_USERNAME"
	case strings.Contains(strings.ToLower(message), "code"):
		return "no verification code: use --mfa-code or SAMLOGIN_MFA_CODE"
	case strings.Contains(strings.ToLower(message), "method"):
		return "several sign-in methods: pick one with --mfa-method or SAMLOGIN_MFA_METHOD"
	}
	return message
}
