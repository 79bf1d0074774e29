package awsconfig

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/samlogin/samlogin/awsconfig/ini"
	"github.com/samlogin/samlogin/internal/atomicfile"
	"github.com/samlogin/samlogin/internal/secret"
)

// Source says where a profile's credentials come from.
type Source string

// The sources of a profile's credentials.
const (
	// SourceNone: the profile holds no credentials (or does not exist).
	SourceNone Source = "none"
	// SourceFile: keys in the credentials file.
	SourceFile Source = "credentials_file"
	// SourceProcess: samlogin's credential_process, whose keys are in
	// samlogin's credential cache.
	SourceProcess Source = "credential_process"
	// SourceChain: role_arn and source_profile; the credentials are an
	// AssumeRole with the source profile's.
	SourceChain Source = "chain"
)

// Identity is whom a profile's credentials are for: the identity provider,
// the user there and the role. A profile written from a saved assertion has
// no IdP or user.
type Identity struct {
	IdP       string // the ADFS host or SAML portal URL, as stored
	Username  string
	RoleARN   string
	Partition string // of RoleARN
	// Policy names the session policy that narrowed the credentials ("":
	// none), as samlogin_session_policy records it.
	Policy string
}

// SameUser reports whether i and o name the same IdP and user: the IdP
// compared without scheme, case or trailing slash, the user without case.
func (i Identity) SameUser(o Identity) bool {
	return NormalizeIdP(i.IdP) == NormalizeIdP(o.IdP) && strings.EqualFold(i.Username, o.Username)
}

// NormalizeIdP is the IdP setting reduced for comparison: no https://, no
// trailing slash, lower case.
func NormalizeIdP(s string) string {
	s = strings.TrimSpace(strings.ToLower(s))
	s = strings.TrimPrefix(s, "https://")
	return strings.TrimRight(s, "/")
}

// Profile is what a profile holds now, read from ~/.aws/config,
// ~/.aws/credentials and samlogin's credential cache by Store.Profile. It
// is the one answer every command uses.
type Profile struct {
	Name string
	// Exists: a section of the profile is in either file.
	Exists bool
	// Managed: its config section has samlogin_* settings.
	Managed bool
	// Settings are the samlogin_* and aws-adfs adfs_config.* keys of its
	// config section, with region and output when set.
	Settings map[string]string
	Region   string
	Output   string
	// CredentialProcess is its credential_process, when set; Source is
	// SourceProcess only when samlogin wrote it for this profile.
	CredentialProcess string
	Source            Source
	// Credentials are the profile's credentials now (possibly expired), or
	// nil: from the credentials file, or from the cache for SourceProcess.
	// A chained profile has none of its own.
	Credentials *Credentials
	// Identity is whom the credentials are (or, with none, would be) for.
	Identity Identity
	// RoleARN, SourceProfile and RoleSessionName are set for a chained
	// profile (SourceChain).
	RoleARN, SourceProfile, RoleSessionName string
	// Chains are the profiles whose source_profile is this one.
	Chains []ChainedProfile
}

// ValidFor reports whether the profile's own credentials are valid for
// longer than margin at now. Credentials whose expiry is unknown are not.
func (p *Profile) ValidFor(now time.Time, margin time.Duration) bool {
	return p.Credentials != nil && !p.Credentials.Expiration.IsZero() && p.Credentials.Expiration.Sub(now) > margin
}

// CanSignIn reports whether the profile's settings name an identity
// provider to sign in at again.
func (p *Profile) CanSignIn() bool { return p.Identity.IdP != "" }

// CacheKey is the credential cache entry of the profile's identity (what
// credential-process serves for it).
func (p *Profile) CacheKey() CacheKey {
	return CacheKey{IdP: p.Identity.IdP, Username: p.Identity.Username, RoleARN: p.Identity.RoleARN}
}

// Store is the one place that answers "what does profile P hold now". It
// reads the two AWS files and samlogin's credential cache; commands never
// read them on their own.
type Store struct {
	Paths Paths
	Cache *CredentialCache
}

func (s *Store) now() time.Time { return s.Cache.now() }

// Profile returns what profile name holds now. A profile that is in
// neither file is returned with Exists false and Source SourceNone.
func (s *Store) Profile(name string) (*Profile, error) {
	cfg, creds, err := s.read()
	if err != nil {
		return nil, err
	}
	return s.profile(cfg, creds, name), nil
}

// Profiles returns every profile samlogin manages (samlogin_* settings), in
// config file order.
func (s *Store) Profiles() ([]*Profile, error) {
	cfg, creds, err := s.read()
	if err != nil {
		return nil, err
	}
	out := managedProfiles(cfg, creds)
	for _, p := range out {
		s.loadCached(p)
	}
	return out, nil
}

// Names lists every profile in either file (for completion and hints).
func (s *Store) Names() ([]string, error) {
	cfg, creds, err := s.read()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, sect := range cfg.Sections() {
		if name, ok := profileName(sect); ok && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, name := range creds.Sections() {
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out, nil
}

// FindValid looks for credentials of identity id valid beyond margin that
// samlogin already holds: in another profile that holds them for the same
// IdP, user and role, or in the credential cache. It returns them and where
// they are ("profile NAME" or "samlogin's credential cache"), or nil. id needs a role ARN.
func (s *Store) FindValid(id Identity, margin time.Duration) (*Credentials, string) {
	if id.RoleARN == "" || id.IdP == "" {
		return nil, ""
	}
	now := s.now()
	if ps, err := s.Profiles(); err == nil {
		for _, p := range ps {
			if p.Source == SourceFile && p.Identity.RoleARN == id.RoleARN && p.Identity.Policy == id.Policy &&
				p.Identity.SameUser(id) && p.ValidFor(now, margin) {
				return p.Credentials, "profile " + p.Name
			}
		}
	}
	if id.Policy != "" {
		return nil, "" // the cache keeps narrowed credentials under another key
	}
	if e := s.Cache.Valid(CacheKey{IdP: id.IdP, Username: id.Username, RoleARN: id.RoleARN}, margin); e != nil {
		return &e.Credentials, "samlogin's credential cache"
	}
	return nil, ""
}

// A credential cache entry is shared by the profiles of its identity; each
// profile that uses it is named in the entry's list (KEY.profiles beside
// KEY.json), so that logging one profile out takes its name off the list
// and leaves the entry to the others.

// Granted reports whether profile may use the cache entry k: it is on the
// entry's list, or the entry has no list (written before lists existed).
func (s *Store) Granted(k CacheKey, profile string) bool {
	names, ok := s.users(k)
	return !ok || slices.Contains(names, profile)
}

// Grant puts profile on the list of the cache entry k.
func (s *Store) Grant(k CacheKey, profile string) error {
	return s.withUsers(k, func() error {
		names, _ := s.users(k)
		if slices.Contains(names, profile) {
			return nil
		}
		return s.setUsers(k, append(names, profile))
	})
}

// withUsers runs fn under the lock of k's list (KEY.profiles.lock), so
// that a login and a logout at the same time never lose a name. The wait is
// short: the holder only reads and writes a small file.
func (s *Store) withUsers(k CacheKey, fn func() error) error {
	if err := os.MkdirAll(s.Cache.Dir, 0o700); err != nil {
		return fmt.Errorf("credential cache: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l := flock.New(s.Cache.path(k, ".profiles.lock"))
	if ok, err := l.TryLockContext(ctx, 5*time.Millisecond); !ok {
		return fmt.Errorf("credential cache: lock %s: %w", l.Path(), cmp.Or(err, ErrLockTimeout))
	}
	defer func() { _ = l.Unlock() }()
	return fn()
}

// Release takes profile off the list of the cache entry k, and removes the
// entry when no profile is left on it. It reports whether it removed the
// entry, and the profiles that still use it.
func (s *Store) Release(k CacheKey, profile string) (removed bool, others []string, err error) {
	if s.Cache.Load(k) == nil {
		return false, nil, nil
	}
	err = s.withUsers(k, func() error {
		removed, others, err = s.release(k, profile)
		return err
	})
	return removed, others, err
}

func (s *Store) release(k CacheKey, profile string) (removed bool, others []string, err error) {
	names, ok := s.users(k)
	if !ok { // no list: the profiles of the same identity that serve it
		ps, err := s.Profiles()
		if err != nil {
			return false, nil, err
		}
		for _, p := range ps {
			if p.Source == SourceProcess && p.CacheKey().same(k) {
				names = append(names, p.Name)
			}
		}
	}
	others = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == profile })
	if len(others) > 0 {
		return false, others, s.setUsers(k, others)
	}
	_ = os.Remove(s.Cache.path(k, ".profiles"))
	return true, nil, s.Cache.Remove(k)
}

func (s *Store) users(k CacheKey) ([]string, bool) {
	data, err := readSmall(s.Cache.path(k, ".profiles"))
	if err != nil {
		return nil, false
	}
	var names []string
	if json.Unmarshal(data, &names) != nil {
		return nil, false
	}
	return names, true
}

func (s *Store) setUsers(k CacheKey, names []string) error {
	data, _ := json.Marshal(names)
	if err := os.MkdirAll(s.Cache.Dir, 0o700); err != nil {
		return fmt.Errorf("credential cache: %w", err)
	}
	return atomicfile.Write(s.Cache.path(k, ".profiles"), append(data, '\n'), 0o600)
}

// readSmall reads a regular file of samlogin's own of at most 1 MiB.
func readSmall(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > 1<<20 {
		return nil, fmt.Errorf("%s is not a small regular file", path)
	}
	return os.ReadFile(path)
}

func (s *Store) read() (cfg, creds *ini.File, err error) {
	if cfg, err = Read(s.Paths.Config); err != nil {
		return nil, nil, err
	}
	if creds, err = Read(s.Paths.Credentials); err != nil {
		return nil, nil, err
	}
	return cfg, creds, nil
}

// profile is readProfile, with the cached credentials of a profile that
// uses samlogin's credential_process.
func (s *Store) profile(cfg, creds *ini.File, name string) *Profile {
	p := readProfile(cfg, creds, name)
	s.loadCached(p)
	return p
}

// loadCached gives a credential_process profile the cache entry of its
// identity, while the profile is on the entry's list.
func (s *Store) loadCached(p *Profile) {
	if p.Source == SourceProcess && p.Identity.RoleARN != "" && s.Granted(p.CacheKey(), p.Name) {
		if e := s.Cache.Load(p.CacheKey()); e != nil {
			p.Credentials = &e.Credentials
		}
	}
}

// managedProfiles are the profiles of the parsed files that samlogin
// manages, in config file order, without cached credentials.
func managedProfiles(cfg, creds *ini.File) []*Profile {
	var out []*Profile
	for _, sect := range cfg.Sections() {
		if name, ok := profileName(sect); ok {
			if p := readProfile(cfg, creds, name); p.Managed {
				out = append(out, p)
			}
		}
	}
	return out
}

// readProfile is what the two parsed files say of profile name: the one
// parser of a profile, which Store and Logout share.
func readProfile(cfg, creds *ini.File, name string) *Profile {
	sect := ConfigSection(name)
	p := &Profile{Name: name, Settings: map[string]string{}, Source: SourceNone}
	p.Exists = cfg.HasSection(sect) || creds.HasSection(name)
	for _, k := range cfg.Keys(sect) {
		if strings.HasPrefix(k, SettingPrefix) || strings.HasPrefix(k, AWSADFSPrefix) || k == "region" || k == "output" {
			p.Settings[k], _ = cfg.Get(sect, k)
		}
		if strings.HasPrefix(k, SettingPrefix) {
			p.Managed = true
		}
	}
	p.Region, p.Output = p.Settings["region"], p.Settings["output"]
	p.CredentialProcess, _ = cfg.Get(sect, KeyCredentialProcess)
	p.RoleARN, _ = cfg.Get(sect, "role_arn")
	p.SourceProfile, _ = cfg.Get(sect, "source_profile")
	p.RoleSessionName, _ = cfg.Get(sect, "role_session_name")
	p.Chains = chainsOf(cfg, name, p.Settings[SettingPrefix+"chains"])

	st := p.Settings
	p.Identity = Identity{
		IdP:      first(st[SettingPrefix+"adfs_host"], st[SettingPrefix+"idp_url"], st[AWSADFSPrefix+"adfs_host"]),
		Username: first(st[SettingPrefix+"username"], st[AWSADFSPrefix+"adfs_user"]),
		RoleARN:  first(st[SettingPrefix+"role_arn"], st[AWSADFSPrefix+"role_arn"]),
		Policy:   st[SettingPrefix+"session_policy"],
	}
	principal, _ := creds.Get(name, KeyPrincipalARN)
	if p.Identity.RoleARN == "" {
		p.Identity.RoleARN = roleOfSession(principal)
	}
	if parts := strings.SplitN(p.Identity.RoleARN, ":", 3); len(parts) == 3 && parts[0] == "arn" {
		p.Identity.Partition = parts[1] // no regexp: this runs on every credential_process cache hit
	}

	switch {
	case hasKey(creds, name, KeyAccessKeyID):
		p.Source = SourceFile
		c := &Credentials{AssumedRoleARN: principal}
		c.AccessKeyID, _ = creds.Get(name, KeyAccessKeyID)
		key, _ := creds.Get(name, KeySecretAccessKey)
		tok, _ := creds.Get(name, KeySessionToken)
		c.SecretAccessKey, c.SessionToken = secret.New(key), secret.New(tok)
		if v, ok := creds.Get(name, KeyExpires); ok {
			c.Expiration, _ = time.Parse(time.RFC3339, v)
		}
		p.Credentials = c
	case IsSamloginCredentialProcess(p.CredentialProcess, name):
		p.Source = SourceProcess // its keys are in the cache: Store.profile
	case p.RoleARN != "" && p.SourceProfile != "":
		p.Source = SourceChain
	}
	return p
}

func hasKey(f *ini.File, section, key string) bool {
	v, ok := f.Get(section, key)
	return ok && v != ""
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// roleOfSession is the role ARN of an assumed-role ARN
// (arn:aws:sts::1:assumed-role/Admin/alice → arn:aws:iam::1:role/Admin), or
// "". The role's path is not in the session ARN, so it is lost.
func roleOfSession(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sts" {
		return ""
	}
	rest, ok := strings.CutPrefix(parts[5], "assumed-role/")
	if !ok {
		return ""
	}
	role, _, ok := strings.Cut(rest, "/")
	if !ok || role == "" {
		return ""
	}
	return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + role
}
