package browsertest

import (
	"context"
	"testing"
	"time"
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
