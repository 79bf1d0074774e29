package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/samlogin/samlogin/awsconfig/ini"
)

// ErrNotManaged is returned by Logout for a profile that has no samlogin_*
// settings in the config file: samlogin did not write it, so it touches
// nothing of it.
var ErrNotManaged = errors.New("not managed by samlogin")

// credentialKeys are the keys samlogin owns in the credentials file section
// of a profile it manages.
var credentialKeys = []string{KeyAccessKeyID, KeySecretAccessKey, KeySessionToken, KeyExpires, KeyPrincipalARN}

// ChainedProfile is a config profile that assumes a role from another one.
type ChainedProfile struct {
	Name, RoleARN string
	// Recorded: samlogin wrote it (it is in the source's samlogin_chains
	// with the same role ARN).
	Recorded bool
}

// profileName is the profile a config section describes ("default",
// "profile x"); ok is false for other sections (sso-session, services).
func profileName(section string) (string, bool) {
	if section == "default" {
		return section, true
	}
	name, ok := strings.CutPrefix(section, "profile ")
	return name, ok && name != ""
}

// chainsOf lists the config profiles whose source_profile is name; recorded
// is the source's samlogin_chains ("NAME=ARN,NAME=ARN").
func chainsOf(cfg *ini.File, name, recorded string) []ChainedProfile {
	rec := parseRecorded(recorded)
	var out []ChainedProfile
	for _, sect := range cfg.Sections() {
		cn, ok := profileName(sect)
		if !ok || cn == name {
			continue
		}
		if src, _ := cfg.Get(sect, "source_profile"); src != name {
			continue
		}
		arn, _ := cfg.Get(sect, "role_arn")
		out = append(out, ChainedProfile{Name: cn, RoleARN: arn, Recorded: arn != "" && rec[cn] == arn})
	}
	return out
}

func parseRecorded(s string) map[string]string {
	m := map[string]string{}
	for _, c := range strings.Split(s, ",") {
		if n, arn, ok := strings.Cut(c, "="); ok {
			m[strings.TrimSpace(n)] = strings.TrimSpace(arn)
		}
	}
	return m
}

// LogoutInput says which profiles Logout signs out of.
type LogoutInput struct {
	Profiles []string
	// All signs out of every managed profile (Profiles is ignored).
	All bool
	// Forget also removes the profile's samlogin_* settings and the chained
	// profiles samlogin recorded for it.
	Forget bool
}

// LogoutResult is what Logout removed for one profile.
type LogoutResult struct {
	Profile string
	// Credentials: samlogin's keys were removed from the credentials file.
	Credentials bool
	// Settings are the samlogin_* keys removed from the config file.
	Settings []string
	// Chains are the chained profiles removed from the config file.
	Chains []string
	// Sections are the sections removed because they became empty
	// ("credentials: NAME", "config: profile NAME").
	Sections []string
}

// Logout removes what samlogin wrote for the profiles, under the locks of
// both files (one UpdateMany):
//
//   - in the credentials file, the keys samlogin owns in [NAME], and the
//     section when no key is left;
//   - with Forget, in the config file, the samlogin_* keys of the profile
//     and, for each chained profile recorded in samlogin_chains whose
//     role_arn and source_profile still are what samlogin wrote, those two
//     keys and a region equal to the source's; then each section left with
//     no key. region and output of the profile itself stay.
//
// A profile that is not managed (no samlogin_* key) is ErrNotManaged and
// nothing is written. Every other byte of both files is kept.
func Logout(ctx context.Context, p Paths, in LogoutInput) ([]LogoutResult, error) {
	var results []LogoutResult
	err := UpdateManyContext(ctx, []string{p.Config, p.Credentials}, func(files []*ini.File) error {
		cfg, creds := files[0], files[1]
		ms := managedProfiles(cfg, creds)
		var todo []*Profile
		if in.All {
			todo = ms
		} else {
			for _, name := range in.Profiles {
				i := slices.IndexFunc(ms, func(m *Profile) bool { return m.Name == name })
				if i < 0 {
					return fmt.Errorf("profile %s: %w (no %s* key in its config section)", name, ErrNotManaged, SettingPrefix)
				}
				todo = append(todo, ms[i])
			}
		}
		results = results[:0]
		for _, m := range todo {
			results = append(results, logout(cfg, creds, m, in.Forget))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

func logout(cfg, creds *ini.File, m *Profile, forget bool) LogoutResult {
	r := LogoutResult{Profile: m.Name}
	for _, k := range credentialKeys {
		if creds.Delete(m.Name, k) {
			r.Credentials = true
		}
	}
	if creds.HasSection(m.Name) && len(creds.Keys(m.Name)) == 0 {
		creds.DeleteSection(m.Name)
		r.Sections = append(r.Sections, "credentials: "+m.Name)
	}
	if !forget {
		return r
	}
	sect := ConfigSection(m.Name)
	for _, k := range cfg.Keys(sect) {
		if strings.HasPrefix(k, SettingPrefix) && cfg.Delete(sect, k) {
			r.Settings = append(r.Settings, k)
		}
	}
	// The credential_process line samlogin wrote would call a samlogin that
	// no longer knows how to sign in.
	if v, ok := cfg.Get(sect, KeyCredentialProcess); ok && IsSamloginCredentialProcess(v, m.Name) && cfg.Delete(sect, KeyCredentialProcess) {
		r.Settings = append(r.Settings, KeyCredentialProcess)
	}
	for _, c := range m.Chains {
		if !c.Recorded {
			continue
		}
		cs := ConfigSection(c.Name)
		cfg.Delete(cs, "role_arn")
		cfg.Delete(cs, "source_profile")
		cfg.Delete(cs, "role_session_name")
		if reg, ok := cfg.Get(cs, "region"); ok && reg == m.Region {
			cfg.Delete(cs, "region")
		}
		r.Chains = append(r.Chains, c.Name)
		if len(cfg.Keys(cs)) == 0 {
			cfg.DeleteSection(cs)
			r.Sections = append(r.Sections, "config: "+cs)
		}
	}
	if cfg.HasSection(sect) && len(cfg.Keys(sect)) == 0 {
		cfg.DeleteSection(sect)
		r.Sections = append(r.Sections, "config: "+sect)
	}
	return r
}
