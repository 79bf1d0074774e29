package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// peerWord is a flag or command that saml2aws or aws-adfs users type on day
// one, and the one line that names samlogin's equivalent (or why there is
// none).
type peerWord struct {
	command bool   // a command, not a flag
	under   string // the flag only on this command ("console"); "" for any
	name    string // without the leading --
	line    string
}

// peerWords is the one table of them.
var peerWords = []peerWord{
	{name: "password", line: "samlogin never takes a password in its arguments (every user on the machine can read them): use --password-stdin, SAMLOGIN_PASSWORD or --password-command"},
	{name: "onelogin-client-secret", line: "samlogin never takes the OneLogin API client secret in its arguments: use SAMLOGIN_ONELOGIN_CLIENT_SECRET, --onelogin-client-secret-command or, with --keychain, the OS keychain"},
	{name: "skip-verify", line: "samlogin never turns TLS verification off: give the CA that signs your IdP's certificate with --ca-bundle FILE (or AWS_CA_BUNDLE)"},
	{name: "no-ssl-verification", line: "samlogin never turns TLS verification off: give the CA that signs your IdP's certificate with --ca-bundle FILE (or AWS_CA_BUNDLE)"},
	{name: "session-duration", line: "--session-duration is --duration in samlogin (900s to 12h)"},
	{name: "skip-prompt", line: "--skip-prompt is --no-prompt in samlogin"},
	{name: "mfa-token", line: "--mfa-token is --mfa-code in samlogin"},
	{name: "printenv", line: "--printenv is a command in samlogin: samlogin env --profile P"},
	{name: "stdout", line: "--stdout is 'samlogin env --profile P --format json' in samlogin (the credential_process JSON; login -o json prints no keys)"},
	{name: "exec-profile", line: "--exec-profile is 'samlogin exec --profile P -- COMMAND' in samlogin"},
	{under: "console", name: "link", line: "--link is --print in samlogin: samlogin console --print"},
	{command: true, name: "configure", line: "samlogin has no configure: the first login stores its settings in ~/.aws/config (samlogin --adfs-host HOST --profile P --username U)"},
	{command: true, name: "list-roles", line: "samlogin has no list-roles: the role picker of a login lists them, 'samlogin parse FILE' lists a saved SAMLResponse's, and 'samlogin --all-roles' writes a profile for each"},
	{command: true, name: "script", line: "script is 'samlogin env --profile P' in samlogin"},
}

// peerLine returns the line for a peer's flag (command false) or command
// typed under cmdName, if the table has one.
func peerLine(cmdName, name string, command bool) (string, bool) {
	for _, p := range peerWords {
		if p.command == command && p.name == name && (p.under == "" || p.under == cmdName) {
			return p.line, true
		}
	}
	return "", false
}

// flagError turns a flag parse error of command cmdPath ("samlogin
// console") into a usage error: a peer's flag gets its line, an unknown
// flag the nearest names in fs ("did you mean --role-arn?").
func flagError(cmdPath string, fs *pflag.FlagSet, err error) error {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return &usageError{msg: msg, cmd: cmdPath}
	}
	name, _, _ = strings.Cut(name, "=")
	if line, ok := peerLine(cmdName(cmdPath), name, false); ok {
		return &usageError{msg: line, cmd: cmdPath}
	}
	var names []string
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	if s := nearest(name, names); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean --%s?)", strings.Join(s, " or --"))
	}
	return &usageError{msg: msg, cmd: cmdPath}
}

// cmdName is the last word of a command path.
func cmdName(path string) string {
	return path[strings.LastIndexByte(path, ' ')+1:]
}

// commandArgs is the Args of a command that takes no arguments but has
// subcommands (the root): an unknown command gets a peer's line or cobra's
// suggestions.
func commandArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if line, ok := peerLine(cmd.Name(), args[0], true); ok {
		return &usageError{msg: line, cmd: cmd.CommandPath()}
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
	}
	return &usageError{msg: msg, cmd: cmd.CommandPath()}
}

// nearest returns the names closest to typed: within an edit distance of
// 2 (1 for short words), or else those typed is a prefix of; only the
// closest ones, at most 3.
func nearest(typed string, names []string) []string {
	limit := 2
	if len(typed) <= 4 {
		limit = 1
	}
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for _, n := range names {
		d := levenshtein(strings.ToLower(typed), n)
		switch {
		case d <= limit:
		case len(typed) >= 3 && strings.HasPrefix(n, typed):
			d = limit + 1
		default:
			continue
		}
		cs = append(cs, cand{n, d})
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, c := range cs {
		if c.d > cs[0].d || len(out) == 3 {
			break
		}
		out = append(out, c.name)
	}
	return out
}

// levenshtein is the edit distance between a and b (insertions, deletions,
// substitutions, each 1; bytes, as flag names are ASCII).
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
