package main

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/browser"
	"github.com/samlogin/samlogin/internal/atomicfile"
	"github.com/samlogin/samlogin/internal/lazyre"
)

// Exit codes, documented in README.md.
const (
	exitOK        = 0
	exitError     = 1
	exitUsage     = 2
	exitCancelled = 3
	exitRejected  = 4
)

// usageError is a mistake in how samlogin was called (exit 2).
type usageError struct {
	msg string
	cmd string // the command whose --help to point at; set by run
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// hinted adds the sentence a user needs to act on an error.
type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }

func withHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &hinted{err: err, hint: hint}
}

// exitCode decides the exit code of an error.
func exitCode(err error) int {
	var ue *usageError
	var le *listError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &le):
		if le.usage {
			return exitUsage
		}
		return exitError
	case errors.Is(err, idp.ErrCancelled), errors.Is(err, context.Canceled):
		return exitCancelled
	case errors.Is(err, idp.ErrRejected), errors.Is(err, idp.ErrMFARejected), errors.Is(err, idp.ErrMFATimeout):
		return exitRejected
	case errors.Is(err, idp.ErrNoPrompt), errors.Is(err, idp.ErrBadInput), errors.As(err, &ue):
		return exitUsage
	}
	return exitError
}

// message renders err as the one line the user reads: what happened and,
// where we know it, what to do.
func message(err error) string {
	if ce := (*browser.ClosedError)(nil); errors.As(err, &ce) {
		return printable(ce.Error() + "; no file was changed") // and on which page
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, idp.ErrCancelled) {
		return "cancelled; no file was changed"
	}
	msg := err.Error()
	if m := timeoutMessage(err); m != "" {
		msg = m
	}
	if h := hintFor(err); h != "" {
		msg += "; " + h
	}
	return printable(msg)
}

// printable makes the error line safe for a terminal whatever a domain
// package put in it: a newline becomes a space; other control characters
// (ESC of a terminal sequence, C1) and invisible format characters (bidi
// overrides) are dropped. Text quoted from IdP pages is cleaned where it
// is read (idp.CleanText); this is the last guard.
func printable(msg string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == utf8.RuneError:
			return -1
		}
		return r
	}, msg)
}

// hintFor is the one place where errors get their hints.
func hintFor(err error) string {
	var h *hinted
	if errors.As(err, &h) {
		return h.hint
	}
	for _, f := range hinters {
		if s := f(err); s != "" {
			return s
		}
	}
	return ""
}

// hinters look at typed errors from the domain packages.
var hinters = []func(error) string{
	oneLoginHint,
	func(err error) string {
		var le *listError
		if errors.As(err, &le) {
			return le.hint
		}
		return ""
	},
	func(err error) string {
		var sr *storedRejectedError
		if errors.As(err, &sr) {
			return sr.hint()
		}
		var re *idp.RejectedError
		if errors.As(err, &re) && re.ErrorPage {
			return "the password may be right: the IdP's message says why (ask its admin what a message code means); samlogin sent it once and did not retry, so it added no failed attempt of its own"
		}
		if errors.Is(err, idp.ErrRejected) {
			return "check the user name and password; samlogin sent it once and did not retry, so it added no failed attempt of its own"
		}
		if errors.Is(err, idp.ErrMFARejected) {
			return "the code was not resent; run samlogin again for a new one"
		}
		if errors.Is(err, idp.ErrUnsupportedMFA) {
			return "choose another method with --mfa-method if the IdP offers one, or add --browser to sign in in your own browser, with whatever the IdP asks"
		}
		if errors.Is(err, idp.ErrNeedsBrowser) {
			return "add --browser to sign in in your own browser (the page needs JavaScript)"
		}
		return ""
	},
	func(err error) string {
		var re *idp.RouteError
		if errors.As(err, &re) && re.OffSite {
			return fmt.Sprintf("nothing was sent; if %s is your company's sign-in host, allow it with --idp-allow-host %s (stored with the profile)", re.Host, re.Host)
		}
		if errors.As(err, &re) && re.InURL {
			return "nothing was sent; add --browser to sign in in your own browser, and report the page to your IdP's admin"
		}
		if errors.Is(err, idp.ErrBodyRedirect) {
			return "nothing was re-sent; if that host is your company's sign-in host, give it as --adfs-host or --idp-url, or report the redirect to your IdP's admin"
		}
		return ""
	},
	func(err error) string {
		var te *awsconfig.TimeoutError
		if errors.As(err, &te) {
			return "check that it is reachable from here (VPN, proxy: HTTPS_PROXY), or raise --timeout"
		}
		var fe *awsconfig.FederationNetError
		var dns *net.DNSError
		if errors.As(err, &fe) && errors.As(err, &dns) {
			return fmt.Sprintf("the name %s does not resolve: check your DNS and VPN, and SAMLOGIN_FEDERATION_URL if you set it", dns.Name)
		}
		var se *awsconfig.STSError
		if errors.Is(err, awsconfig.ErrInsecureURL) && (errors.As(err, &se) || errors.As(err, &fe)) {
			return "samlogin sends the assertion and keys only over https (plain http only to this machine): check the endpoint you chose (--sts-endpoint, AWS_ENDPOINT_URL_STS) and where it redirects"
		}
		if errors.Is(err, awsconfig.ErrDowngrade) {
			return "a proxy or the endpoint sends samlogin from https to plain http, which it refuses: check HTTPS_PROXY and the endpoint's URL"
		}
		if errors.Is(err, idp.ErrInsecureURL) && strings.Contains(err.Error(), "plain http") {
			return "the IdP (or a proxy) sent samlogin from https to plain http: use the IdP's https address, and ask its admin to fix the redirect"
		}
		var ua x509.UnknownAuthorityError
		if errors.As(err, &ua) {
			return "the server's certificate is signed by a CA this machine does not trust: give your company's CA (or your TLS-inspecting proxy's) with --ca-bundle FILE or AWS_CA_BUNDLE; samlogin never turns verification off"
		}
		var nr *atomicfile.NotRegularError
		if errors.As(err, &nr) {
			return "move it away, or point AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE at a regular file"
		}
		return ""
	},
	func(err error) string {
		if errors.Is(err, idp.ErrNoPrompt) {
			return "or run it on a terminal"
		}
		return ""
	},
	func(err error) string {
		var ue *usageError
		if errors.As(err, &ue) {
			return fmt.Sprintf("see '%s --help'", cmp.Or(ue.cmd, "samlogin"))
		}
		return ""
	},
}

func isNoPrompt(err error) bool { return errors.Is(err, idp.ErrNoPrompt) }

// detail is the text some errors print after their line (the roles to
// choose from).
func detail(err error) string {
	var d interface{ Detail() string }
	if errors.As(err, &d) {
		return d.Detail()
	}
	return ""
}

// adfsRejectedHint is the hint for a password ADFS rejected: its user names
// have two shapes, and people try the third.
const adfsRejectedHint = "check the password and the username format (DOMAIN\\user or user@domain); samlogin sent it once and did not retry, so it added no failed attempt of its own"

// flagMention finds the flags an error message names (compiled on first
// use: credential-process's cache hit never pays for it).
var flagMention = lazyre.New(`--([a-z][a-z0-9-]*)`)

// envNamedError is an error about flags whose values came from their
// SAMLOGIN_* twins: the user never typed "--output", so the line says where
// it came from.
type envNamedError struct {
	err    error
	suffix string // " (--output set by SAMLOGIN_OUTPUT)"
}

func (e *envNamedError) Error() string { return e.err.Error() + e.suffix }
func (e *envNamedError) Unwrap() error { return e.err }

// nameEnvSources adds to err the SAMLOGIN_* variables that set the flags it
// names (see applyEnv).
func nameEnvSources(err error, env *Env) error {
	if err == nil || len(env.fromEnv) == 0 {
		return err
	}
	msg := err.Error()
	var parts []string
	seen := map[string]bool{}
	for _, m := range flagMention().FindAllStringSubmatch(msg, -1) {
		v, ok := env.fromEnv[m[1]]
		if ok && !seen[v] && !strings.Contains(msg, v) {
			seen[v] = true
			parts = append(parts, fmt.Sprintf("--%s set by %s", m[1], v))
		}
	}
	if len(parts) == 0 {
		return err
	}
	return &envNamedError{err: err, suffix: " (" + strings.Join(parts, ", ") + ")"}
}
