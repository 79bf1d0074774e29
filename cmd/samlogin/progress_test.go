package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samlogin/samlogin/internal/secret"
)

// termRecorder is a terminal: it keeps what was written and reports each
// write on writes, so that a test knows when a tick was drawn.
type termRecorder struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes chan string
}

func newTermRecorder() *termRecorder { return &termRecorder{writes: make(chan string, 100)} }

func (r *termRecorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf.Write(p)
	r.writes <- string(p)
	return len(p), nil
}

func (r *termRecorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.String()
}

// testProgress is a progress on a recorded terminal with a fake clock and a
// ticker the test drives, counting the tickers started and stopped.
type testProgress struct {
	*progress
	term               *termRecorder
	env                *Env
	tick               chan time.Time
	clock              time.Time
	nStarted, nStopped int
}

func newTestProgress(t *testing.T, what string) *testProgress {
	tp := &testProgress{term: newTermRecorder(), tick: make(chan time.Time), clock: time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)}
	tp.env = &Env{Stderr: tp.term, StderrTTY: true, Now: func() time.Time { return tp.clock }, line: &termLine{w: tp.term}}
	pg, env := startProgress(tp.env, what) // starts with the real ticker...
	pg.stop()                              // ...which never ticks: a second has not passed
	if got := tp.term.String(); got != "" {
		t.Fatalf("a progress stopped within its first second wrote %q", got)
	}
	pg.ticker = func() (<-chan time.Time, func()) { tp.nStarted++; return tp.tick, func() { tp.nStopped++ } }
	tp.progress, tp.env = pg, env
	return tp
}

// advance moves the clock by d and ticks, then waits for the line drawn.
func (tp *testProgress) advance(t *testing.T, d time.Duration) string {
	t.Helper()
	tp.clock = tp.clock.Add(d)
	tp.tick <- tp.clock
	return <-tp.term.writes
}

func TestProgressTicksAndErases(t *testing.T) {
	tp := newTestProgress(t, "STS at sts.eu-west-1.amazonaws.com")
	tp.start()
	if got, want := tp.advance(t, time.Second), "\rsamlogin: waiting for STS at sts.eu-west-1.amazonaws.com... 1s"; got != want {
		t.Errorf("first tick drew %q, want %q", got, want)
	}
	line := "samlogin: waiting for STS at sts.eu-west-1.amazonaws.com... 3s"
	if got, want := tp.advance(t, 2500*time.Millisecond), "\r"+line; got != want {
		t.Errorf("second tick drew %q, want %q", got, want)
	}
	// Any other output through the env of the wait erases the line first.
	fmt.Fprintln(tp.env.Stderr, "samlogin: a notice")
	if got, want := <-tp.term.writes, "\r"+strings.Repeat(" ", len(line))+"\r"; got != want {
		t.Errorf("before a notice: %q, want the line erased %q", got, want)
	}
	if got := <-tp.term.writes; got != "samlogin: a notice\n" {
		t.Errorf("notice: %q", got)
	}
	line = "samlogin: waiting for STS at sts.eu-west-1.amazonaws.com... 1m4s"
	if got, want := tp.advance(t, time.Minute+time.Second), "\r"+line; got != want {
		t.Errorf("third tick drew %q, want %q", got, want)
	}
	tp.stop()
	if got, want := tp.term.String(), "\r"+strings.Repeat(" ", len(line))+"\r"; !strings.HasSuffix(got, want) {
		t.Errorf("stop left %q, want the line erased %q", got, want)
	}
	if tp.nStarted != 1 || tp.nStopped != 1 {
		t.Errorf("tickers started %d, stopped %d; want 1, 1", tp.nStarted, tp.nStopped)
	}
	tp.stop() // twice is fine
	if tp.nStopped != 1 {
		t.Errorf("a second stop stopped a ticker again")
	}
}

// A prompt in the middle of a sign-in: the line is gone while it is up,
// no tick is drawn, and it comes back from 0s after.
func TestProgressPausesForPrompts(t *testing.T) {
	tp := newTestProgress(t, "the IdP at adfs.example.com")
	tp.start()
	tp.advance(t, 2*time.Second)
	var onScreen string
	pr := tp.pausing(&recordingPrompter{onSecret: func() {
		onScreen = tp.term.String()
		select {
		case tp.tick <- tp.clock: // nobody listens: the ticker is stopped
			t.Error("a tick was taken while the prompt was up")
		default:
		}
	}})
	if _, err := pr.Secret("Password for CORP\\alice: "); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(onScreen, "\r"+strings.Repeat(" ", len("samlogin: waiting for the IdP at adfs.example.com... 2s"))+"\r") {
		t.Errorf("screen at the prompt: %q, want the line erased", onScreen)
	}
	for len(tp.term.writes) > 0 {
		<-tp.term.writes
	}
	if got, want := tp.advance(t, 30*time.Second), "\rsamlogin: waiting for the IdP at adfs.example.com... 30s"; got != want {
		t.Errorf("after the prompt: %q, want %q", got, want)
	}
	tp.stop()
	if tp.nStarted != 2 || tp.nStopped != 2 {
		t.Errorf("tickers started %d, stopped %d; want 2, 2", tp.nStarted, tp.nStopped)
	}
}

func TestProgressNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	env := &Env{Stdout: &buf, Stderr: &buf, Now: time.Now}
	run(t.Context(), []string{"--no-such-flag"}, env) // run sets no line for a non-terminal
	if env.line != nil {
		t.Fatal("run set a progress line for a stderr that is not a terminal")
	}
	buf.Reset()
	pg, e := startProgress(env, "STS at sts.amazonaws.com")
	if e != env {
		t.Error("startProgress copied the env of a non-terminal")
	}
	p := &recordingPrompter{}
	if pg.pausing(p) != p {
		t.Error("pausing wrapped the prompter of a non-terminal")
	}
	pg.start()
	pg.stop()
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a stderr that is not a terminal", buf.String())
	}
}

func TestProgressText(t *testing.T) {
	got := progressText("the IdP at "+strings.Repeat("very-long-host.", 10)+"example.com", 75*time.Second)
	if len(got) != progressWidth || !strings.HasSuffix(got, "~... 1m15s") || !strings.HasPrefix(got, "samlogin: waiting for the IdP at very-long-host.") {
		t.Errorf("progressText = %q (%d columns), want it cut to %d", got, len(got), progressWidth)
	}
	if got, want := progressText("STS at sts.amazonaws.com", 2900*time.Millisecond), "samlogin: waiting for STS at sts.amazonaws.com... 2s"; got != want {
		t.Errorf("progressText = %q, want %q", got, want)
	}
}

type recordingPrompter struct{ onSecret func() }

func (f *recordingPrompter) Input(string) (string, error) { return "", nil }
func (f *recordingPrompter) Secret(string) (secret.String, error) {
	if f.onSecret != nil {
		f.onSecret()
	}
	return secret.New("pw"), nil
}
func (f *recordingPrompter) Select(string, []string) (int, error) { return 0, nil }

func TestRunSetsTheLineOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	env := &Env{Stdout: &buf, Stderr: &buf, StderrTTY: true, Now: time.Now}
	run(t.Context(), []string{"--no-such-flag"}, env)
	if env.line == nil || env.line.w != &buf {
		t.Fatal("run did not give a terminal's stderr its progress line")
	}
	pg, e := startProgress(env, "x")
	defer pg.stop()
	if e == env {
		t.Error("startProgress on a terminal kept the env whose stderr does not erase the line")
	}
}
