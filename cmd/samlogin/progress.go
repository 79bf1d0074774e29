package main

import (
	"cmp"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
)

// progressWidth bounds the progress line, so that it never wraps (a
// wrapped line cannot be erased with \r) on an 80-column terminal.
const progressWidth = 79

// termLine is the one progress line of the terminal behind stderr. Every
// write to stderr made through an erasingWriter erases it first, so it never
// mixes with other output.
type termLine struct {
	mu    sync.Mutex
	w     io.Writer // the terminal
	width int       // of the line on screen; 0: none
}

// show replaces the line with s.
func (l *termLine) show(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	pad := ""
	if n := l.width - len(s); n > 0 {
		pad = strings.Repeat(" ", n) // the end of a longer line before
	}
	fmt.Fprint(l.w, "\r"+s+pad)
	l.width = len(s)
}

// erase removes the line, if one is shown.
func (l *termLine) erase() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.eraseLocked()
}

func (l *termLine) eraseLocked() {
	if l.width > 0 {
		fmt.Fprint(l.w, "\r"+strings.Repeat(" ", l.width)+"\r")
		l.width = 0
	}
}

// erasingWriter writes to w after erasing the progress line.
type erasingWriter struct {
	line *termLine
	w    io.Writer
}

func (e erasingWriter) Write(p []byte) (int, error) {
	e.line.mu.Lock()
	defer e.line.mu.Unlock()
	e.line.eraseLocked()
	return e.w.Write(p)
}

// progress shows, while samlogin waits on the network, what it waits for and
// for how long, on one line of the terminal rewritten every second:
//
//	samlogin: waiting for STS at sts.eu-west-1.amazonaws.com... 3s
//
// The first second shows nothing, so fast calls do not flicker. When stderr
// is not a terminal, it shows nothing at all.
type progress struct {
	line *termLine // nil: not a terminal
	what string
	now  func() time.Time
	// ticker returns a channel that ticks every second and its stop.
	ticker func() (<-chan time.Time, func())

	mu   sync.Mutex
	quit chan struct{} // nil: not running
	done chan struct{}
}

// startProgress starts showing that samlogin waits for what ("STS at
// sts.amazonaws.com"). It returns the progress, whose stop ends it, and a
// copy of env whose Stderr erases the line before any other output: use it
// for everything written during the wait.
func startProgress(env *Env, what string) (*progress, *Env) {
	if !env.StderrTTY || env.line == nil {
		return &progress{}, env
	}
	e := *env
	e.Stderr = erasingWriter{line: env.line, w: env.Stderr}
	p := &progress{line: env.line, what: what, now: env.Now, ticker: secondTicker}
	p.start()
	return p, &e
}

func secondTicker() (<-chan time.Time, func()) {
	t := time.NewTicker(time.Second)
	return t.C, t.Stop
}

// start shows the line again from 0s (after stop); it does nothing when the
// progress is running or shows nothing.
func (p *progress) start() {
	if p == nil || p.line == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.quit != nil {
		return
	}
	p.quit, p.done = make(chan struct{}), make(chan struct{})
	tick, stopTicker := p.ticker()
	began := p.now()
	go func(quit, done chan struct{}) {
		defer close(done)
		defer stopTicker()
		for {
			select {
			case <-quit:
				return
			case <-tick:
				p.line.show(progressText(p.what, p.now().Sub(began)))
			}
		}
	}(p.quit, p.done)
}

// stop ends the line and erases it; it returns once nothing more will be
// drawn. start shows it again.
func (p *progress) stop() {
	if p == nil || p.line == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.quit == nil {
		return
	}
	close(p.quit)
	<-p.done
	p.quit, p.done = nil, nil
	p.line.erase()
}

// progressText is the line: what is waited for and the whole seconds
// elapsed, cut to progressWidth.
func progressText(what string, elapsed time.Duration) string {
	tail := "... " + elapsed.Truncate(time.Second).String()
	head := "samlogin: waiting for " + what
	if over := len(head) + len(tail) - progressWidth; over > 0 {
		head = head[:max(len(head)-over-1, 0)] + "~"
	}
	return head + tail
}

// pausing wraps a prompter so that the progress line is gone while a
// question is on the screen (a driver may ask for a password or a code in
// the middle of a sign-in), and comes back after.
func (p *progress) pausing(pr idp.Prompter) idp.Prompter {
	if p == nil || p.line == nil || pr == nil {
		return pr
	}
	return pausingPrompter{p: p, pr: pr}
}

type pausingPrompter struct {
	p  *progress
	pr idp.Prompter
}

func (q pausingPrompter) Input(message string) (string, error) {
	q.p.stop()
	defer q.p.start()
	return q.pr.Input(message)
}

func (q pausingPrompter) Secret(message string) (secret.String, error) {
	q.p.stop()
	defer q.p.start()
	return q.pr.Secret(message)
}

func (q pausingPrompter) Select(message string, options []string) (int, error) {
	q.p.stop()
	defer q.p.start()
	return q.pr.Select(message, options)
}

// hostOf is the host of a URL, or s itself when it is none (an ADFS host).
func hostOf(s string) string {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		return u.Host
	}
	return s
}

// stsProgress starts the progress of an STS call for role and returns a copy
// of f that writes through it, and its stop.
func (f *flow) stsProgress(role assertion.Role) (*flow, func()) {
	if !f.env.StderrTTY || f.env.line == nil {
		return f, func() {}
	}
	ep := cmp.Or(f.sts.url, awsconfig.STSEndpoint(role.Partition, stsRegion(f.lo.region, role.Partition, f.env)))
	pg, env := startProgress(f.env, "STS at "+hostOf(ep))
	g := *f
	g.env = env
	return &g, pg.stop
}

// federationHost is the host of the federation endpoint console calls.
func federationHost(override, partition string) string {
	return hostOf(cmp.Or(override, awsconfig.FederationURL(partition)))
}
