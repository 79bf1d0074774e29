package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
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

// OpenTab opens a new tab at url in the running browser, as the user
// would (no opener).
func (h *Harness) OpenTab(url string) {
	h.t.Helper()
	actx, acancel := remote.NewAllocator(context.Background(), h.DevToolsURL())
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	if _, err := chromedp.CallBrowser(bctx, target.CreateTarget, target.CreateTargetParams{URL: url}); err != nil {
		h.t.Fatalf("browsertest: open a tab: %v", err)
	}
}
