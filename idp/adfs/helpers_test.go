package adfs_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

const (
	alice   = `CORP\alice`
	alicePW = "correct horse & battery=staple"
)

var users = map[string]string{alice: alicePW, "bob@corp.example.com": "hunter2"}

// fakePrompt answers from queues and records what was asked.
type fakePrompt struct {
	mu      sync.Mutex
	secrets []string
	inputs  []string
	selects []int
	asked   []string
}

func (f *fakePrompt) Secret(msg string) (secret.String, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, "secret: "+msg)
	if len(f.secrets) == 0 {
		return secret.String{}, fmt.Errorf("%w: test prompter has no more answers for %q", idp.ErrNoPrompt, msg)
	}
	v := f.secrets[0]
	f.secrets = f.secrets[1:]
	return secret.New(v), nil
}

func (f *fakePrompt) Input(msg string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, "input: "+msg)
	if len(f.inputs) == 0 {
		return "", fmt.Errorf("%w: test prompter has no more answers for %q", idp.ErrNoPrompt, msg)
	}
	v := f.inputs[0]
	f.inputs = f.inputs[1:]
	return v, nil
}

func (f *fakePrompt) Select(msg string, options []string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, fmt.Sprintf("select: %s %q", msg, options))
	if len(f.selects) == 0 {
		return 0, fmt.Errorf("%w: test prompter has no more answers for %q", idp.ErrNoPrompt, msg)
	}
	v := f.selects[0]
	f.selects = f.selects[1:]
	return v, nil
}

func (f *fakePrompt) Asked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.asked...)
}

// stepClock moves on by step every time it is read: a push poll loop sees
// minutes pass without anyone sleeping.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// statusLog records the Status lines.
type statusLog struct {
	mu    sync.Mutex
	lines []string
}

func (s *statusLog) Say(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lines = append(s.lines, msg)
}

func (s *statusLog) Lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lines...)
}

type env struct {
	srv    *idptest.ADFS
	drv    *adfs.Driver
	prompt *fakePrompt
	status *statusLog
}

type envOptions struct {
	prompt  *fakePrompt
	now     func() time.Time
	log     *slog.Logger
	client  *http.Client
	rp      string
	noCABun bool
}

// newEnv starts an idptest ADFS and a driver with a real client for it.
func newEnv(t *testing.T, o idptest.ADFSOptions, eo envOptions) *env {
	t.Helper()
	if o.Users == nil {
		o.Users = users
	}
	srv := idptest.NewADFS(t, o)
	e := &env{srv: srv, prompt: eo.prompt, status: &statusLog{}}
	if e.prompt == nil {
		e.prompt = &fakePrompt{}
	}
	client := eo.client
	if client == nil {
		ho := idp.HTTPOptions{Log: eo.log}
		if o.TLS && !eo.noCABun {
			ho.CABundle = srv.CACertFile()
		}
		var err error
		client, err = idp.NewHTTPClient(ho)
		if err != nil {
			t.Fatal(err)
		}
	}
	log := eo.log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	host := srv.Host()
	if !o.TLS {
		host = srv.URL() // http://127.0.0.1:port: plain http only as a URL
	}
	drv, err := adfs.New(adfs.Config{Host: host, LoginToRP: eo.rp, PollInterval: time.Millisecond}, idp.Deps{
		Client: client,
		Prompt: e.prompt,
		Log:    log,
		Now:    eo.now,
		Status: e.status.Say,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.drv = drv
	return e
}

// formPosts returns the requests that carried field name.
func formPosts(reqs []idptest.Recorded, name string) []idptest.Recorded {
	var out []idptest.Recorded
	for _, r := range reqs {
		if _, ok := r.Value(name); ok {
			out = append(out, r)
		}
	}
	return out
}
