package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/samlogin/samlogin/internal/secret"
)

// consoleBrowserWait bounds how long console waits for the browser to ask
// for the redirect page (less when --timeout ends first). Tests shorten it.
var consoleBrowserWait = 2 * time.Minute

// redirectServer hands a sign-in URL to the browser without writing it to
// a file or putting it on a command line (where any local user could read
// it in the process list): it listens on 127.0.0.1, on a random port, and
// answers the first GET of one unguessable path with a page that sends the
// browser on. Every other request, and that path once served, is a 404;
// after the first answer it closes.
type redirectServer struct {
	ln     net.Listener
	srv    *http.Server
	path   string // "/" and 32 random bytes, base64url
	page   secret.String
	once   sync.Once
	served chan struct{}

	mu      sync.Mutex
	refused []int // uids of other users' processes that asked for the page
}

type connKey struct{}

// serveRedirect starts the server for u.
func serveRedirect(u secret.String) (*redirectServer, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("serve the console redirect: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("serve the console redirect: listen on 127.0.0.1: %w", err)
	}
	s := &redirectServer{
		ln:     ln,
		path:   "/" + base64.RawURLEncoding.EncodeToString(b[:]),
		page:   secret.New(redirectPage(u)),
		served: make(chan struct{}),
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context { return context.WithValue(ctx, connKey{}, c) }}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// redirectPage is the page that sends the browser to u: a meta refresh,
// and a link for a browser that does not follow it. No referrer leaves it.
func redirectPage(u secret.String) string {
	q := html.EscapeString(u.Reveal())
	return "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<meta name=\"referrer\" content=\"no-referrer\">\n" +
		"<meta http-equiv=\"refresh\" content=\"0;url=" + q + "\">\n<title>AWS console</title>\n" +
		"<p><a href=\"" + q + "\" rel=\"noreferrer\">Open the AWS console</a></p>\n"
}

// URL is what the browser opener gets: http://127.0.0.1:PORT/RANDOM. It is
// a secret until served: whoever fetches it first gets the sign-in URL.
func (s *redirectServer) URL() secret.String {
	return secret.New("http://" + s.ln.Addr().String() + s.path)
}

func (s *redirectServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != s.path || r.Host != s.ln.Addr().String() {
		http.NotFound(w, r)
		return
	}
	// Where the system says who asked (Linux), another user's process
	// that read the URL off the opener's command line gets nothing.
	if c, ok := r.Context().Value(connKey{}).(net.Conn); ok {
		// root is let through: it can read samlogin's memory anyway, and
		// WSL2 relays the Windows browser's connection as root.
		if uid, ok := peerUID(c.LocalAddr(), c.RemoteAddr()); ok && uid != os.Geteuid() && uid != 0 {
			s.mu.Lock()
			s.refused = append(s.refused, uid)
			s.mu.Unlock()
			http.NotFound(w, r)
			return
		}
	}
	first := false
	s.once.Do(func() { first = true })
	if !first {
		http.NotFound(w, r)
		return
	}
	defer close(s.served)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(s.page.Reveal()))
}

// Wait returns once the page was served, or with an error when the
// browser did not ask for it within consoleBrowserWait, or ctx ended (the
// command's --timeout, Ctrl-C). Either way the server is closed after.
func (s *redirectServer) Wait(ctx context.Context) error {
	defer s.Close()
	t := time.NewTimer(consoleBrowserWait)
	defer t.Stop()
	select {
	case <-s.served:
		return nil
	case <-t.C:
		return fmt.Errorf("the browser did not open the console within %s; use --print", consoleBrowserWait)
	case <-ctx.Done():
		var tc *timeoutCause
		if errors.As(context.Cause(ctx), &tc) {
			return &boundError{fmt.Sprintf("the browser did not open the console within --timeout %s; use --print", tc.d), context.Cause(ctx)}
		}
		return fmt.Errorf("wait for the browser: %w", ctx.Err())
	}
}

// Refused returns the uids of other users' processes that asked for the
// page and were refused (Linux only).
func (s *redirectServer) Refused() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.refused)
}

// Close stops the server: a response being written is finished (bounded),
// then every connection is closed.
func (s *redirectServer) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if s.srv.Shutdown(ctx) != nil {
		_ = s.srv.Close()
	}
}
