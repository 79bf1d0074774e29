package onelogin

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
)

// Steps, as they appear in errors ("onelogin: get access token: ...").
const (
	stepToken  = "get access token"
	stepLogin  = "submit username and password"
	stepChoose = "choose MFA device"
	stepCode   = "verify code"
	stepSMS    = "send SMS code"
	stepPush   = "wait for approval"
)

// Defaults.
const (
	DefaultPollInterval = time.Second     // OneLogin asks for at least a second between polls
	DefaultMFATimeout   = 2 * time.Minute // when LoginInput.MFATimeout is 0
	maxRateWait         = time.Minute     // one wait for a 429 at most this long
	maxRateRetries      = 3
)

// APIURL returns OneLogin's API host for a region: "us" (or "") and "eu".
func APIURL(region string) (string, error) {
	switch strings.ToLower(region) {
	case "", "us":
		return "https://api.us.onelogin.com", nil
	case "eu":
		return "https://api.eu.onelogin.com", nil
	}
	return "", fmt.Errorf("onelogin: region %q: use us or eu", region)
}

// Config says where and as which API client to sign in.
type Config struct {
	// APIURL is the API host: https://api.us.onelogin.com, or a custom one.
	// Plain http is accepted only to a loopback address.
	APIURL       string
	Subdomain    string // the OneLogin account: corp for corp.onelogin.com
	AppID        string // the AWS app's id in OneLogin
	ClientID     string // API credentials with the Authentication Only scope
	ClientSecret secret.String
	// PollInterval is the pause between polls of a push; values under
	// DefaultPollInterval are raised to it.
	PollInterval time.Duration
	// Tokens, when set, keeps the access token between runs.
	Tokens TokenCache
}

// TokenCache keeps an access token for a client id. Get returns the zero
// secret when none is kept; the driver does not use a token within a
// minute of its expiry.
type TokenCache interface {
	Get(clientID string) (tok secret.String, expires time.Time)
	Put(clientID string, tok secret.String, expires time.Time)
}

// Driver signs in at OneLogin. It implements idp.Driver.
type Driver struct {
	cfg   Config
	deps  idp.Deps
	base  *url.URL
	sleep func(ctx context.Context, d time.Duration) error
}

var _ idp.Driver = (*Driver)(nil)

// ErrSetting is matched by a *SettingError: a setting OneLogin does not
// know (subdomain, app id, API credentials). Exit 1.
var ErrSetting = errors.New("onelogin: a setting is wrong")

// SettingError names the setting OneLogin refused.
type SettingError struct {
	Setting string // "subdomain", "app id", "client id", "api url"
	Step    string
	Message string // OneLogin's words
}

func (e *SettingError) Error() string {
	return fmt.Sprintf("onelogin: %s: OneLogin refused the %s: %s", e.Step, e.Setting, idp.CleanText(e.Message))
}
func (e *SettingError) Is(t error) bool { return t == ErrSetting }

// ErrIPRestricted: a OneLogin policy refuses API sign-ins from this
// address (401 "... not allowed ... from your current IP address").
var ErrIPRestricted = errors.New("OneLogin does not allow this sign-in from your current IP address")

// errTokenRefused: OneLogin refused the access token itself (401
// "Unauthorized", no word of the user's credentials): the request was not
// judged, so it is not a rejected password.
var errTokenRefused = errors.New("OneLogin refused the API access token")

// ErrStateExpired: the state token of the MFA step is no longer valid
// (the flow starts over once, unless a code was given up front).
var ErrStateExpired = errStateExpired

// errStateExpired: the state token of the MFA step is no longer valid.
var errStateExpired = errors.New("the MFA state token expired")

// New validates cfg and returns a driver that uses deps for HTTP, prompts,
// logging, the clock and status lines.
func New(cfg Config, deps idp.Deps) (*Driver, error) {
	if cfg.APIURL == "" {
		cfg.APIURL, _ = APIURL("us")
	}
	raw := cfg.APIURL
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("onelogin: API URL %q: not a URL", cfg.APIURL)
	}
	if err := idp.CheckURL(u); err != nil {
		return nil, fmt.Errorf("onelogin: API URL: %w", err)
	}
	u = &url.URL{Scheme: u.Scheme, Host: u.Host}
	switch {
	case cfg.Subdomain == "":
		return nil, errors.New("onelogin: no subdomain: give --onelogin-subdomain")
	case cfg.AppID == "":
		return nil, errors.New("onelogin: no app id: give --onelogin-app-id")
	case cfg.ClientID == "":
		return nil, errors.New("onelogin: no API client id: give --onelogin-client-id")
	case cfg.ClientSecret.Empty():
		return nil, errors.New("onelogin: no API client secret: set SAMLOGIN_ONELOGIN_CLIENT_SECRET or give --onelogin-client-secret-command")
	}
	if cfg.PollInterval < DefaultPollInterval {
		cfg.PollInterval = DefaultPollInterval
	}
	deps, err = deps.Complete("onelogin")
	if err != nil {
		return nil, err
	}
	return &Driver{cfg: cfg, deps: deps, base: u, sleep: sleep}, nil
}

// Host is the API host the driver talks to.
func (d *Driver) Host() string { return d.base.Host }

// Login implements idp.Driver.
func (d *Driver) Login(ctx context.Context, in idp.LoginInput) (secret.String, error) {
	tok, cached, err := d.token(ctx, false)
	if err != nil {
		return secret.String{}, err
	}
	user := in.Username
	if user == "" {
		if user, err = d.deps.Prompt.Input("OneLogin username or email"); err != nil {
			return secret.String{}, err
		}
	}
	pw, err := in.LazyPassword(ctx)
	if err != nil {
		return secret.String{}, err
	}
	if pw.Empty() {
		if pw, err = d.deps.Prompt.Secret("OneLogin password for " + user); err != nil {
			return secret.String{}, err
		}
	}
	codeUsed := false
	for attempt := 0; ; attempt++ {
		var r response
		err := d.call(ctx, stepLogin, "/api/2/saml_assertion", tok, map[string]any{
			"username_or_email": user,
			"password":          pw.Reveal(),
			"app_id":            d.cfg.AppID,
			"subdomain":         d.cfg.Subdomain,
		}, &r)
		if errors.Is(err, errTokenRefused) && cached {
			// A kept token OneLogin no longer takes (revoked, rotated
			// credentials): the password was not judged; a fresh token.
			d.deps.Log.Debug("onelogin: the cached access token was refused; getting a new one")
			cached = false
			if tok, _, err = d.token(ctx, true); err != nil {
				return secret.String{}, err
			}
			attempt--
			continue
		}
		if err != nil {
			return secret.String{}, err
		}
		if r.Data != "" {
			return samlOf(stepLogin, r.Data)
		}
		if r.StateToken == "" {
			return secret.String{}, fmt.Errorf("onelogin: %s: neither a SAMLResponse nor an MFA step in the answer (message %q)", stepLogin, idp.CleanText(r.Message))
		}
		saml, err := d.mfa(ctx, tok, r, in, &codeUsed)
		if errors.Is(err, errStateExpired) && attempt == 0 && !codeUsed {
			// The password was accepted; only the MFA step timed out.
			d.deps.Say("the OneLogin MFA step expired; starting over")
			continue
		}
		return saml, err
	}
}

// device is one entry of "devices" in an MFA-required answer.
type device struct {
	ID   json.Number `json:"device_id"`
	Type string      `json:"device_type"`
}

func (v device) isPush() bool { return strings.Contains(strings.ToLower(v.Type), "protect") }
func (v device) isSMS() bool  { return strings.Contains(strings.ToLower(v.Type), "sms") }

// response is the union of OneLogin's answers: success ("data"), MFA
// required (state_token, devices) and errors (v2 "statusCode/name/message",
// v1 "status").
type response struct {
	Data       string          `json:"-"`
	RawData    json.RawMessage `json:"data"`
	Message    string          `json:"message"`
	StateToken string          `json:"state_token"`
	Devices    []device        `json:"devices"`
	StatusCode int             `json:"statusCode"`
	Name       string          `json:"name"`
	Status     *struct {
		Error   bool   `json:"error"`
		Code    int    `json:"code"`
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"status"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
}

func (r *response) text() string {
	if r.Message != "" {
		return r.Message
	}
	if r.Status != nil {
		return r.Status.Message
	}
	return r.Name
}

// token returns an access token: the cached one unless fresh is set (then
// the cache is dropped), else a new one; cached says which.
func (d *Driver) token(ctx context.Context, fresh bool) (tok string, cached bool, err error) {
	now := d.deps.Now()
	if d.cfg.Tokens != nil && fresh {
		d.cfg.Tokens.Put(d.cfg.ClientID, secret.String{}, time.Time{})
	}
	if d.cfg.Tokens != nil && !fresh {
		if t, exp := d.cfg.Tokens.Get(d.cfg.ClientID); !t.Empty() && now.Add(time.Minute).Before(exp) {
			d.deps.Log.Debug("onelogin: access token from the cache")
			return t.Reveal(), true, nil
		}
	}
	var r response
	if err := d.call(ctx, stepToken, "/auth/oauth2/v2/token", "", map[string]any{
		"grant_type":    "client_credentials",
		"client_id":     d.cfg.ClientID,
		"client_secret": d.cfg.ClientSecret.Reveal(),
	}, &r); err != nil {
		return "", false, err
	}
	if r.AccessToken == "" {
		return "", false, fmt.Errorf("onelogin: %s: no access_token in the answer", stepToken)
	}
	if d.cfg.Tokens != nil && r.ExpiresIn > 0 {
		d.cfg.Tokens.Put(d.cfg.ClientID, secret.New(r.AccessToken), now.Add(time.Duration(r.ExpiresIn)*time.Second))
	}
	return r.AccessToken, false, nil
}

func (d *Driver) mfa(ctx context.Context, tok string, r response, in idp.LoginInput, codeUsed *bool) (secret.String, error) {
	dev, err := d.choose(r.Devices, in.MFAMethod)
	if err != nil {
		return secret.String{}, err
	}
	state := r.StateToken
	verify := func(step string, body map[string]any) (response, error) {
		body["app_id"] = d.cfg.AppID
		body["device_id"] = dev.ID.String()
		body["state_token"] = state
		var v response
		err := d.call(ctx, step, "/api/2/saml_assertion/verify_factor", tok, body, &v)
		return v, err
	}
	code := in.MFACode
	switch {
	case dev.isPush() && code.Empty():
		return d.push(ctx, dev, in, verify)
	case dev.isSMS():
		// The first call sends the SMS; the code comes after it (a code
		// given up front is used for it, as a script that reads it from
		// elsewhere would).
		v, err := verify(stepSMS, map[string]any{})
		if err != nil {
			return secret.String{}, err
		}
		if v.Data != "" {
			return samlOf(stepSMS, v.Data)
		}
		d.deps.Say("OneLogin sent a code by SMS (%s)", dev.Type)
	}
	if code.Empty() {
		if code, err = d.deps.Prompt.Secret("Code from " + dev.Type); err != nil {
			return secret.String{}, err
		}
	} else {
		*codeUsed = true // a code given up front is tried once, never resent
	}
	v, err := verify(stepCode, map[string]any{"otp_token": code.Reveal()})
	if err != nil {
		return secret.String{}, err
	}
	if v.Data == "" {
		return secret.String{}, fmt.Errorf("onelogin: %s: no SAMLResponse in the answer (message %q)", stepCode, idp.CleanText(v.text()))
	}
	return samlOf(stepCode, v.Data)
}

func (d *Driver) push(ctx context.Context, dev device, in idp.LoginInput, verify func(string, map[string]any) (response, error)) (secret.String, error) {
	timeout := in.MFATimeout
	if timeout <= 0 {
		timeout = DefaultMFATimeout
	}
	deadline := d.deps.Now().Add(timeout)
	body := map[string]any{} // the first call sends the push
	for poll := 0; ; poll++ {
		v, err := verify(stepPush, body)
		if err != nil {
			return secret.String{}, err
		}
		if v.Data != "" {
			return samlOf(stepPush, v.Data)
		}
		if poll == 0 {
			d.deps.Say("approve the sign-in on your phone (%s)", dev.Type)
		}
		body = map[string]any{"do_not_notify": true}
		if !d.deps.Now().Before(deadline) {
			return secret.String{}, fmt.Errorf("onelogin: %s: %w (%s, %d polls)", stepPush, idp.ErrMFATimeout, timeout, poll+1)
		}
		if err := d.sleep(ctx, d.cfg.PollInterval); err != nil {
			return secret.String{}, fmt.Errorf("onelogin: %s: %w", stepPush, err)
		}
	}
}

// choose picks the device named by method (type, or id), else the only
// one, else asks.
func (d *Driver) choose(devs []device, method string) (device, error) {
	if len(devs) == 0 {
		return device{}, fmt.Errorf("onelogin: %s: MFA is required but no device is listed: %w", stepChoose, idp.ErrUnsupportedMFA)
	}
	names := make([]string, len(devs))
	for i, v := range devs {
		names[i] = idp.CleanText(v.Type)
	}
	if method != "" {
		m := strings.ToLower(method)
		for _, v := range devs {
			if strings.ToLower(v.Type) == m || v.ID.String() == method {
				return v, nil
			}
		}
		var hit []device
		for _, v := range devs {
			if strings.Contains(strings.ToLower(v.Type), m) {
				hit = append(hit, v)
			}
		}
		if len(hit) == 1 {
			return hit[0], nil
		}
		return device{}, &idp.InputError{Msg: fmt.Sprintf("onelogin: %s: --mfa-method %q fits %d of the devices: %s", stepChoose, method, len(hit), strings.Join(names, ", "))}
	}
	if len(devs) == 1 {
		return devs[0], nil
	}
	i, err := d.deps.Prompt.Select("MFA device", names)
	if err != nil {
		return device{}, err
	}
	if i < 0 || i >= len(devs) {
		return device{}, fmt.Errorf("onelogin: %s: no device %d", stepChoose, i)
	}
	return devs[i], nil
}

func samlOf(step, data string) (secret.String, error) {
	if _, err := base64.StdEncoding.DecodeString(data); err != nil {
		return secret.String{}, fmt.Errorf("onelogin: %s: the SAMLResponse is not base64", step)
	}
	return secret.New(data), nil
}

// call POSTs body as JSON to path on the API host and decodes the answer
// into r; it waits out a 429 (bounded by ctx) and turns the other errors
// into typed ones.
func (d *Driver) call(ctx context.Context, step, path, tok string, body map[string]any, r *response) error {
	buf, err := json.Marshal(body)
	if err != nil {
		return err
	}
	u := d.base.JoinPath(path)
	for try := 0; ; try++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(buf))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := d.deps.Client.Do(req)
		if err != nil {
			return fmt.Errorf("onelogin: %s: %w", step, err)
		}
		raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("onelogin: %s: read the answer: %w", step, err)
		}
		*r = response{}
		jsonErr := json.Unmarshal(raw, r)
		if jsonErr == nil && len(r.RawData) > 0 {
			// "data" is the SAMLResponse string (v2), or a list of
			// objects in older answers; only a string is a SAMLResponse.
			var s string
			if json.Unmarshal(r.RawData, &s) == nil {
				r.Data = s
			}
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			wait := retryAfter(resp.Header, d.deps.Now())
			if try >= maxRateRetries {
				return fmt.Errorf("onelogin: %s: OneLogin rate limited the API client (429) %d times", step, try+1)
			}
			d.deps.Say("OneLogin rate limited the API client (429); waiting %s", wait)
			if err := d.sleep(ctx, wait); err != nil {
				return fmt.Errorf("onelogin: %s: waiting out the rate limit: %w", step, err)
			}
			continue
		}
		if resp.StatusCode >= 500 {
			return fmt.Errorf("onelogin: %s: OneLogin answered %s%s", step, resp.Status, quoted(r.text()))
		}
		if jsonErr != nil {
			return fmt.Errorf("onelogin: %s: answer %s is not JSON", step, resp.Status)
		}
		if resp.StatusCode >= 300 || (r.Status != nil && r.Status.Error) {
			return d.classify(step, resp.StatusCode, r.text())
		}
		return nil
	}
}

func quoted(s string) string {
	if s == "" {
		return ""
	}
	return ": " + idp.CleanText(s)
}

// classify turns an error answer into a typed error.
func (d *Driver) classify(step string, status int, msg string) error {
	low := strings.ToLower(msg)
	switch {
	case strings.Contains(low, "ip address"):
		return fmt.Errorf("onelogin: %s: %w (%d%s)", step, ErrIPRestricted, status, quoted(msg))
	case step == stepToken:
		// (before the token check below: here the credentials are refused)
		return &SettingError{Setting: "API credentials (client id " + d.cfg.ClientID + ")", Step: step, Message: fmt.Sprintf("%d %s", status, msg)}
	case status == http.StatusUnauthorized && (low == "" || low == "unauthorized"):
		return fmt.Errorf("onelogin: %s: %w (401)", step, errTokenRefused)
	case strings.Contains(low, "subdomain"):
		return &SettingError{Setting: "subdomain " + strconv.Quote(d.cfg.Subdomain), Step: step, Message: msg}
	case strings.Contains(low, "app_id") || strings.Contains(low, "app id") || strings.Contains(low, "application") || status == http.StatusNotFound:
		return &SettingError{Setting: "app id " + strconv.Quote(d.cfg.AppID), Step: step, Message: msg}
	case strings.Contains(low, "state token") || strings.Contains(low, "state_token"):
		return fmt.Errorf("onelogin: %s: %w: %s", step, errStateExpired, idp.CleanText(msg))
	case status == http.StatusUnauthorized && step == stepLogin:
		return &idp.RejectedError{Kind: idp.ErrRejected, Message: msg}
	case status == http.StatusUnauthorized || status == http.StatusBadRequest && step != stepLogin:
		return &idp.RejectedError{Kind: idp.ErrMFARejected, Message: msg}
	}
	return fmt.Errorf("onelogin: %s: OneLogin answered %d%s", step, status, quoted(msg))
}

// retryAfter reads Retry-After (seconds or a date) or OneLogin's
// X-RateLimit-Reset (seconds); 10 s when neither says, at most maxRateWait.
func retryAfter(h http.Header, now time.Time) time.Duration {
	wait := 10 * time.Second
	for _, k := range []string{"Retry-After", "X-RateLimit-Reset"} {
		v := h.Get(k)
		if v == "" {
			continue
		}
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			wait = time.Duration(n) * time.Second
			break
		}
		if t, err := http.ParseTime(v); err == nil {
			wait = t.Sub(now)
			break
		}
	}
	return min(max(wait, time.Second), maxRateWait)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
