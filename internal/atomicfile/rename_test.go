package atomicfile

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// fakeClock makes sleep advance now, so the retry loop runs without
// waiting.
func fakeClock(t *testing.T) *time.Duration {
	t.Helper()
	var slept time.Duration
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	oldSleep, oldNow := sleep, now
	sleep = func(d time.Duration) { slept += d }
	now = func() time.Time { return start.Add(slept) }
	t.Cleanup(func() { sleep, now = oldSleep, oldNow })
	return &slept
}

var errHeld = errors.New("the file is held")

func isHeld(err error) bool { return errors.Is(err, errHeld) }

func TestRenameRetryUntilReleased(t *testing.T) {
	slept := fakeClock(t)
	calls := 0
	err := renameRetry(func() error {
		if calls++; calls < 4 {
			return errHeld
		}
		return nil
	}, "config", isHeld)
	if err != nil || calls != 4 {
		t.Fatalf("err %v after %d calls; want success on the 4th", err, calls)
	}
	if *slept != 70*time.Millisecond { // 10 + 20 + 40
		t.Errorf("slept %s, want 70ms (a growing pause)", *slept)
	}
}

func TestRenameRetryGivesUp(t *testing.T) {
	slept := fakeClock(t)
	calls := 0
	err := renameRetry(func() error { calls++; return errHeld }, "config", isHeld)
	var be *BusyError
	if !errors.As(err, &be) || !errors.Is(err, errHeld) || be.Path != "config" {
		t.Fatalf("err = %v, want a *BusyError wrapping the cause", err)
	}
	if *slept < RenameWait || *slept > RenameWait+time.Second {
		t.Errorf("gave up after %s, want about %s", *slept, RenameWait)
	}
	if !strings.Contains(err.Error(), "held open by another program") || !strings.Contains(err.Error(), "close it and try again") {
		t.Errorf("message %q does not say what to do", err)
	}
}

func TestRenameOtherErrorNotRetried(t *testing.T) {
	fakeClock(t)
	calls := 0
	other := errors.New("no space left")
	err := renameRetry(func() error { calls++; return other }, "config", isHeld)
	if err != other || calls != 1 {
		t.Errorf("err %v after %d calls; want the error at once", err, calls)
	}
}
