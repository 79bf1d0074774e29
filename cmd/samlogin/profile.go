package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/browser"
)

// newStore is the one reader of what profiles hold (awsconfig.Store).
func newStore(env *Env, lo *loginOptions) *awsconfig.Store {
	return &awsconfig.Store{Paths: awsconfig.DefaultPaths(env.Getenv, env.Home), Cache: credCache(env, lo)}
}

// differs says what, of the inputs given now, the profile does not hold
// ("" when it holds all of it): the identity (IdP, user, role or --role
// pattern, partition), and for a login also the duration, chains,
// credential_process, region and output format it would write. A profile
// that does not exist, or holds no credentials, always differs.
func (f *flow) differs() string {
	if r := f.differsIdentity(); r != "" {
		return r
	}
	lo, p := f.lo, f.prof
	switch {
	case policyHash(f.policy, lo.policyARNs) != p.Identity.Policy:
		return "a session policy" // narrowed keys, and none asked for now (or the reverse)
	case f.duration != 0 && !sameDuration(p.Settings[awsconfig.SettingPrefix+"duration"], f.duration):
		return "--duration"
	case lo.credentialProcess != (p.Source == awsconfig.SourceProcess):
		return "--credential-process"
	case lo.region != "" && lo.region != p.Region:
		return "--region"
	case lo.awsOutput != "" && lo.awsOutput != p.Output:
		return "--aws-output"
	}
	for _, c := range f.chains {
		if !slices.ContainsFunc(p.Chains, func(h awsconfig.ChainedProfile) bool { return h.Name == c.Name && h.RoleARN == c.RoleARN }) {
			return "--chain " + c.Name
		}
	}
	return ""
}

// differsIdentity is differs for the identity alone: what exec, env,
// console and credential-process compare before they use a profile's
// credentials.
func (f *flow) differsIdentity() string {
	switch {
	case !f.prof.Exists:
		return "the profile does not exist"
	case f.prof.Credentials == nil:
		return "the profile holds no credentials"
	}
	return f.otherIdentity()
}

// otherIdentity says which input given now asks for another identity than
// the profile's: IdP, user, role or --role pattern, partition, or a session
// policy other than the one that narrowed its keys ("" when none does).
func (f *flow) otherIdentity() string {
	lo, p := f.lo, f.prof
	switch {
	case lo.hasIdP() && awsconfig.NormalizeIdP(lo.describe()) != awsconfig.NormalizeIdP(p.Identity.IdP):
		return "the IdP"
	case lo.username != "" && !strings.EqualFold(lo.username, p.Identity.Username):
		return "--username"
	case lo.roleARN != "" && lo.roleARN != p.Identity.RoleARN:
		return "--role-arn"
	case lo.role != "" && !matchesRole(lo.role, p.Identity.RoleARN):
		return "--role"
	case f.fs.Changed("partition") && p.Identity.Partition != "" && lo.partition != p.Identity.Partition:
		return "--partition"
	case (f.policy != "" || len(lo.policyARNs) > 0) && policyHash(f.policy, lo.policyARNs) != p.Identity.Policy:
		return "a session policy"
	}
	return ""
}

// matchesRole reports whether the --role pattern picks roleARN.
func matchesRole(pattern, roleARN string) bool {
	r, err := assertion.ParseRoleARN(roleARN)
	if err != nil {
		return false
	}
	return len((&assertion.Assertion{Roles: []assertion.Role{r}}).MatchRoles(pattern)) == 1
}

func sameDuration(stored string, d time.Duration) bool {
	sd, err := parseDuration(stored)
	return err == nil && sd == d
}

// reusable finds valid credentials that samlogin already holds for the
// identity asked for now (the profile's own, another profile's, or the
// credential cache's), so that a login that only changes what is written
// (a new profile name, a region, chains, credential_process) needs no new
// sign-in and no new MFA. The role must be known (--role-arn, the stored
// role, or a --role pattern that the profile's role matches), and nothing
// may ask for other credentials (--duration changed, a session policy).
func (f *flow) reusable() (assertion.Role, *awsconfig.Credentials, string) {
	lo, p := f.lo, f.prof
	if !lo.hasIdP() || lo.username == "" {
		return assertion.Role{}, nil, ""
	}
	if f.fs.Changed("duration") && !sameDuration(p.Settings[awsconfig.SettingPrefix+"duration"], f.duration) {
		return assertion.Role{}, nil, ""
	}
	roleARN := lo.roleARN
	if roleARN == "" && lo.role != "" && matchesRole(lo.role, p.Identity.RoleARN) {
		roleARN = p.Identity.RoleARN
	}
	role, err := assertion.ParseRoleARN(roleARN)
	if err != nil {
		return assertion.Role{}, nil, ""
	}
	id := awsconfig.Identity{IdP: lo.describe(), Username: lo.username, RoleARN: roleARN, Policy: policyHash(f.policy, lo.policyARNs)}
	now := f.env.Now()
	var creds *awsconfig.Credentials
	var from string
	if f.differsIdentity() == "" && p.Identity.Policy == id.Policy && p.ValidFor(now, lo.minTTL) {
		creds, from = p.Credentials, "profile "+p.Name
	} else if creds, from = f.store.FindValid(id, lo.minTTL); creds == nil {
		return assertion.Role{}, nil, ""
	}
	if p.Identity.RoleARN == roleARN {
		role.PrincipalARN = p.Settings[awsconfig.SettingPrefix+"principal_arn"]
	}
	return role, creds, from
}

// chainsWithSession gives each chained profile the user's session name
// (the session part of the assumed-role ARN), so that CloudTrail names the
// person who assumed the chained role.
func (f *flow) chainsWithSession(c *awsconfig.Credentials) []awsconfig.Chain {
	name := awsconfig.SessionName(c.AssumedRoleARN)
	out := slices.Clone(f.chains)
	for i := range out {
		if name != "samlogin" {
			out[i].SessionName = name
		}
	}
	return out
}

// regionToWrite is the region written to the profile: --region (or the
// stored one), else, when no AWS_REGION or AWS_DEFAULT_REGION gives one,
// the partition's default region, where STS was called: a profile without
// a region makes 'aws --profile P' fail.
func (f *flow) regionToWrite(partition string) string {
	if f.lo.region != "" {
		return f.lo.region
	}
	if f.env.Getenv("AWS_REGION") != "" || f.env.Getenv("AWS_DEFAULT_REGION") != "" {
		return ""
	}
	return awsconfig.DefaultRegion(partition)
}

// checkRegion refuses a --region that is not shaped like a region name
// (letters-letters-digits: eu-west-1, us-gov-west-1, eusc-de-east-1), before any network
// (a flag taken as its value, such as "--no-prompt"). No regexp: this runs
// on every credential_process cache hit.
func checkRegion(region string) error {
	if region == "" || isRegionName(region) {
		return nil
	}
	return usagef("--region %q is not a region name (such as eu-west-1 or us-gov-west-1)", region)
}

func isRegionName(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) < 2 || len(parts[0]) > 4 { // eu, us, eusc
		return false
	}
	last := parts[len(parts)-1]
	if len(last) > 2 || strings.Trim(last, "0123456789") != "" || last == "" {
		return false
	}
	for _, p := range parts[:len(parts)-1] {
		if p == "" || strings.Trim(p, "abcdefghijklmnopqrstuvwxyz") != "" {
			return false
		}
	}
	return true
}

// checkStorable refuses, before any sign-in, a setting the config file
// cannot hold: a value with a line break, a leading or trailing space, or a
// leading quote or comment character would come back changed.
func checkStorable(fs *pflag.FlagSet) error {
	for _, s := range settingKeys {
		f := fs.Lookup(s.flag)
		if f == nil || !f.Changed || !strings.HasPrefix(s.key, awsconfig.SettingPrefix) {
			continue
		}
		v := f.Value.String()
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			v = strings.Join(sv.GetSlice(), ",")
		}
		if v == "" {
			continue
		}
		if strings.ContainsAny(v, "\r\n\x00") || strings.TrimSpace(v) != v || strings.ContainsAny(v[:1], `"';#`) {
			return usagef("--%s %q: ~/.aws/config cannot store that value (a line break, a leading or trailing space, or a leading quote, ; or #)", s.flag, v)
		}
	}
	return nil
}

// noSignInError says why samlogin cannot get credentials for a profile
// that names no IdP, and what to run.
func noSignInError(p *awsconfig.Profile, now time.Time) error {
	switch {
	case !p.Exists:
		return usagef("profile %s does not exist; to create it, give %s or --assertion-file FILE", p.Name, idpFlags())
	case p.Credentials != nil && p.Source == awsconfig.SourceFile && !p.CanSignIn():
		exp := p.Credentials.Expiration
		what := "are about to expire"
		if exp.IsZero() {
			what = "have no known expiry"
		} else if !now.Before(exp) {
			what = fmt.Sprintf("expired at %s (%s)", localTime(exp), ago(now, exp))
		} else {
			what = fmt.Sprintf("expire at %s (in %s)", localTime(exp), left(exp.Sub(now)))
		}
		return withHint(fmt.Errorf("the credentials of profile %s %s, and it was written from a saved assertion: samlogin cannot sign in again by itself", p.Name, what),
			fmt.Sprintf("run 'samlogin login --assertion-file FILE --profile %s' with a fresh SAMLResponse, or sign in with --adfs-host/--idp-url", p.Name))
	}
	return usagef("nothing to sign in with for profile %s: give %s or --assertion-file FILE", p.Name, idpFlags())
}

// gotCredentials are a profile's credentials for exec, env, console and
// credential-process.
type gotCredentials struct {
	*awsconfig.Credentials
	Region  string
	RoleARN string // the role they are a session of
	Chained bool
	// Settings are those of the profile that signs in with SAML (the
	// source of a chain).
	Settings map[string]string
	// overrides are the chosen endpoints (not AWS's own) that STS was
	// called at to get these credentials now; none when they were read.
	overrides []override
	// caBundle is the flow's CA bundle, for the calls that follow
	// (console's federation endpoint).
	caBundle string
}

// getCredentials returns the profile's credentials now, whatever wrote them:
// its own (credentials file, or the cache for credential_process) while
// valid beyond --min-ttl and for the identity asked for; for a chained
// profile, an AssumeRole with its source profile's; else from a sign-in
// (one per identity across processes: awsconfig.CredentialCache.Get),
// which refreshes the keys of a profile kept in the credentials file.
//
// --timeout bounds all of it (not the command exec runs after). The bound
// starts after the local reads, which are of regular files only: a cache
// hit of credential_process sets no timer at all.
func getCredentials(ctx context.Context, env *Env, fs *pflag.FlagSet, lo *loginOptions, p idp.Prompter) (*gotCredentials, error) {
	return credentialsOf(ctx, env, fs, lo, p, nil)
}

func credentialsOf(ctx context.Context, env *Env, fs *pflag.FlagSet, lo *loginOptions, p idp.Prompter, via []string) (*gotCredentials, error) {
	f, err := newFlow(ctx, env, fs, lo, p)
	if err != nil {
		return nil, err
	}
	prof := f.prof
	if prof.Source == awsconfig.SourceChain && lo.assertionFile == "" && !lo.hasIdP() {
		return f.chainCredentials(ctx, via)
	}
	called := false // STS, by this process
	got := func(c *awsconfig.Credentials) *gotCredentials {
		g := &gotCredentials{Credentials: c, Region: lo.region, RoleARN: cmp.Or(lo.roleARN, prof.Identity.RoleARN),
			Settings: prof.Settings, caBundle: f.caBundle()}
		if called && f.sts.set() {
			g.overrides = []override{f.sts}
		}
		return g
	}
	now := env.Now()
	if !lo.force && lo.assertionFile == "" && f.differsIdentity() == "" && prof.ValidFor(now, lo.minTTL) {
		return got(prof.Credentials), nil
	}
	if err := f.canSignIn(); err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx, lo.timeout)
	defer cancel()
	fetch := func(ctx context.Context) (*awsconfig.Credentials, error) {
		a, err := f.assertion(ctx)
		if err != nil {
			if errors.Is(err, idp.ErrNoPrompt) {
				return nil, withHint(fmt.Errorf("profile %s needs a sign-in: %w", f.profile, err),
					fmt.Sprintf("run 'samlogin --profile %s' once on a terminal", f.profile))
			}
			if errors.Is(err, browser.ErrNoDisplay) {
				return nil, withHint(fmt.Errorf("profile %s needs a sign-in in the browser, and %w", f.profile, err),
					fmt.Sprintf("run 'samlogin --profile %s' in your desktop session", f.profile))
			}
			return nil, err
		}
		role, err := chooseRole(a, lo, f.prompt)
		if err != nil {
			return nil, err
		}
		c, err := f.assume(ctx, a, role)
		called = err == nil
		return c, err
	}
	var creds *awsconfig.Credentials
	if lo.assertionFile != "" {
		creds, err = fetch(ctx) // a saved assertion: no cache
	} else {
		k := credCacheKey(lo, f.policy)
		margin := lo.minTTL
		if lo.force || prof.Source == awsconfig.SourceProcess && !f.store.Granted(k, prof.Name) {
			margin = math.MaxInt64 // nothing cached is good enough (--force, or signed out)
		}
		if creds, _, err = credCache(env, lo).Get(ctx, k, margin, fetch); err == nil && prof.Source == awsconfig.SourceProcess {
			err = f.store.Grant(k, prof.Name)
		}
	}
	if err != nil {
		return nil, err
	}
	if prof.Source == awsconfig.SourceFile && prof.Managed && lo.assertionFile == "" &&
		f.otherIdentity() == "" && policyHash(f.policy, lo.policyARNs) == prof.Identity.Policy {
		// One truth: the profile's keys in the credentials file are the
		// ones just obtained for its own identity, so 'aws --profile P'
		// sees them too. (Keys of another role or policy asked for now are
		// the command's only.)
		if err := f.refreshFile(ctx, creds); err != nil {
			return nil, err
		}
	}
	return got(creds), nil
}

// refreshFile writes fresh keys over the profile's expired ones in the
// credentials file, keeping its settings.
func (f *flow) refreshFile(ctx context.Context, c *awsconfig.Credentials) error {
	w := awsconfig.ProfileWrite{
		Profile:         f.profile,
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Expiration:      c.Expiration,
		PrincipalARN:    c.AssumedRoleARN,
	}
	if err := awsconfig.WriteProfile(ctx, f.paths, w); err != nil {
		return fmt.Errorf("write profile %s: %w", f.profile, err)
	}
	return nil
}

// chainCredentials assumes the chained profile's role (role_arn) with its
// source profile's credentials (source_profile), refreshing those first
// when needed, as the AWS CLI does.
func (f *flow) chainCredentials(ctx context.Context, via []string) (*gotCredentials, error) {
	prof, lo := f.prof, f.lo
	ctx, cancel := withTimeout(ctx, lo.timeout) // the source's sign-in and AssumeRole
	defer cancel()
	via = append(via, prof.Name)
	if slices.Contains(via[:len(via)-1], prof.SourceProfile) || prof.SourceProfile == prof.Name || len(via) > 8 {
		return nil, withHint(fmt.Errorf("profile %s: source_profile chain loops (%s -> %s)", prof.Name, strings.Join(via, " -> "), prof.SourceProfile),
			"fix source_profile in "+f.paths.Config)
	}
	if lo.roleARN != "" && lo.roleARN != prof.RoleARN || lo.role != "" && !matchesRole(lo.role, prof.RoleARN) {
		return nil, usagef("profile %s is a chained profile of role %s; --role-arn and --role cannot pick another", prof.Name, prof.RoleARN)
	}
	sfs := pflag.NewFlagSet("source", pflag.ContinueOnError)
	slo := &loginOptions{}
	addLoginFlags(sfs, slo)
	slo.profile = prof.SourceProfile
	// How to ask and how long to wait carry over; what to sign in to is
	// the source profile's own.
	slo.noPrompt, slo.debug, slo.timeout, slo.minTTL, slo.force = lo.noPrompt, lo.debug, lo.timeout, lo.minTTL, lo.force
	slo.passwordStdin, slo.mfaCode, slo.mfaMethod, slo.mfaTimeout = lo.passwordStdin, lo.mfaCode, lo.mfaMethod, lo.mfaTimeout
	slo.noCache = lo.noCache
	src, err := credentialsOf(ctx, f.env, sfs, slo, f.prompt, via)
	if err != nil {
		return nil, err
	}
	region := cmp.Or(prof.Region, src.Region)
	// flag, environment, else the source profile's stored endpoint
	sts := f.sts
	if stored := src.Settings[awsconfig.SettingPrefix+"sts_endpoint"]; !sts.set() && stored != "" {
		sts = storedSTS(prof.SourceProfile, stored)
	}
	if err := checkOverride(sts); err != nil {
		return nil, err
	}
	caBundle := cmp.Or(f.caBundle(), src.caBundle)
	out, err := awsconfig.AssumeChainedRole(ctx, awsconfig.RoleChainInput{
		RoleARN:         prof.RoleARN,
		SessionName:     cmp.Or(prof.RoleSessionName, awsconfig.SessionName(src.AssumedRoleARN)),
		AccessKeyID:     src.AccessKeyID,
		SecretAccessKey: src.SecretAccessKey,
		SessionToken:    src.SessionToken,
		Partition:       arnPartition(prof.RoleARN),
		Region:          region,
		Endpoint:        sts.url,
		CABundle:        caBundle,
	})
	if err != nil {
		err = fmt.Errorf("assume %s (profile %s) from profile %s: %w", prof.RoleARN, prof.Name, prof.SourceProfile, err)
		var se *awsconfig.STSError
		if errors.As(err, &se) && se.Hint != "" {
			return nil, withHint(err, se.Hint)
		}
		return nil, err
	}
	g := &gotCredentials{Credentials: out, Region: region, RoleARN: prof.RoleARN, Chained: true, Settings: src.Settings,
		overrides: src.overrides, caBundle: caBundle}
	if sts.set() {
		g.overrides = append(g.overrides, sts)
	}
	return g, nil
}
