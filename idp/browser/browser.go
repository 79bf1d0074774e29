package browser

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
)

// DefaultTimeout bounds a browser sign-in when Config.Timeout is zero: the
// user is typing, approving a push or touching a key.
const DefaultTimeout = 5 * time.Minute

// Config is everything the driver is given. It reads no flag, environment
// variable or file itself: cmd/samlogin resolves SAMLOGIN_BROWSER,
// --browser-profile and --browser-url into these fields.
type Config struct {
	// URL is the IdP's sign-in URL the window opens at.
	URL string
	// Browser is the browser binary to start (a path or a PATH name). Empty
	// means the first one Finder finds. Ignored when AttachURL is set.
	Browser string
	// ProfileDir keeps the browser profile between runs (--browser-profile).
	// Empty means a fresh temporary profile, removed after the browser exits.
	ProfileDir string
	// AttachURL is a running browser's DevTools endpoint
	// (ws://127.0.0.1:PORT/... or http://127.0.0.1:PORT): a new tab is opened
	// there and only that tab is closed.
	AttachURL string
	// Timeout bounds the wait for the SAMLResponse. Zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Finder finds the browser when Browser is empty. The zero value searches
	// the real system.
	Finder Finder
	// Log receives debug records; never a cookie or the SAMLResponse.
	Log *slog.Logger
}

// ErrNotImplemented is returned by Driver.Login until the DevTools session
// is written (next step of issue 13).
var ErrNotImplemented = errors.New("browser: sign-in through the browser is not implemented yet")

// Driver signs in through the user's browser. It implements idp.Driver.
type Driver struct {
	cfg Config
}

var _ idp.Driver = (*Driver)(nil)

// New returns a Driver for cfg.
func New(cfg Config) *Driver {
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Driver{cfg: cfg}
}

// Login opens the browser at the IdP and returns the SAMLResponse the IdP
// posts to AWS. in.Username and in.Password are not used: the user types
// them in the browser.
func (d *Driver) Login(ctx context.Context, in idp.LoginInput) (secret.String, error) {
	return secret.String{}, ErrNotImplemented
}
