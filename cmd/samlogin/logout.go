package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/samlcache"
)

func newLogoutCmd(env *Env) *cobra.Command {
	var (
		profile string
		all     bool
		forget  bool
	)
	cmd := &cobra.Command{
		Use:   "logout (--profile P | --all) [--forget]",
		Short: "Remove a profile's credentials (and with --forget its samlogin settings)",
		Long: `logout removes what samlogin wrote for a profile it manages:

  - in ~/.aws/credentials, the keys samlogin owns in [P] (aws_access_key_id,
    aws_secret_access_key, aws_session_token, x_security_token_expires,
    x_principal_arn), and the section when no other key is left;
  - samlogin's cached credentials for P under ~/.aws/samlogin/, if any.

The settings in [profile P] of ~/.aws/config stay, so 'samlogin login
--profile P' signs in again without flags. --forget removes them too: the
samlogin_* keys of P, and the chained profiles samlogin wrote for it (--chain,
recorded in samlogin_chains) while they still have the role_arn and
source_profile samlogin wrote; then any section left empty. region and
output of P stay. Every other byte of both files stays as it was.

It also removes ~/.aws/samlogin/console.html, a console sign-in page that
older versions of console wrote and never removed (console writes nothing
now).

With --forget, the IdP password kept in the OS keychain (--keychain) for
the profile's IdP and user is removed too, unless another profile uses the
same IdP and user.

samlogin keeps no IdP cookies on disk: each sign-in starts a fresh session
at the IdP, so there is nothing more to remove. A profile without samlogin_*
settings is not samlogin's, and logout refuses to touch it (exit 1).`,
		Example: `  samlogin logout --profile prod-admin
  samlogin logout --all
  samlogin logout --profile prod-admin --forget`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in := awsconfig.LogoutInput{All: all, Forget: forget}
			switch {
			case !all && profile == "":
				return usagef("which profile? give --profile P (or SAMLOGIN_PROFILE), or --all")
			case !all:
				in.Profiles = []string{profile}
			}
			store := newStore(env, &loginOptions{})
			paths := store.Paths
			// What each profile holds (its cache entry, its sign-in
			// settings): read before --forget removes the settings.
			before, err := store.Profiles()
			if err != nil {
				return fmt.Errorf("logout: %w", err)
			}
			rs, err := awsconfig.Logout(cmd.Context(), paths, in)
			if errors.Is(err, awsconfig.ErrNotManaged) {
				return withHint(fmt.Errorf("logout: %w", err), "samlogin only removes profiles it wrote; 'samlogin status' lists them; nothing was changed")
			}
			if err != nil {
				return fmt.Errorf("logout: %w", err)
			}
			if removeConsolePage(env) {
				fmt.Fprintln(env.Stderr, "samlogin: removed ~/.aws/samlogin/console.html, a console sign-in page an older samlogin left there")
			}
			if len(rs) == 0 {
				fmt.Fprintf(env.Stderr, "samlogin: no profile in %s is managed by samlogin; nothing to do\n", paths.Config)
			}
			for _, r := range rs {
				i := slices.IndexFunc(before, func(p *awsconfig.Profile) bool { return p.Name == r.Profile })
				if i < 0 {
					continue
				}
				p := before[i]
				cache, shared, err := removeCachedCredentials(store, p)
				if err != nil {
					return fmt.Errorf("logout: profile %s: remove cached credentials: %w", r.Profile, err)
				}
				if err := forgetSignIn(env, p.Settings); err != nil {
					return fmt.Errorf("logout: profile %s: remove the kept sign-in: %w", r.Profile, err)
				}
				line := logoutLine(r, cache, shared, forget)
				if forget {
					if kc := forgetPassword(env, p, before, rs); kc != "" {
						line += "; " + kc
					}
				}
				fmt.Fprintln(env.Stderr, line)
				if line := forgetSession(env, p, before, rs); line != "" {
					fmt.Fprintln(env.Stderr, line)
				}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&profile, "profile", "p", "", "the profile to sign out of")
	fs.BoolVar(&all, "all", false, "sign out of every profile samlogin manages")
	fs.BoolVar(&forget, "forget", false, "also remove the profile's samlogin_* settings, the chained profiles samlogin wrote for it, and its password in the keychain")
	return cmd
}

// removeCachedCredentials takes p off the list of profiles that use its
// credential cache entry, and removes the entry when no profile is left on
// it: logging one profile out never signs another out. It reports whether it
// removed the entry, and a profile that keeps it.
func removeCachedCredentials(store *awsconfig.Store, p *awsconfig.Profile) (bool, string, error) {
	k := p.CacheKey()
	if k.RoleARN == "" || k.IdP == "" {
		return false, "", nil
	}
	removed, others, err := store.Release(k, p.Name)
	if len(others) > 0 {
		return false, others[0], err
	}
	return removed, "", err
}

// removeConsolePage removes the console sign-in page that older versions
// of console wrote under ~/.aws/samlogin and left there (a live sign-in
// token), and reports whether there was one.
func removeConsolePage(env *Env) bool {
	return os.Remove(filepath.Join(awsconfig.StateDir(env.Home), "console.html")) == nil
}

// forgetSignIn removes the sign-in kept for a few minutes (the assertion
// cache) for the profile's IdP and user, so that after logout the next
// login asks for the password again.
func forgetSignIn(env *Env, settings map[string]string) error {
	so := &signinOptions{
		adfsHost:  settings["samlogin_adfs_host"],
		idpURL:    settings["samlogin_idp_url"],
		partition: settings["samlogin_partition"],
		loginToRP: settings["samlogin_login_to_rp"],
		username:  settings["samlogin_username"],
		onelogin:  *oneLoginOptionsOf(settings),
	}
	if !so.hasIdP() {
		return nil
	}
	key, err := assertionCacheKey(so)
	if err != nil {
		return nil // a stored setting samlogin cannot use: nothing was kept under it
	}
	cache := &samlcache.Cache{Dir: awsconfig.StateDir(env.Home), Now: env.Now}
	if settings[samloginKey("browser")] == "true" {
		// The IdP's last browser sign-in, kept for a second profile.
		last, _ := lastBrowserSignInKey(so)
		if err := cache.Delete(last); err != nil {
			return err
		}
	}
	if so.username == "" {
		return nil
	}
	return cache.Delete(key)
}

// forgetPassword removes, for logout --forget, the password the keychain
// holds for p's IdP and user, unless a profile that stays (one of before
// that this logout did not forget) has the same IdP and user. Only a profile
// that has a samlogin_keychain setting (on, or turned off since) makes
// samlogin touch the keychain. It returns what it did, for the line.
func forgetPassword(env *Env, p *awsconfig.Profile, before []*awsconfig.Profile, rs []awsconfig.LogoutResult) string {
	if _, ok := p.Settings[awsconfig.SettingPrefix+"keychain"]; !ok || p.Identity.IdP == "" || p.Identity.Username == "" {
		return ""
	}
	for _, o := range before {
		gone := slices.ContainsFunc(rs, func(r awsconfig.LogoutResult) bool { return r.Profile == o.Name })
		if !gone && o.Identity.SameUser(p.Identity) {
			return "kept the password in the keychain that profile " + o.Name + " also uses"
		}
	}
	if err := env.keychain().delete(passwordKey(p.Identity.IdP, p.Identity.Username)); err != nil {
		return "the password in the keychain (if any) was not removed" // the keychain has said why
	}
	return "removed its password from the keychain"
}

// logoutLine says what logout did for one profile.
func logoutLine(r awsconfig.LogoutResult, cache bool, shared string, forget bool) string {
	var did []string
	if r.Credentials {
		did = append(did, "removed its credentials")
	}
	if cache {
		did = append(did, "removed its cached credentials")
	}
	if shared != "" {
		did = append(did, "kept the cached credentials that profile "+shared+" also uses")
	}
	if len(r.Settings) > 0 {
		did = append(did, "forgot its settings")
	}
	if len(r.Chains) > 0 {
		did = append(did, "removed chained profile"+pluralS(len(r.Chains))+" "+strings.Join(r.Chains, ", "))
	}
	if len(did) == 0 {
		did = append(did, "no credentials to remove")
	}
	line := "samlogin: profile " + r.Profile + ": " + strings.Join(did, "; ")
	if !forget {
		line += " (settings kept; --forget removes them)"
	}
	return line
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// forgetSession drops the IdP session kept for the profile's IdP and user
// (--remember-session), unless a profile that stays signed in (not logged
// out now, holding credentials, keeping sessions) uses the same IdP and
// user. It returns the line to print, or "".
func forgetSession(env *Env, p *awsconfig.Profile, all []*awsconfig.Profile, out []awsconfig.LogoutResult) string {
	kept, k := keptSessionOf(env, p.Settings)
	if kept == nil {
		return ""
	}
	for _, o := range all {
		if slices.ContainsFunc(out, func(r awsconfig.LogoutResult) bool { return r.Profile == o.Name }) ||
			o.Credentials == nil || o.Settings["samlogin_remember_session"] != "true" {
			continue // logged out now, or not signed in, or not keeping sessions
		}
		if _, ok := keptSessionOf(env, o.Settings); ok.IdP == k.IdP && strings.EqualFold(ok.Username, k.Username) {
			return "samlogin: profile " + p.Name + ": kept the IdP session that profile " + o.Name + " also uses"
		}
	}
	_, usedKeychain := p.Settings["samlogin_keychain"]
	if err := dropSession(env, k, usedKeychain); err != nil {
		return "samlogin: profile " + p.Name + ": could not drop the kept IdP session: " + err.Error()
	}
	return "samlogin: profile " + p.Name + ": dropped the kept IdP session of " + k.Username + " at " + (&signinOptions{idpURL: k.IdP}).shown()
}
