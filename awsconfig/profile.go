package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/samlogin/samlogin/awsconfig/ini"
	"github.com/samlogin/samlogin/internal/secret"
)

// Keys samlogin writes in the credentials file section of a profile.
const (
	KeyAccessKeyID     = "aws_access_key_id"
	KeySecretAccessKey = "aws_secret_access_key"
	KeySessionToken    = "aws_session_token"
	KeyExpires         = "x_security_token_expires"
	KeyPrincipalARN    = "x_principal_arn"
)

// SettingPrefix starts every key samlogin keeps in a config profile.
const SettingPrefix = "samlogin_"

// ErrInvalidProfile is returned by WriteProfile for a profile, chain or
// setting name it will not write.
var ErrInvalidProfile = errors.New("invalid profile")

// ConfigSection returns the config file section of a profile: "default" for
// the default profile, "profile NAME" otherwise. In the credentials file
// the section is always NAME.
func ConfigSection(profile string) string {
	if profile == "default" {
		return "default"
	}
	return "profile " + profile
}

// ProfileWrite is what a sign-in writes.
type ProfileWrite struct {
	Profile                       string
	AccessKeyID                   string
	SecretAccessKey, SessionToken secret.String
	Expiration                    time.Time // x_security_token_expires, RFC 3339 UTC
	PrincipalARN                  string    // the assumed-role ARN, x_principal_arn
	Region, Output                string    // written in config when not empty
	// Settings are samlogin's own keys, written in the profile's config
	// section; each starts with "samlogin_". They are merged into what is
	// there: a key not in the map is kept, an empty value removes the key.
	Settings map[string]string
	// Chains are extra profiles that assume a role with this profile's
	// credentials.
	Chains []Chain
	// CredentialProcess, when set, is written as the profile's
	// credential_process, and the keys samlogin owns in [NAME] of the
	// credentials file are removed instead of written: static keys there
	// win over credential_process in the AWS CLI and the SDKs. The caller
	// keeps the credentials elsewhere (CredentialCache). When empty, a
	// credential_process that samlogin wrote for the profile is removed,
	// since the static keys written now would hide it anyway.
	CredentialProcess string
}

// KeyCredentialProcess is the config key of a profile's credential_process.
const KeyCredentialProcess = "credential_process"

// IsSamloginCredentialProcess reports whether v is a credential_process
// that samlogin writes for profile, with either quoting (POSIX, or
// Windows: a config file may be shared between WSL and Windows).
func IsSamloginCredentialProcess(v, profile string) bool {
	return strings.HasSuffix(v, " credential-process --profile "+ShellQuote(profile)) ||
		strings.HasSuffix(v, " credential-process --profile "+WindowsQuote(profile))
}

// ShellQuote quotes s for credential_process, which the AWS CLI splits
// with shlex (POSIX rules) and aws-sdk-go-v2 runs through sh -c: a word of
// safe characters stays bare, anything else is single-quoted.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// WindowsQuote quotes s as one argument of a Windows command line, the way
// the AWS CLI splits a credential_process on Windows (the Microsoft C
// runtime's rules, CommandLineToArgvW): as it is when it holds nothing
// special; else in double quotes, in which a quote is \" and backslashes
// are doubled only before a quote or the closing quote. A plain path with
// spaces ("C:\Program Files\samlogin\samlogin.exe") gets exactly two
// quotes, which cmd.exe /C (the Go SDK's way of running it) keeps too.
func WindowsQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n\v\"&|<>^()%!,;=") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			slashes++
			continue
		case '"':
			b.WriteString(strings.Repeat(`\`, 2*slashes+1))
		default:
			b.WriteString(strings.Repeat(`\`, slashes))
		}
		slashes = 0
		b.WriteByte(c)
	}
	b.WriteString(strings.Repeat(`\`, 2*slashes))
	b.WriteByte('"')
	return b.String()
}

// Chain is a profile "[profile Name]" with role_arn = RoleARN,
// source_profile = the written profile, role_session_name = SessionName
// (when set: the user's session name, so that CloudTrail names the person)
// and region when one is written. samlogin owns exactly those four keys
// there.
type Chain struct{ Name, RoleARN, SessionName string }

// WriteProfile writes the credentials and settings of w.Profile, and its
// chained profiles, under the locks of both files (one UpdateMany). Only the
// keys listed on ProfileWrite are touched; every other byte of both files is
// kept. Writing the same profile again edits the same lines.
func WriteProfile(ctx context.Context, p Paths, w ProfileWrite) error {
	if err := checkWrite(w); err != nil {
		return err
	}
	return UpdateManyContext(ctx, []string{p.Config, p.Credentials}, func(files []*ini.File) error {
		return applyWrite(files[0], files[1], w)
	})
}

// applyWrite edits the parsed config and credentials files for w.
func applyWrite(cfg, creds *ini.File, w ProfileWrite) error {
	sect := w.Profile
	ckv := [][2]string{
		{KeyAccessKeyID, w.AccessKeyID},
		{KeySecretAccessKey, w.SecretAccessKey.Reveal()},
		{KeySessionToken, w.SessionToken.Reveal()},
		{KeyExpires, expires(w.Expiration)},
		{KeyPrincipalARN, w.PrincipalARN},
	}
	if w.CredentialProcess != "" {
		for i := range ckv {
			ckv[i][1] = "" // removed: the keys live in samlogin's cache
		}
	}
	if err := setAll(creds, sect, ckv, true); err != nil {
		return fmt.Errorf("credentials file: profile %q: %w", w.Profile, err)
	}

	sect = ConfigSection(w.Profile)
	kv := [][2]string{{"region", w.Region}, {"output", w.Output}}
	if err := setAll(cfg, sect, kv, false); err != nil {
		return fmt.Errorf("config file: profile %q: %w", w.Profile, err)
	}
	if w.CredentialProcess != "" {
		if err := cfg.Set(sect, KeyCredentialProcess, w.CredentialProcess); err != nil {
			return fmt.Errorf("config file: profile %q: %w", w.Profile, err)
		}
	} else if v, ok := cfg.Get(sect, KeyCredentialProcess); ok && IsSamloginCredentialProcess(v, w.Profile) {
		cfg.Delete(sect, KeyCredentialProcess)
	}
	kv = kv[:0]
	for _, k := range slices.Sorted(maps.Keys(w.Settings)) {
		kv = append(kv, [2]string{k, w.Settings[k]})
	}
	if err := setAll(cfg, sect, kv, true); err != nil {
		return fmt.Errorf("config file: profile %q: %w", w.Profile, err)
	}

	for _, c := range w.Chains {
		if err := setAll(cfg, ConfigSection(c.Name), [][2]string{
			{"role_arn", c.RoleARN},
			{"source_profile", w.Profile},
			{"region", w.Region},
		}, true); err != nil {
			return fmt.Errorf("config file: chained profile %q: %w", c.Name, err)
		}
		if err := setAll(cfg, ConfigSection(c.Name), [][2]string{{"role_session_name", c.SessionName}}, false); err != nil {
			return fmt.Errorf("config file: chained profile %q: %w", c.Name, err)
		}
	}
	return nil
}

// setAll sets each key; an empty value deletes the key when del is true and
// leaves it alone otherwise.
func setAll(f *ini.File, section string, kv [][2]string, del bool) error {
	for _, e := range kv {
		if e[1] == "" {
			if del {
				f.Delete(section, e[0])
			}
			continue
		}
		if err := f.Set(section, e[0], e[1]); err != nil {
			return err
		}
	}
	return nil
}

func expires(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func checkWrite(w ProfileWrite) error {
	if err := checkName(w.Profile); err != nil {
		return err
	}
	for k := range w.Settings {
		if !strings.HasPrefix(k, SettingPrefix) || len(k) == len(SettingPrefix) {
			return fmt.Errorf("%w: setting %q does not start with %q", ErrInvalidProfile, k, SettingPrefix)
		}
	}
	for _, c := range w.Chains {
		if err := checkName(c.Name); err != nil {
			return err
		}
		if c.Name == w.Profile {
			return fmt.Errorf("%w: chained profile %q is the profile itself", ErrInvalidProfile, c.Name)
		}
		if c.RoleARN == "" {
			return fmt.Errorf("%w: chained profile %q has no role ARN", ErrInvalidProfile, c.Name)
		}
	}
	return nil
}

// checkName accepts profile names that make the same section in both files
// for every reader: no spaces, brackets, comment characters or control
// characters.
func checkName(name string) error {
	if name == "" || strings.ContainsAny(name, " \t[]#;=") || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return fmt.Errorf("%w name %q", ErrInvalidProfile, name)
	}
	return nil
}

// AWSADFSPrefix starts the keys the Python tool aws-adfs stores in a profile
// (adfs_config.adfs_host, adfs_config.adfs_user, ...). Store.Profile returns
// them too, so that its users switch without reconfiguring.
const AWSADFSPrefix = "adfs_config."
