package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/awsconfig"
)

func newStatusCmd(env *Env) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "status [flags]",
		Short: "List the profiles samlogin manages, and how long their credentials last",
		Long: `status lists every profile samlogin manages (a profile in ~/.aws/config with
samlogin_* settings): its account, role, identity provider, the time its
credentials have left (or since when they have expired), whether the OS
keychain holds its IdP password (for a profile with --keychain), the chained
profiles that assume a role from it, and whether an IdP session is kept for
it (--remember-session) and until when. It reads the files, and asks the
keychain whether a password is there without reading it: no network, no
prompt, no change. --output json prints the same on stdout for scripts.`,
		Example: `  samlogin status
  samlogin status -o json | jq -r '.profiles[] | select(.expired) | .profile'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return usagef("--output %q: use text or json", output)
			}
			store := newStore(env, &loginOptions{})
			paths := store.Paths
			ps, err := store.Profiles()
			if err != nil {
				return fmt.Errorf("status: %w", err)
			}
			st := statusOf(ps, env.Now())
			keychainStatus(env, ps, st)
			for i, p := range ps {
				if ks, _ := keptSessionOf(env, p.Settings); ks != nil {
					st[i].SessionKept = true
					if u := ks.Until(); !u.IsZero() {
						st[i].SessionUntil = u.UTC().Format(time.RFC3339)
					}
				}
			}
			if output == "json" {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(statusOutput{Profiles: st, ConfigFile: paths.Config, CredentialsFile: paths.Credentials})
			}
			if len(st) == 0 {
				fmt.Fprintf(env.Stderr, "samlogin: no profile in %s is managed by samlogin; sign in with 'samlogin login --profile P ...'\n", paths.Config)
				return nil
			}
			printStatus(env, st)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text (a table) or json")
	return cmd
}

// statusOutput is the JSON of `samlogin status --output json`. It never
// holds a secret.
type statusOutput struct {
	Profiles        []profileStatus `json:"profiles"`
	ConfigFile      string          `json:"config_file"`
	CredentialsFile string          `json:"credentials_file"`
}

// profileStatus is one managed profile.
type profileStatus struct {
	Profile   string `json:"profile"`
	AccountID string `json:"account_id"`
	RoleName  string `json:"role_name"`
	RoleARN   string `json:"role_arn"`
	IdP       string `json:"idp"`
	// Source: "credentials_file", "credential_process" or "none".
	Source string `json:"source"`
	// State: "valid", "expired", "none" (no credentials) or "unknown".
	State       string `json:"state"`
	Expiration  string `json:"expiration,omitempty"` // RFC 3339 UTC
	Expired     bool   `json:"expired"`
	SecondsLeft int64  `json:"seconds_left"`
	Note        string `json:"note,omitempty"`
	// KeychainPassword, for a profile with --keychain: "stored", "none" or
	// "unknown" (the keychain is not available).
	KeychainPassword string        `json:"keychain_password,omitempty"`
	Chains           []chainStatus `json:"chains"`
	// SessionKept: an IdP session is kept for the profile's IdP and user
	// (--remember-session); SessionUntil is when its last cookie expires
	// (RFC 3339 UTC; the IdP may end it sooner).
	SessionKept  bool   `json:"session_kept"`
	SessionUntil string `json:"session_until,omitempty"`
}

type chainStatus struct {
	Profile string `json:"profile"`
	RoleARN string `json:"role_arn"`
	// Samlogin: samlogin wrote it (--chain), so logout --forget removes it.
	Samlogin bool `json:"samlogin"`
}

func statusOf(ps []*awsconfig.Profile, now time.Time) []profileStatus {
	out := []profileStatus{}
	for _, p := range ps {
		s := profileStatus{Profile: p.Name, RoleARN: p.Identity.RoleARN, IdP: p.Identity.IdP, Source: string(p.Source), Chains: []chainStatus{}}
		if r, err := assertion.ParseRoleARN(s.RoleARN); err == nil {
			s.AccountID, s.RoleName = r.AccountID, r.RoleName
		}
		switch {
		case p.Source == awsconfig.SourceChain:
			s.State, s.Note = "none", "chained from profile "+p.SourceProfile
		case p.Credentials == nil && p.Source == awsconfig.SourceProcess:
			s.State, s.Note = "none", "no cached credentials; the next AWS call signs in"
		case p.Credentials == nil:
			s.Source, s.State = string(awsconfig.SourceNone), "none"
		case p.Credentials.Expiration.IsZero():
			s.State, s.Note = "unknown", "the credentials file has no readable "+awsconfig.KeyExpires
		default:
			exp := p.Credentials.Expiration
			s.Expiration = exp.UTC().Format(time.RFC3339)
			s.Expired = !now.Before(exp)
			if s.Expired {
				s.State = "expired"
			} else {
				s.State = "valid"
				s.SecondsLeft = int64(exp.Sub(now) / time.Second)
			}
		}
		for _, c := range p.Chains {
			s.Chains = append(s.Chains, chainStatus{Profile: c.Name, RoleARN: c.RoleARN, Samlogin: c.Recorded})
		}
		out = append(out, s)
	}
	return out
}

// keychainStatus fills KeychainPassword for the profiles with --keychain
// (samlogin_keychain = true): "stored" or "none", or "unknown" when the
// keychain is not available. Each question is bounded (keychain.Timeout),
// the first failure ends them all, and none unlocks the keychain where the
// platform allows (keychain.Stored): status never prompts.
func keychainStatus(env *Env, ps []*awsconfig.Profile, st []profileStatus) {
	for i, p := range ps {
		if p.Settings[awsconfig.SettingPrefix+"keychain"] != "true" || p.Identity.IdP == "" || p.Identity.Username == "" {
			continue
		}
		ok, err := env.keychain().stored(passwordKey(p.Identity.IdP, p.Identity.Username))
		switch {
		case err != nil:
			st[i].KeychainPassword = "unknown"
		case ok:
			st[i].KeychainPassword = "stored"
		default:
			st[i].KeychainPassword = "none"
		}
	}
}

// idpOf names the profile's identity provider from its stored settings.
func idpOf(settings map[string]string) string {
	for _, k := range []string{"samlogin_adfs_host", "samlogin_idp_url"} {
		if v := settings[k]; v != "" {
			return v
		}
	}
	if settings["samlogin_onelogin_subdomain"] != "" {
		return oneLoginOptionsOf(settings).describe()
	}
	return ""
}

// statusWidth is the width the status table fits in.
const statusWidth = 100

// printStatus prints the table. The IdP is shown as its host (-o json has
// the whole setting); when the rows would be wider than statusWidth, the
// name columns are cut, with "…": the chains first, then the role, the IdP
// and the profile. KEYCHAIN (whether the keychain holds the password) is
// there when a profile uses --keychain.
func printStatus(env *Env, st []profileStatus) {
	now := env.Now()
	// KEYCHAIN only when a profile uses --keychain, SESSION only when one
	// has a kept IdP session: the table of everyone else stays as it was.
	kc := slices.ContainsFunc(st, func(s profileStatus) bool { return s.KeychainPassword != "" })
	sessions := slices.ContainsFunc(st, func(s profileStatus) bool { return s.SessionKept })
	head := []string{"PROFILE", "ACCOUNT", "ROLE", "IDP", "SOURCE", "CREDENTIALS"}
	if kc {
		head = append(head, "KEYCHAIN")
	}
	head = append(head, "CHAINS")
	chains := len(head) - 1
	if sessions {
		head = append(head, "SESSION")
	}
	rows := [][]string{head}
	for _, s := range st {
		row := []string{s.Profile, orDash(s.AccountID), orDash(s.RoleName), orDash(idpHost(s.IdP)),
			sourceText(s.Source), credentialsText(s, now)}
		if kc {
			row = append(row, orDash(s.KeychainPassword))
		}
		row = append(row, orDash(chainList(s.Chains)))
		if sessions {
			row = append(row, sessionText(s, now))
		}
		rows = append(rows, row)
	}
	const gap = 2
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	// Cut chains first, then role, IdP and profile, none below 10; then, if
	// that is not enough (the KEYCHAIN or SESSION column), the same down to
	// their headings (6 at least).
	excess := sum(widths) + gap*(len(widths)-1) - statusWidth
	for _, floor := range []func(i int) int{
		func(int) int { return 10 },
		func(i int) int { return max(utf8.RuneCountInString(rows[0][i]), 6) },
	} {
		for _, i := range []int{chains, 2, 3, 0} {
			if excess <= 0 {
				break
			}
			d := min(excess, max(widths[i]-floor(i), 0))
			widths[i] -= d
			excess -= d
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			c = cut(c, widths[i])
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+gap))
			}
		}
		fmt.Fprintln(env.Stdout, b.String())
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// sourceText is the SOURCE column: where the credentials come from.
func sourceText(source string) string {
	switch source {
	case string(awsconfig.SourceFile):
		return "file"
	case string(awsconfig.SourceProcess):
		return "process"
	}
	return "-"
}

// cut shortens s to n characters, ending in "…".
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func credentialsText(s profileStatus, now time.Time) string {
	switch s.State {
	case "valid":
		exp, _ := time.Parse(time.RFC3339, s.Expiration)
		return fmt.Sprintf("%s left (%s)", left(exp.Sub(now)), exp.Local().Format("15:04 MST"))
	case "expired":
		exp, _ := time.Parse(time.RFC3339, s.Expiration)
		if now.Sub(exp) > 24*time.Hour {
			return "expired " + exp.Local().Format("2006-01-02")
		}
		return "expired " + ago(now, exp)
	case "unknown":
		return "expiry unknown"
	}
	return "none"
}

// idpHost is the host of an IdP setting (a host, host:port or URL), for
// the status table; -o json has the whole setting.
func idpHost(v string) string {
	if u, err := url.Parse(v); err == nil && u.Host != "" {
		return u.Host
	}
	h, _, _ := strings.Cut(v, "/")
	return h
}

func chainList(cs []chainStatus) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Profile
	}
	return strings.Join(names, ",")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// sessionText is the SESSION column: "-", "kept", or until when the kept
// IdP session's last cookie lasts.
func sessionText(s profileStatus, now time.Time) string {
	if !s.SessionKept {
		return "-"
	}
	u, err := time.Parse(time.RFC3339, s.SessionUntil)
	if err != nil {
		return "kept"
	}
	if u.Sub(now) < 24*time.Hour {
		return "to " + u.Local().Format("15:04")
	}
	return "to " + u.Local().Format("Jan 2")
}
