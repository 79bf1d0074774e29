package main

import (
	"fmt"
	"time"
)

// localTime formats t for a person: local time with the zone.
func localTime(t time.Time) string {
	return t.Local().Format("2006-01-02 15:04:05 MST")
}

// left renders a positive duration briefly: "59m", "7h58m", "45s".
func left(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

// ago says how long ago t was: "3h12m ago".
func ago(now, t time.Time) string { return left(now.Sub(t)) + " ago" }
