package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// attachTimeout bounds the question to the browser's /json/version.
const attachTimeout = 10 * time.Second

// resolveAttach returns the browser's DevTools websocket address for an
// --browser-url: a ws://.../devtools/browser/... address as it is, or the
// one /json/version names at http://HOST:PORT (asked here, with no proxy,
// a bound and a size limit, rather than by chromedp). The address given
// was checked by New; the one answered must be on this machine too, and
// the answer must name the same host and port: a DevTools socket is full
// control of a browser.
func resolveAttach(ctx context.Context, raw string) (string, error) {
	u, err := url.Parse(raw) // checked by New (CheckAttachURL)
	if err != nil {
		return "", err
	}
	if u.Scheme == "ws" && strings.HasPrefix(u.Path, "/devtools/browser/") {
		return raw, nil
	}
	version := (&url.URL{Scheme: "http", Host: u.Host, Path: "/json/version"}).String()
	ctx, cancel := context.WithTimeout(ctx, attachTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, version, nil)
	if err != nil {
		return "", fmt.Errorf("browser: %w: --browser-url %s: %v", ErrStart, raw, err)
	}
	client := &http.Client{
		Transport:     &http.Transport{Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("browser: %w: nothing answers at %s; start the browser with --remote-debugging-port=%s", ErrStart, u.Host, u.Port())
	}
	defer resp.Body.Close()
	var v struct {
		WS string `json:"webSocketDebuggerUrl"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&v) != nil || v.WS == "" {
		return "", fmt.Errorf("browser: %w: %s does not answer as a browser's DevTools (%s); start the browser with --remote-debugging-port=%s", ErrStart, u.Host, resp.Status, u.Port())
	}
	wu, err := url.Parse(v.WS)
	if err != nil || wu.Scheme != "ws" || CheckAttachURL(v.WS) != nil || wu.Port() != u.Port() {
		return "", fmt.Errorf("browser: %w: the DevTools at %s names another address for its browser; samlogin attaches only to %s", ErrStart, u.Host, u.Host)
	}
	return v.WS, nil
}
