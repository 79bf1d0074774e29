package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/samlcache"
	"github.com/samlogin/samlogin/awsconfig/signin"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/lazyre"
)

// allRolesParallel bounds the STS calls of --all-roles in flight at once.
const allRolesParallel = 8

// defaultProfileTemplate names the profiles of --all-roles.
const defaultProfileTemplate = "{account}-{role}"

// multiOptions are the flags of --all-roles, account aliases and the
// assertion cache.
type multiOptions struct {
	allRoles        bool
	profileTemplate string
	aliases         bool
	noCache         bool
	signinURL       string
}

func addMultiFlags(fs *pflag.FlagSet, mo *multiOptions) {
	fs.BoolVar(&mo.allRoles, "all-roles", false, "write one profile per role of the assertion (named by --profile-template), from one sign-in")
	fs.StringVar(&mo.profileTemplate, "profile-template", defaultProfileTemplate, "profile names for --all-roles: {account}, {alias}, {role}, {partition}")
	fs.BoolVar(&mo.aliases, "aliases", false, "look up account aliases for {alias} on the AWS sign-in page (cached for a day)")
	fs.BoolVar(&mo.noCache, "no-cache", false, "neither reuse nor keep the assertion of a recent sign-in")
	fs.StringVar(&mo.signinURL, "signin-url", "", "AWS SAML sign-in page to read aliases from (default: the partition's)")
	_ = fs.MarkHidden("signin-url")
}

// signInCached signs in at the IdP, or reuses the assertion of a sign-in
// made within the last minutes by the same user at the same IdP (see
// awsconfig/samlcache). --no-cache neither reads nor writes the cache;
// --force reads nothing (a new sign-in) but keeps the fresh assertion.
// assertionCacheKey names the kept sign-in of an IdP, relying party and
// user.
func assertionCacheKey(so *signinOptions) (string, error) {
	rp, err := relyingParty(so)
	if err != nil {
		return "", err
	}
	return samlcache.Key(so.describe()+"|"+rp, so.username), nil
}

func (f *flow) signInCached(ctx context.Context) (*assertion.Assertion, error) {
	so := &f.lo.signinOptions
	if _, err := pickDriver(so); err != nil {
		return nil, err
	}
	if _, err := relyingParty(so); err != nil {
		return nil, err
	}
	if so.kerberosOn() && !so.browserOn() {
		// (In the browser, the browser does Kerberos itself.)
		// No usable ticket is one line now (--kerberos=auto: forms);
		// the cache's principal is the user name when none is given.
		_, user, err := openKerberos(f.env, so)
		if err != nil && so.kerberos != "auto" {
			return nil, err
		}
		if err != nil {
			fmt.Fprintf(f.env.Stderr, "samlogin: --kerberos=auto: %s; using the forms page\n", kerberosNote(err))
		}
		if so.username == "" && user != "" {
			if err := f.fs.Set("username", user); err != nil {
				return nil, err
			}
		}
	}
	if so.username == "" && !so.browserOn() { // the cache key needs it: ask now, once
		u, err := f.prompt.Input("Username")
		if err != nil {
			return nil, err
		}
		if u == "" {
			return nil, usagef("no username: give --username or SAMLOGIN_USERNAME")
		}
		// Through the flag, so that the profile remembers it like a given one.
		if err := f.fs.Set("username", u); err != nil {
			return nil, err
		}
	}
	if f.lo.noCache {
		a, err := signIn(ctx, f.env, so, f.prompt, f.lo.debug)
		if err != nil {
			return nil, err
		}
		return a, f.browserIdentity(a)
	}
	log := newLogger(f.env, f.lo.debug)
	cache := &samlcache.Cache{Dir: awsconfig.StateDir(f.env.Home), Now: f.env.Now}
	// With --browser and no user name yet (a second profile, right after a
	// sign-in in the browser), the last browser sign-in at this IdP is
	// looked up: its assertion names the user.
	key, _ := assertionCacheKey(so)
	if !so.force {
		if enc, ok := cache.Get(key); ok {
			now := f.env.Now()
			a, err := assertion.Parse([]byte(enc.Reveal()))
			if err == nil && !a.Expired(now.Add(samlcache.DefaultMargin)) {
				// Another user's kept sign-in (kept before Identity
				// changed) is not used: a new sign-in follows.
				var other *otherUserError
				switch err := f.browserIdentity(a); {
				case err == nil:
					log.Debug("assertion cache: reusing a recent sign-in", "idp", so.shown(), "user", so.username)
					fmt.Fprintf(f.env.Stderr, "samlogin: reusing the sign-in to %s as %s (valid %s more; --no-cache signs in again)\n",
						so.shown(), idp.CleanText(so.username), left(a.NotOnOrAfter.Sub(now)))
					return a, nil
				case !errors.As(err, &other):
					return nil, err
				}
			}
			_ = cache.Delete(key)
		}
	}
	a, err := signIn(ctx, f.env, so, f.prompt, f.lo.debug)
	if err != nil {
		return nil, err
	}
	if err := f.browserIdentity(a); err != nil {
		return nil, err
	}
	keys := []string{key}
	if so.browserOn() {
		// Under the user's name, and as the IdP's last browser sign-in.
		byUser, _ := assertionCacheKey(so)
		last, _ := lastBrowserSignInKey(so)
		keys = []string{byUser, last}
	}
	for _, k := range slices.Compact(keys) {
		if err := cache.Put(k, a.Encoded, a.NotOnOrAfter); err != nil {
			log.Debug("assertion cache: not kept", "err", err)
		}
	}
	return a, nil
}

// lastBrowserSignInKey names the IdP's last sign-in in the browser, kept
// for a second profile (no user name is known before such a sign-in).
func lastBrowserSignInKey(so *signinOptions) (string, error) {
	rp, err := relyingParty(so)
	if err != nil {
		return "", err
	}
	return samlcache.Key(so.describe()+"|"+rp, ""), nil
}

var placeholder = lazyre.New(`\{[^{}]*\}`)

// checkTemplate refuses a template with an unknown placeholder or none that
// tells roles apart.
func checkTemplate(t string) error {
	for _, p := range placeholder().FindAllString(t, -1) {
		switch p {
		case "{account}", "{alias}", "{role}", "{partition}":
		default:
			return usagef("--profile-template %q: unknown placeholder %s; use {account}, {alias}, {role}, {partition}", t, p)
		}
	}
	if !strings.Contains(t, "{role}") && !strings.Contains(t, "{account}") && !strings.Contains(t, "{alias}") {
		return usagef("--profile-template %q names every profile the same: use {account} or {alias}, and {role}", t)
	}
	// The template's own characters must make a valid profile name: say so
	// before anyone signs in.
	sample := profileName(t, assertion.Role{AccountID: "123456789012", RoleName: "Admin", Partition: "aws"}, "")
	if err := awsconfig.CheckProfileName(sample); err != nil {
		return usagef("--profile-template %q gives profile names like %q, which the AWS files cannot hold (no spaces, brackets, #, ; or =)", t, sample)
	}
	return nil
}

// unsafeName matches what a profile name may not hold (see
// awsconfig.CheckProfileName); placeholder values have it replaced by "_".
var unsafeName = lazyre.New(`[\s\[\]#;=\x00-\x1f\x7f]`)

// profileName fills the template for role; alias "" falls back to the
// account id.
func profileName(tmpl string, r assertion.Role, alias string) string {
	if alias == "" {
		alias = r.AccountID
	}
	clean := func(s string) string { return unsafeName().ReplaceAllString(s, "_") }
	return strings.NewReplacer(
		"{account}", clean(r.AccountID),
		"{alias}", clean(alias),
		"{role}", clean(r.RoleName),
		"{partition}", clean(r.Partition),
	).Replace(tmpl)
}

// roleOutcome is what happened to one role of --all-roles.
type roleOutcome struct {
	role    assertion.Role
	profile string
	alias   string
	creds   *awsconfig.Credentials
	err     error
}

// runAllRoles is `samlogin --all-roles`: one sign-in, every role (or those
// --role PATTERN matches) assumed at most allRolesParallel at a time, one
// profile each, all written in one locked update.
func runAllRoles(ctx context.Context, env *Env, cmd *cobra.Command, lo *loginOptions) error {
	fs := cmd.Flags()
	if fs.Changed("role-arn") {
		return usagef("--role-arn picks one role; with --all-roles use --role PATTERN to pick several, or leave both out")
	}
	if fs.Changed("chain") {
		return usagef("--chain cannot be used with --all-roles")
	}
	if err := checkTemplate(lo.profileTemplate); err != nil {
		return err
	}
	f, err := newFlow(ctx, env, fs, lo, newPrompter(env, lo.noPrompt))
	if err != nil {
		return err
	}
	f.chains = nil // a stored samlogin_chains belongs to the one profile
	now := env.Now()
	a, err := f.assertion(ctx)
	if err != nil {
		return err
	}
	roles := a.Roles
	if lo.role != "" {
		if roles = a.MatchRoles(lo.role); len(roles) == 0 {
			return &listError{msg: fmt.Sprintf("--role %q matches none of the assertion's roles", lo.role), roles: a.Roles,
				hint: "change --role, or leave it out for every role"}
		}
	}
	if len(roles) == 0 {
		return fmt.Errorf("the assertion carries no role")
	}

	aliases := map[string]string{}
	if strings.Contains(lo.profileTemplate, "{alias}") {
		if lo.aliases {
			aliases = f.accountAliases(ctx, a, roles)
		} else {
			fmt.Fprintf(env.Stderr, "samlogin: {alias} is the account id: add --aliases (or samlogin_aliases = true) to look aliases up\n")
		}
	}
	out := make([]roleOutcome, len(roles))
	byName := map[string]int{}
	for i, r := range roles {
		out[i] = roleOutcome{role: r, alias: aliases[r.AccountID], profile: profileName(lo.profileTemplate, r, aliases[r.AccountID])}
		if err := awsconfig.CheckProfileName(out[i].profile); err != nil {
			return usagef("--profile-template %q: role %s gives profile name %q, which the AWS files cannot hold", lo.profileTemplate, r.RoleARN, out[i].profile)
		}
		if j, dup := byName[out[i].profile]; dup {
			return usagef("--profile-template %q gives profile %s to both %s and %s: make it tell them apart, e.g. {account}-{role}",
				lo.profileTemplate, out[i].profile, roles[j].RoleARN, r.RoleARN)
		}
		byName[out[i].profile] = i
	}

	f.assumeAll(ctx, a, out)
	if err := ctx.Err(); err != nil {
		return err // Ctrl-C before the write: leave every file as it was
	}
	var ws []awsconfig.ProfileWrite
	for _, o := range out {
		if o.err == nil {
			ws = append(ws, f.profileWrite(o.profile, o.role, o.creds))
		}
	}
	if err := awsconfig.WriteProfiles(ctx, f.paths, ws); err != nil {
		return fmt.Errorf("write %d profiles: %w", len(ws), err)
	}
	if err := printAllRoles(env, lo.output, f.paths, out, f.sts, now); err != nil {
		return err
	}
	return allRolesErr(out)
}

// assumeAll assumes the roles of out, allRolesParallel at a time, filling in
// creds or err.
func (f *flow) assumeAll(ctx context.Context, a *assertion.Assertion, out []roleOutcome) {
	// Notices of concurrent calls must not interleave mid-line.
	env := *f.env
	env.Stderr = &lockedWriter{w: f.env.Stderr}
	g := *f
	g.env = &env
	sem := make(chan struct{}, allRolesParallel)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i].err = ctx.Err()
				return
			}
			defer func() { <-sem }()
			out[i].creds, out[i].err = g.assume(ctx, a, out[i].role)
		}()
	}
	wg.Wait()
}

// accountAliases returns account id → alias for the accounts of roles: from
// the alias cache when it knows them all, else from one POST of the
// assertion to the AWS sign-in page. It never fails: a page it cannot read
// costs one notice, and the profiles use account ids.
func (f *flow) accountAliases(ctx context.Context, a *assertion.Assertion, roles []assertion.Role) map[string]string {
	cache := &signin.AliasCache{Path: filepath.Join(awsconfig.StateDir(f.env.Home), "aliases.json"), Now: f.env.Now}
	known := cache.Load()
	var missing []string
	for _, r := range roles {
		if _, ok := known[r.AccountID]; !ok {
			missing = append(missing, r.AccountID)
		}
	}
	if len(missing) == 0 {
		return known
	}
	pageURL := f.lo.signinURL
	if pageURL == "" {
		pageURL = signin.URL(roles[0].Partition)
	} else {
		// The assertion goes there: say where it was chosen.
		noteOverrides(f.env, override{what: "AWS sign-in page", url: pageURL, from: flagSource(f.env, "signin-url")})
	}
	log := newLogger(f.env, f.lo.debug)
	got, err := func() (map[string]string, error) {
		client, err := awsconfig.NewHTTPClient(awsconfig.HTTPOptions{CABundle: f.caBundle(), Timeout: 30 * time.Second})
		if err != nil {
			return nil, err
		}
		if f.lo.debug {
			client.Transport = idp.NewDebugTransport(client.Transport, log) // redacts the assertion
		}
		return signin.Fetch(ctx, client, pageURL, a.Encoded)
	}()
	if err != nil {
		fmt.Fprintf(f.env.Stderr, "samlogin: could not read account aliases (%v); profiles use account ids\n", err)
		return known
	}
	for _, id := range missing {
		if _, ok := got[id]; !ok {
			got[id] = "" // not on the page: no alias, and no need to ask again today
		}
	}
	if err := cache.Store(got); err != nil {
		log.Debug("alias cache: not written", "err", err)
	}
	for id, al := range got {
		known[id] = al
	}
	return known
}

// allRolesResult is the JSON of `samlogin --all-roles --output json`. It
// never holds a secret.
type allRolesResult struct {
	Profiles        []allRolesProfile `json:"profiles"`
	ConfigFile      string            `json:"config_file"`
	CredentialsFile string            `json:"credentials_file"`
	// STSEndpoint and STSEndpointFrom: as in loginResult.
	STSEndpoint     string `json:"sts_endpoint,omitempty"`
	STSEndpointFrom string `json:"sts_endpoint_from,omitempty"`
}

type allRolesProfile struct {
	Profile        string `json:"profile"`
	AccountID      string `json:"account_id"`
	AccountAlias   string `json:"account_alias,omitempty"`
	RoleName       string `json:"role_name"`
	RoleARN        string `json:"role_arn"`
	AssumedRoleARN string `json:"assumed_role_arn,omitempty"`
	Expiration     string `json:"expiration,omitempty"`
	Error          string `json:"error,omitempty"` // the role failed: no profile written
}

func printAllRoles(env *Env, output string, paths awsconfig.Paths, out []roleOutcome, sts override, now time.Time) error {
	if output == "json" {
		res := allRolesResult{Profiles: []allRolesProfile{}, ConfigFile: paths.Config, CredentialsFile: paths.Credentials,
			STSEndpoint: sts.url, STSEndpointFrom: sts.from}
		for _, o := range out {
			p := allRolesProfile{Profile: o.profile, AccountID: o.role.AccountID, AccountAlias: o.alias,
				RoleName: o.role.RoleName, RoleARN: o.role.RoleARN}
			if o.err != nil {
				p.Error = message(o.err)
			} else {
				p.AssumedRoleARN = o.creds.AssumedRoleARN
				p.Expiration = o.creds.Expiration.UTC().Format(time.RFC3339)
			}
			res.Profiles = append(res.Profiles, p)
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	for _, o := range out {
		if o.err != nil {
			continue
		}
		line := fmt.Sprintf("samlogin: profile %s: account %s, role %s, expires %s (in %s)", o.profile,
			o.role.AccountID, o.role.RoleName, o.creds.Expiration.Local().Format("15:04 MST"), left(o.creds.Expiration.Sub(now)))
		if sts.set() {
			line += "; " + sts.String()
		}
		fmt.Fprintln(env.Stderr, line)
	}
	return nil
}

// allRolesError: some roles failed; the others were written. Its detail
// has one line per failed role.
type allRolesError struct {
	failed []roleOutcome
	total  int
}

func allRolesErr(out []roleOutcome) error {
	e := &allRolesError{total: len(out)}
	for _, o := range out {
		if o.err != nil {
			e.failed = append(e.failed, o)
		}
	}
	if len(e.failed) == 0 {
		return nil
	}
	return e
}

func (e *allRolesError) Error() string {
	ok := e.total - len(e.failed)
	if ok == 0 {
		return fmt.Sprintf("all %d roles failed; no profile was written", e.total)
	}
	return fmt.Sprintf("%d of %d roles failed; the other %d profiles were written", len(e.failed), e.total, ok)
}

// Detail is one line per failed role.
func (e *allRolesError) Detail() string {
	var b strings.Builder
	for _, o := range e.failed {
		fmt.Fprintf(&b, "  %s (profile %s): %s\n", o.role.RoleARN, o.profile, message(o.err))
	}
	return b.String()
}

// lockedWriter serialises writes of concurrent goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
