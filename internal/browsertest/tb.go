package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
)

// UserTB is User reporting its failures to tb (a goroutine's own TB, in
// script tests, where the user acts while samlogin runs).
func (h *Harness) UserTB(tb testing.TB, ctx context.Context, prefix string, d time.Duration) *User {
	h2 := *h
	h2.t = tb
	return h2.User(ctx, prefix, d)
}

// WithTB returns u reporting its failures to tb.
func (u *User) WithTB(tb testing.TB) *User {
	u2 := *u
	u2.t = tb
	return &u2
}

// PageTabs returns the URLs of the page tabs of the browser on the
// DevTools port.
func (h *Harness) PageTabs(ctx context.Context) ([]string, error) {
	actx, acancel := remote.NewAllocator(ctx, h.DevToolsURL())
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	infos, err := chromedp.Targets(bctx)
	if err != nil {
		return nil, err
	}
	var urls []string
	for _, in := range infos {
		if in.Type == "page" {
			urls = append(urls, in.URL)
		}
	}
	return urls, nil
}

// WaitVisible waits until the element matching the CSS selector is shown.
func (u *User) WaitVisible(sel string) {
	u.t.Helper()
	if err := chromedp.Do(u.ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		u.t.Fatalf("browsertest: wait for %s: %v", sel, err)
	}
}
