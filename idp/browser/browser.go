package browser

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
)

// DefaultTimeout bounds a browser sign-in when Config.Timeout is zero: the
// user is typing, approving a push or touching a key.
const DefaultTimeout = 5 * time.Minute

// startTimeout bounds the start of the browser (or the connection to an
// attached one) and closeTimeout its graceful close.
const (
	startTimeout = 60 * time.Second
	closeTimeout = 10 * time.Second
	// postDataTimeout bounds the read of a post body Chromium left out of
	// Fetch.requestPaused.
	postDataTimeout = 10 * time.Second
	// removeTimeout covers the removal of a temporary profile (chromedp
	// retries it for up to 5 s) and the end of the browser's children.
	removeTimeout = 20 * time.Second
)

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
	// Status, when set, gets the one line that says what the sign-in waits
	// for ("waiting for the sign-in in the browser window ...").
	Status func(msg string)
	// HasDisplay reports whether a window can be shown (cmd/samlogin reads
	// DISPLAY and WAYLAND_DISPLAY on Linux); nil means there is one.
	HasDisplay func() bool
}

// Errors of a browser sign-in. Each is wrapped with the detail (the page
// title, the browsers looked for).
var (
	// ErrClosed: the user closed the tab or the browser before the IdP
	// posted to AWS (exit 3, like a cancelled prompt); see ClosedError.
	ErrClosed = errors.New("the browser tab or window was closed before the sign-in finished")
	// ErrTimeout: Config.Timeout (or the caller's deadline) passed with no
	// post to AWS.
	ErrTimeout = errors.New("no sign-in arrived from the browser in time")
	// ErrNoDisplay: a window is needed and there is no display.
	ErrNoDisplay = errors.New("there is no display to open the browser on (DISPLAY and WAYLAND_DISPLAY are not set)")
	// ErrStart: the browser did not start, or nothing answered at the
	// --browser-url address.
	ErrStart = errors.New("the browser did not start")
	// ErrProfile: the --browser-profile folder cannot be used (another
	// user's, a link, open to others, in use).
	ErrProfile = errors.New("the browser profile folder cannot be used")
)

// ClosedError is ErrClosed with the page the tab showed last; it also
// matches idp.ErrCancelled (exit 3).
type ClosedError struct {
	Page string // ` (last page: "TITLE" at HOST)` or ""
}

func (e *ClosedError) Error() string { return ErrClosed.Error() + e.Page }

// Is makes a ClosedError match ErrClosed and idp.ErrCancelled.
func (e *ClosedError) Is(target error) bool {
	return target == ErrClosed || target == idp.ErrCancelled
}

// Driver signs in through the user's browser. It implements idp.Driver.
type Driver struct {
	cfg Config
	// bodyFromNetwork ignores the body in Fetch.requestPaused, as if
	// Chromium had left it out, so that tests reach the fallback.
	bodyFromNetwork bool
	// closed is closed once the browser Login started is closed (nil
	// before a Login).
	closed chan struct{}
}

var _ idp.Driver = (*Driver)(nil)

// New returns a Driver for cfg.
func New(cfg Config) (*Driver, error) {
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Status == nil {
		cfg.Status = func(string) {}
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &idp.InputError{Msg: fmt.Sprintf("the sign-in URL %q is not an http(s) URL", idp.RedactURLString(cfg.URL))}
	}
	if cfg.AttachURL != "" {
		if err := CheckAttachURL(cfg.AttachURL); err != nil {
			return nil, err
		}
	}
	return &Driver{cfg: cfg}, nil
}

// CheckAttachURL accepts a DevTools endpoint on this machine only: ws:// or
// http:// to a loopback address or localhost. A DevTools socket is full
// control of the browser, so samlogin never talks to one elsewhere. Its
// error is an *idp.InputError (errors.Is idp.ErrBadInput).
func CheckAttachURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return &idp.InputError{Msg: "--browser-url must be ws://127.0.0.1:PORT/... or http://127.0.0.1:PORT (a browser started with --remote-debugging-port)"}
	}
	h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if ip := net.ParseIP(h); (ip != nil && ip.IsLoopback()) || h == "localhost" {
		return nil
	}
	return &idp.InputError{Msg: fmt.Sprintf("--browser-url %s is not on this machine: samlogin attaches only to a browser on 127.0.0.1, ::1 or localhost", u.Host)}
}

// Login opens the browser at the IdP and returns the SAMLResponse the IdP
// posts to AWS. in.Username and in.Password are not used: the user types
// them in the browser.
func (d *Driver) Login(ctx context.Context, in idp.LoginInput) (secret.String, error) {
	log := d.cfg.Log
	var (
		allocCtx    context.Context
		allocCancel context.CancelFunc
		launched    = d.cfg.AttachURL == ""
	)
	// The browser outlives ctx: when the wait ends, for whatever reason
	// (a signal, the command's bound), it is still closed gracefully, so
	// that a kept profile saves its cookies. Its close is bounded by
	// closeTimeout.
	life := context.WithoutCancel(ctx)
	if launched {
		if d.cfg.HasDisplay != nil && !d.cfg.HasDisplay() {
			return secret.String{}, ErrNoDisplay
		}
		path, err := d.cfg.Finder.Find(d.cfg.Browser)
		if err != nil {
			return secret.String{}, err
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-sync", true),
			chromedp.VisibleWindow,
			// Its own process group: a Ctrl-C at the terminal reaches
			// samlogin, which closes the browser, not the browser first.
			chromedp.ModifyCmdFunc(ownProcessGroup),
		}
		if d.cfg.ProfileDir != "" {
			if err := prepareProfile(d.cfg.ProfileDir); err != nil {
				return secret.String{}, err
			}
			opts = append(opts, chromedp.UserDataDir(d.cfg.ProfileDir))
		}
		log.Debug("browser: starting", "path", path, "profile", d.cfg.ProfileDir != "")
		allocCtx, allocCancel = chromedp.NewExecAllocator(life, opts...)
	} else {
		ws, err := resolveAttach(ctx, d.cfg.AttachURL)
		if err != nil {
			return secret.String{}, err
		}
		log.Debug("browser: attaching", "url", idp.RedactURLString(d.cfg.AttachURL))
		allocCtx, allocCancel = remote.NewAllocator(life, ws, remote.NoModifyURL)
	}
	quiet := func(string, ...any) {}
	tabCtx, tabCancel := chromedp.NewContext(allocCtx,
		chromedp.WithLogf(quiet), chromedp.WithDebugf(quiet),
		chromedp.WithErrorf(func(string, ...any) { log.Debug("browser: a DevTools message was not understood") }))
	started := time.Now()
	stopStart := context.AfterFunc(ctx, tabCancel) // a signal during the start
	err := startBounded(tabCtx, tabCancel)
	stopStart()
	if err != nil {
		tabCancel()
		allocCancel()
		if ctx.Err() != nil {
			return secret.String{}, context.Cause(ctx)
		}
		return secret.String{}, d.startError(err)
	}
	c := chromedp.FromContext(tabCtx)
	log.Debug("browser: ready", "took", time.Since(started).Round(time.Millisecond))

	saml, err := d.wait(ctx, tabCtx, c, launched)
	// The browser closes while the caller goes on (STS, the files): Wait
	// waits for it, before the program ends.
	d.closed = make(chan struct{})
	go func() {
		defer close(d.closed)
		d.close(tabCtx, tabCancel, launched)
		allocCancel() // waits for the process, removes a temporary profile
		log.Debug("browser: closed")
	}()
	return saml, err
}

// Wait waits until the browser the last Login started (or its tab, in an
// attached browser) is closed and a temporary profile removed, at most
// closeTimeout and removeTimeout. The program calls it before it
// ends: the browser closes while samlogin calls STS.
func (d *Driver) Wait() {
	if d.closed == nil {
		return
	}
	select {
	case <-d.closed:
	case <-time.After(closeTimeout + removeTimeout):
		d.cfg.Log.Debug("browser: not closed in time")
	}
}

// startBounded starts the browser (or attaches) and opens the tab. The
// start is bounded by startTimeout; a stuck start cancels the tab's context,
// which ends the browser.
func startBounded(tabCtx context.Context, tabCancel context.CancelFunc) error {
	stuck := time.AfterFunc(startTimeout, tabCancel)
	defer stuck.Stop()
	if err := chromedp.Do(tabCtx); err != nil {
		if tabCtx.Err() != nil && !stuck.Stop() {
			return fmt.Errorf("no answer within %s", startTimeout)
		}
		return err
	}
	return nil
}

func (d *Driver) startError(err error) error {
	if errors.Is(err, chromedp.ErrNoDisplay) {
		return ErrNoDisplay
	}
	// chromedp quotes the browser's own output: keep its first line.
	detail, _, _ := strings.Cut(err.Error(), "\n")
	if detail = strings.TrimSuffix(strings.TrimSpace(idp.CleanText(detail)), ":"); detail != "" {
		detail = " (" + detail + ")"
	}
	switch {
	case d.cfg.AttachURL != "":
		return fmt.Errorf("browser: %w: no DevTools connection at %s%s", ErrStart, d.cfg.AttachURL, detail)
	case d.cfg.ProfileDir != "" && lockExists(d.cfg.ProfileDir):
		return fmt.Errorf("browser: %w: the profile %s may be in use by another browser window; close it and try again", ErrStart, d.cfg.ProfileDir)
	case d.cfg.Browser != "":
		return fmt.Errorf("browser: %w: SAMLOGIN_BROWSER=%s%s; it must name a Chromium-family browser", ErrStart, d.cfg.Browser, detail)
	}
	return fmt.Errorf("browser: %w%s", ErrStart, detail)
}

// lockExists reports whether Chromium's profile lock is in dir.
func lockExists(dir string) bool {
	for _, n := range []string{"SingletonLock", "lockfile"} {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			return true
		}
	}
	return false
}

// close ends what Login started: the whole browser, gracefully (so that a
// kept profile saves its cookies), or only samlogin's tab in an attached
// browser.
func (d *Driver) close(tabCtx context.Context, tabCancel context.CancelFunc, launched bool) {
	if !launched {
		tabCancel() // closes and waits for our tab only
		return
	}
	cctx, cancel := context.WithTimeout(tabCtx, closeTimeout)
	defer cancel()
	if err := chromedp.Cancel(cctx); err != nil {
		d.cfg.Log.Debug("browser: close", "err", err)
	}
	tabCancel()
}

// pageInfo is what the driver knows of the tab while it waits: its last title
// and host, for messages.
type pageInfo struct {
	since time.Time // the wait's start
	mu    sync.Mutex
	title string
	url   string
	host  string
}

func (p *pageInfo) set(title, rawURL string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, rest, ok := strings.Cut(rawURL, "://"); ok && title != "" && strings.HasPrefix(rest, title) {
		// Chromium's stand-in title for a page that has none (yet): the
		// URL, which may carry tokens. Keep the last real title.
		title = ""
		if rawURL == p.url {
			return
		}
	}
	p.title, p.url = title, rawURL
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		p.host = u.Host
	}
}

// describe is ` (last page: "TITLE" at HOST)`, cleaned, or "".
func (p *pageInfo) describe() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.title != "" && p.host != "":
		return fmt.Sprintf(" (last page: %q at %s)", idp.CleanText(p.title), p.host)
	case p.host != "":
		return " (last page at " + p.host + ")"
	}
	return ""
}

// wait intercepts the tab's requests to AWS's sign-in hosts until the
// SAMLResponse arrives, the tab closes, or the timeout passes.
func (d *Driver) wait(parent, tabCtx context.Context, c *chromedp.Context, launched bool) (secret.String, error) {
	ctx, cancel := context.WithCancelCause(tabCtx)
	defer cancel(nil)
	// The caller's end ends the wait too: its bound as a timeout, a signal
	// as itself.
	defer context.AfterFunc(parent, func() {
		if errors.Is(parent.Err(), context.DeadlineExceeded) {
			cancel(ErrTimeout)
			return
		}
		cancel(context.Cause(parent))
	})()
	ctx, stop := context.WithTimeoutCause(ctx, d.cfg.Timeout, ErrTimeout)
	defer stop()
	t := c.Target
	id := t.TargetID
	info := &pageInfo{since: time.Now()}

	// The tab closing, or the browser going away, ends the wait. One
	// ordered listener sees both target events, so that the last title and
	// URL are known before the tab's end is.
	own := &owners{ours: map[string]bool{string(id): true}, theirs: map[string]bool{}}
	if err := chromedp.ListenBrowser(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *target.EventTargetCreated:
			own.created(ev.TargetInfo)
		case *target.EventTargetDestroyed:
			if ev.TargetID == id {
				cancel(ErrClosed)
			}
		case *target.EventTargetInfoChanged:
			if ev.TargetInfo != nil && ev.TargetInfo.TargetID == id {
				info.set(ev.TargetInfo.Title, ev.TargetInfo.URL)
			}
		}
	}); err != nil {
		return secret.String{}, d.waitError(ctx, info, fmt.Errorf("browser: %w", err))
	}
	// An attached browser may not report its targets yet: without this, a
	// closed tab would go unnoticed until the timeout.
	if _, err := cdp.Call(ctx, c.Browser, target.SetDiscoverTargets, target.SetDiscoverTargetsParams{Discover: true}); err != nil {
		return secret.String{}, d.waitError(ctx, info, fmt.Errorf("browser: %w", err))
	}
	// Chromium sends Target.targetInfoChanged when the URL changes, not when
	// the title does: ask for the title when a page has loaded.
	onEach(cdp.Events(ctx, t, page.DomContentEventFired), func() { d.refresh(ctx, c, info) })
	onEach(cdp.Events(ctx, t, page.LoadEventFired), func() { d.refresh(ctx, c, info) })
	go func() {
		select {
		case <-c.Browser.LostConnection:
			cancel(ErrClosed)
		case <-ctx.Done():
		}
	}()

	// Requests are paused in every tab and window of the browser (a popup
	// the IdP opens posts there too). In an attached browser, the user's
	// own tabs (open before, or opened meanwhile: see owners) are left
	// alone: their requests go on unchanged.
	if !launched {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			return secret.String{}, d.waitError(ctx, info, fmt.Errorf("browser: %w", err))
		}
		for _, in := range infos {
			own.created(in)
		}
	}
	paused := cdp.Events(ctx, c.Browser, fetch.RequestPaused)
	var ps []*fetch.RequestPattern
	for _, p := range Patterns() {
		ps = append(ps, &fetch.RequestPattern{URLPattern: p})
	}
	if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
		return secret.String{}, d.waitError(ctx, info, fmt.Errorf("browser: %w", err))
	}
	if _, err := cdp.Call(ctx, c.Browser, fetch.Enable, fetch.EnableParams{Patterns: ps}); err != nil {
		return secret.String{}, d.waitError(ctx, info, fmt.Errorf("browser: enable interception: %w", err))
	}
	// page.Navigate, not chromedp.Navigate: the latter waits for the load
	// event, which a paused request would hold.
	if _, err := cdp.Call(ctx, t, page.Navigate, page.NavigateParams{URL: d.cfg.URL}); err != nil {
		return secret.String{}, d.waitError(ctx, info, fmt.Errorf("browser: open the sign-in page: %w", err))
	}
	d.cfg.Status(fmt.Sprintf("waiting for the sign-in in the browser window (timeout %s); sign in there as usual", d.cfg.Timeout.Round(time.Second)))
	for ev, err := range paused {
		if err != nil {
			return secret.String{}, d.waitError(ctx, info, err)
		}
		if (!launched && own.isTheirs(string(ev.FrameID))) || !TakesRequest(ev.Request.Method, ev.Request.URL, ev.Request.HasPostData || len(ev.Request.PostDataEntries) > 0) {
			// A wide pattern paused it (a page or an image of AWS, a
			// look-alike host): let it go on unchanged.
			d.cfg.Log.Debug("browser: continued", "method", ev.Request.Method, "url", idp.RedactURLString(ev.Request.URL))
			if _, err := cdp.Call(ctx, c.Browser, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID}); err != nil {
				return secret.String{}, d.waitError(ctx, info, err)
			}
			continue
		}
		d.cfg.Log.Debug("browser: intercepted the post to AWS", "url", idp.RedactURLString(ev.Request.URL),
			"usual_endpoint", IsAWSSAML(ev.Request.Method, ev.Request.URL))
		// The page that posted, for a message: asked now, while the tab
		// still shows it.
		d.refresh(ctx, c, info)
		where := info.describe()
		// Answer the request before anything else: it never leaves the
		// browser, whatever its body. Network.getRequestPostData (the
		// fallback of postBody) does not answer while the request is paused.
		if ferr := d.fulfill(ctx, c.Browser, ev.RequestID); ferr != nil {
			d.cfg.Log.Debug("browser: answer the post", "err", ferr)
		}
		body, err := d.postBody(ctx, t, ev)
		if err != nil {
			return secret.String{}, d.waitError(ctx, info, err)
		}
		ct := header(ev.Request.Headers, "Content-Type")
		if len(body) == 0 { // a GET with the assertion in its query
			if u, err := url.Parse(ev.Request.URL); err == nil {
				body, ct = []byte(u.RawQuery), ""
			}
		}
		saml, err := SAMLResponseFromForm(ct, body)
		if err != nil {
			return secret.String{}, fmt.Errorf("%w%s", err, where)
		}
		return saml, nil
	}
	return secret.String{}, d.waitError(ctx, info, context.Cause(ctx))
}

// refresh asks the browser for the tab's title and URL.
func (d *Driver) refresh(ctx context.Context, c *chromedp.Context, info *pageInfo) {
	res, err := cdp.Call(ctx, c.Browser, target.GetTargetInfo, target.GetTargetInfoParams{TargetID: c.Target.TargetID})
	if err != nil || res.TargetInfo == nil {
		return
	}
	info.set(res.TargetInfo.Title, res.TargetInfo.URL)
}

// onEach calls f for each event of s, in a goroutine, until s ends.
func onEach[E any](s iter.Seq2[E, error], f func()) {
	go func() {
		for _, err := range s {
			if err != nil {
				return
			}
			f()
		}
	}()
}

// owners tells, in a browser samlogin attached to, samlogin's tabs (its
// own and the windows they open) from the user's: a page's main frame has
// the page's target id. Requests of the user's tabs go on unchanged;
// those of samlogin's, and of frames it cannot place, are taken.
type owners struct {
	mu     sync.Mutex
	ours   map[string]bool
	theirs map[string]bool
}

// created files a page target: samlogin's when a tab of samlogin's opened
// it, the user's otherwise.
func (o *owners) created(in *target.Info) {
	if in == nil || in.Type != "page" {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	id := string(in.TargetID)
	switch {
	case o.ours[id]:
	case in.OpenerID != "" && o.ours[string(in.OpenerID)]:
		o.ours[id] = true
	default:
		o.theirs[id] = true
	}
}

func (o *owners) isTheirs(frame string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.theirs[frame]
}

// waitError turns the end of the wait into the error the user reads.
func (d *Driver) waitError(ctx context.Context, info *pageInfo, err error) error {
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, ErrClosed):
		return &ClosedError{Page: info.describe()}
	case errors.Is(cause, ErrTimeout):
		// The tab is still there: its title names the page the user was on.
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		d.refresh(rctx, chromedp.FromContext(ctx), info)
		rcancel()
		return fmt.Errorf("%w: waited %s%s", ErrTimeout, time.Since(info.since).Round(time.Second), info.describe())
	case cause != nil && errors.Is(err, context.Canceled):
		return cause
	case errors.Is(err, chromedp.ErrTargetDetached):
		return &ClosedError{Page: info.describe()}
	}
	return err
}

// postBody returns the body of the intercepted POST: from the event, or,
// when Chromium left a large body out of it, from Network.getRequestPostData,
// which answers only once the request is no longer paused (call it after
// fulfill).
func (d *Driver) postBody(ctx context.Context, t *chromedp.Target, ev fetch.EventRequestPaused) ([]byte, error) {
	var body []byte
	entries := ev.Request.PostDataEntries
	if d.bodyFromNetwork {
		entries = nil
	}
	for _, e := range entries {
		if e != nil {
			body = append(body, e.Bytes...)
		}
		if len(body) > MaxBody {
			return nil, fmt.Errorf("browser: read the post to AWS: body over %d bytes", MaxBody)
		}
	}
	if len(body) == 0 && ev.Request.HasPostData && ev.NetworkID != "" {
		d.cfg.Log.Debug("browser: the post's body is not in the event; reading it with Network.getRequestPostData")
		// Bounded: Chromium does not answer it for a request still paused.
		gctx, cancel := context.WithTimeout(ctx, postDataTimeout)
		defer cancel()
		res, err := cdp.Call(gctx, t, network.GetRequestPostData, network.GetRequestPostDataParams{RequestID: ev.NetworkID})
		if err != nil {
			return nil, fmt.Errorf("browser: read the post to AWS: %w", err)
		}
		body = res.PostData
	}
	return body, nil
}

// fulfill answers the intercepted request with DonePage.
func (d *Driver) fulfill(ctx context.Context, t cdp.Session, id fetch.RequestID) error {
	hs := make([]*fetch.HeaderEntry, len(DoneHeaders))
	for i, h := range DoneHeaders {
		hs[i] = &fetch.HeaderEntry{Name: h[0], Value: h[1]}
	}
	_, err := cdp.Call(ctx, t, fetch.FulfillRequest, fetch.FulfillRequestParams{
		RequestID: id, ResponseCode: 200, ResponseHeaders: hs, Body: []byte(DonePage),
	})
	return err
}

// header returns the value of a request header, case-insensitively.
func header(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			if s, ok := v.(string); ok {
				return s
			}
		}
	}
	return ""
}
