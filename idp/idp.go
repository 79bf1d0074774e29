// Package idp is "get a SAMLResponse": the small Driver interface that every
// identity-provider driver implements, the inputs a driver is given, and the
// errors that cmd/samlogin turns into messages, hints and exit codes.
//
// Drivers live in sub-packages (idp/adfs, idp/form). A driver receives
// everything from outside (its *http.Client, a Prompter, a logger, a clock)
// and never reads flags, environment variables or files itself.
package idp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/samlogin/samlogin/internal/secret"
)

// Driver signs a user in at an identity provider and returns the base64
// SAMLResponse that the IdP would post to AWS.
type Driver interface {
	Login(ctx context.Context, in LoginInput) (secret.String, error)
}

// LoginInput is what a driver needs from the user for one sign-in.
type LoginInput struct {
	Username string
	// Password, when empty, is asked for through Deps.Prompt only once the
	// driver has reached a sign-in form.
	Password secret.String
	// MFACode is a code given up front (flag or environment). A code from
	// here is tried once; a rejected one is an error (exit 4), never resent.
	MFACode secret.String
	// MFAMethod names the additional-authentication method to choose when a
	// page offers several ("" = ask, or take the only one).
	MFAMethod string
	// MFATimeout bounds how long a push approval is polled for.
	MFATimeout time.Duration
	// PasswordSource, when set and Password is empty, gives the password
	// once a sign-in form appears, before the prompt is tried (it returns
	// the empty secret to fall back to the prompt). A walk that a kept
	// session finishes without a form never calls it: a --password-command
	// is not run.
	PasswordSource func(ctx context.Context) (secret.String, error)
	// RememberSession asks the IdP to keep the session when its sign-in
	// form offers it: ADFS's "Keep me signed in" (Kmsi=true), a portal's
	// "remember me" / "stay signed in" checkbox, ticked.
	RememberSession bool
}

// LazyPassword returns in.Password, else what in.PasswordSource gives.
func (in LoginInput) LazyPassword(ctx context.Context) (secret.String, error) {
	if !in.Password.Empty() || in.PasswordSource == nil {
		return in.Password, nil
	}
	return in.PasswordSource(ctx)
}

// Prompter asks the user for what is missing. Every method writes to the
// terminal (stderr / the controlling TTY), never to stdout. A Prompter that
// cannot ask (no terminal, --no-prompt) returns an error wrapping
// ErrNoPrompt that names the flag or variable to use instead.
type Prompter interface {
	// Input asks for a visible value, such as an MFA code.
	Input(message string) (string, error)
	// Secret asks without echo, for a password or a code.
	Secret(message string) (secret.String, error)
	// Select asks the user to pick one of options; it returns the index.
	Select(message string, options []string) (int, error)
}

// Deps is what a driver is given from outside.
type Deps struct {
	Client *http.Client
	Prompt Prompter
	Log    *slog.Logger // never nil; slog.New(slog.DiscardHandler) when quiet
	Now    func() time.Time
	// Status receives one-line progress messages for the user ("waiting for
	// approval on your phone, number 42"). It may be nil.
	Status func(msg string)
}

// Complete returns d with the defaults a driver relies on (a silent Log,
// time.Now), or an error naming the driver when no HTTP client was given.
func (d Deps) Complete(driver string) (Deps, error) {
	if d.Client == nil {
		return d, fmt.Errorf("%s: no HTTP client given", driver)
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return d, nil
}

// Say reports a progress line through d.Status, if set, passed through
// CleanText: a line may quote a page (a number to approve, an error
// message).
func (d Deps) Say(format string, args ...any) {
	if d.Status != nil {
		d.Status(CleanText(fmt.Sprintf(format, args...)))
	}
}

// Errors that decide an exit code or a hint. Wrap them with %w and the step.
var (
	// ErrRejected: the IdP refused the username/password (exit 4). The
	// password must not be posted again.
	ErrRejected = errors.New("the identity provider rejected the username or password")
	// ErrMFARejected: the IdP refused the second factor (exit 4).
	ErrMFARejected = errors.New("the identity provider rejected the second factor")
	// ErrMFATimeout: a push approval was not given in time (exit 4).
	ErrMFATimeout = errors.New("the second factor was not approved in time")
	// ErrUnsupportedMFA: an additional-authentication method samlogin cannot
	// drive yet (Duo, ...). Exit 1.
	ErrUnsupportedMFA = errors.New("unsupported additional-authentication method")
	// ErrNeedsBrowser: a page that only a browser running its scripts can
	// go on from (exit 1).
	ErrNeedsBrowser = errors.New("the page needs a browser")
	// ErrNoPrompt: an input is missing and the user cannot be asked (exit 2).
	ErrNoPrompt = errors.New("cannot prompt")
	// ErrCancelled: the user cancelled a prompt (exit 3).
	ErrCancelled = errors.New("cancelled")
)

// ErrBadInput is matched (errors.Is) by an *InputError: a value the user
// gave (--mfa-method) that fits nothing the IdP offers (exit 2).
var ErrBadInput = errors.New("an input does not fit what the identity provider offers")

// InputError is a value the user gave that fits nothing the IdP offers.
// Its message names the flag and lists what would fit.
type InputError struct{ Msg string }

func (e *InputError) Error() string        { return e.Msg }
func (e *InputError) Is(target error) bool { return target == ErrBadInput }

// RejectedError carries the IdP's own message for a rejected sign-in.
// errors.Is(err, ErrRejected) (or ErrMFARejected) holds for it.
type RejectedError struct {
	Kind error // ErrRejected or ErrMFARejected
	// Message is the IdP's own words, e.g. "Incorrect user ID or
	// password.". Error prints it through CleanText.
	Message string
	// Code is the IdP's message code when the page shows no words, only a
	// code that its scripts translate (LemonLDAP::NG's trmsg="5").
	Code string
	// ErrorPage: the IdP answered the password with an error page instead
	// of its sign-in form. The sign-in was refused, but not always for the
	// password: a portal says the same way that an account lacks an
	// attribute the application needs (LemonLDAP::NG's code 94).
	ErrorPage bool
}

func (e *RejectedError) Error() string {
	head := e.Kind.Error()
	if e.ErrorPage && errors.Is(e.Kind, ErrRejected) {
		head = "the identity provider refused the sign-in after the password"
	}
	msg := CleanText(e.Message)
	if msg == "" {
		if code := CleanTextN(e.Code, 32); code != "" {
			return fmt.Sprintf("%s (its message code %s)", head, code)
		}
		return head
	}
	return fmt.Sprintf("%s: %q", head, msg)
}

func (e *RejectedError) Unwrap() error { return e.Kind }

// PageError is a page that the driver did not expect at a step. It never
// says only "unexpected page": it names the step, the page title and URL
// (with the query string removed, since it may carry state).
//
// Error prints the title and the detail through CleanText (the detail may
// quote the page, and is bounded at twice MaxText since it also says what
// was expected) and the URL through RedactURL, so that no driver can
// forget to.
type PageError struct {
	Step   string // "submit login form"
	Title  string // the page's <title>, trimmed
	URL    string // scheme://host/path (ShortURL)
	Status int    // HTTP status
	Detail string // what was expected, or an error message read off the page
}

func (e *PageError) Error() string {
	u := e.URL
	if u != "" {
		u = RedactURLString(u)
	}
	msg := fmt.Sprintf("%s: unexpected page %q at %s (HTTP %d)", e.Step, CleanText(e.Title), u, e.Status)
	if d := CleanTextN(e.Detail, 2*MaxText); d != "" {
		msg += ": " + d
	}
	return msg
}

// BrowserPageError is a page that only a browser can go on from: one whose
// scripts must run (Kind ErrNeedsBrowser), or a second factor that no form
// answers, such as Duo, Okta Verify or a passkey (Kind ErrUnsupportedMFA,
// What naming it). errors.Is(err, Kind) holds.
type BrowserPageError struct {
	Kind   error
	What   string // "Duo", "Okta Verify"...; for ErrUnsupportedMFA
	Driver string // "the form driver"
	Step   string
	Title  string // the page's <title>
	URL    string // ShortURL of the page
}

func (e *BrowserPageError) Error() string {
	where := fmt.Sprintf("page %q at %s", CleanText(e.Title), RedactURLString(e.URL))
	if errors.Is(e.Kind, ErrUnsupportedMFA) {
		return fmt.Sprintf("%s: %s is not supported by %s (%s)", e.Step, CleanText(e.What), e.Driver, where)
	}
	return fmt.Sprintf("%s: the %s needs JavaScript to go on (no form, no link, no refresh), which samlogin does not run", e.Step, where)
}

func (e *BrowserPageError) Unwrap() error { return e.Kind }
