package idptest

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// OneLogin answers for a OneLogin API look-alike (version 2): what the
// user's second factor is and how the scripted failures go.
type OneLoginOptions struct {
	ClientID, ClientSecret string
	Subdomain, AppID       string
	Username, Password     string
	// Devices are the user's MFA devices by device_type ("Google
	// Authenticator", "OneLogin Protect", "OneLogin SMS"); none: no MFA.
	Devices []string
	// Code is the right one-time code for every device.
	Code string
	// PushPolls is how many verify calls of a push (the first, which
	// sends it, included) answer "pending" before the approval; negative:
	// never approved. Counted per state token.
	PushPolls int
	// PushDenied: the push is denied on the phone.
	PushDenied bool
	// ExpireState: the first state token is expired when it is verified.
	ExpireState bool
	// IPRestricted: saml_assertion answers 401 "not allowed ... IP".
	IPRestricted bool
	// RateLimit answers the first RateLimit requests with 429.
	RateLimit int
	// Fail5xx answers every request with 503.
	Fail5xx bool
	// TLS serves https (see CACertFile of the ADFS server for the shape).
	TLS bool
	// SAMLResponse returns the base64 SAMLResponse issued to user; nil:
	// FakeSAMLResponse.
	SAMLResponse func(user string) string
}

// OneLogin is an in-process OneLogin API. It checks what the client sent:
// the paths, the method, Content-Type: application/json, the Bearer token
// of the access token it issued, the JSON fields, and that no secret is in
// the URL.
type OneLogin struct {
	o   OneLoginOptions
	t   testing.TB
	srv *httptest.Server

	mu     sync.Mutex
	reqs   []string
	states map[string]*olState
	nstate int
	seen   int
}

type olState struct {
	expired bool
	smsSent bool
	pushed  bool
	polls   int // verify calls of a push, the first (which sends it) too
}

const oneLoginToken = "ol-access-token-7f3a"

// NewOneLogin starts a OneLogin API on 127.0.0.1; t.Cleanup closes it.
func NewOneLogin(t testing.TB, o OneLoginOptions) *OneLogin {
	if o.SAMLResponse == nil {
		o.SAMLResponse = FakeSAMLResponse
	}
	s := &OneLogin{o: o, t: t, states: map[string]*olState{}}
	if o.TLS {
		s.srv = httptest.NewTLSServer(s)
	} else {
		s.srv = httptest.NewServer(s)
	}
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the API host.
func (s *OneLogin) URL() string { return s.srv.URL }

// Server is the underlying httptest server (its certificate, for TLS).
func (s *OneLogin) Server() *httptest.Server { return s.srv }

// CACertFile writes the TLS server's certificate as PEM in a temporary
// folder and returns its path (--ca-bundle, HTTPOptions.CABundle).
func (s *OneLogin) CACertFile() string {
	s.t.Helper()
	if !s.o.TLS {
		s.t.Fatal("idptest: CACertFile on a OneLogin server without TLS")
	}
	p := filepath.Join(testtmp.Dir(s.t), "onelogin-ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
	if err := os.WriteFile(p, data, 0o600); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// Requests are "POST /path {sorted JSON field names}" in the order
// received; do_not_notify is shown with its value.
func (s *OneLogin) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

func olJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// olError is the v2 error shape.
func olError(w http.ResponseWriter, status int, name, msg string) {
	olJSON(w, status, map[string]any{"statusCode": status, "name": name, "message": msg})
}

func (s *OneLogin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var body map[string]any
	bad := ""
	if r.Method != http.MethodPost {
		bad = "method " + r.Method
	} else if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		bad = "content type " + ct
	} else if r.URL.RawQuery != "" {
		bad = "a query string"
	} else if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		bad = "body: " + err.Error()
	}
	keys := make([]string, 0, len(body))
	for k, v := range body {
		if k == "do_not_notify" {
			k = fmt.Sprintf("do_not_notify=%v", v)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s.reqs = append(s.reqs, r.Method+" "+r.URL.Path+" {"+strings.Join(keys, ",")+"}")
	if bad != "" {
		s.t.Errorf("idptest onelogin: %s %s: %s", r.Method, r.URL.Path, bad)
		olError(w, 400, "BadRequest", bad)
		return
	}
	s.seen++
	if s.seen <= s.o.RateLimit {
		w.Header().Set("Retry-After", "1")
		olError(w, http.StatusTooManyRequests, "TooManyRequests", "Rate limit exceeded")
		return
	}
	if s.o.Fail5xx {
		olError(w, http.StatusServiceUnavailable, "ServiceUnavailable", "Service Unavailable")
		return
	}
	str := func(k string) string { v, _ := body[k].(string); return v }
	if r.URL.Path == "/auth/oauth2/v2/token" {
		if str("grant_type") != "client_credentials" || str("client_id") != s.o.ClientID || str("client_secret") != s.o.ClientSecret {
			olError(w, http.StatusUnauthorized, "Unauthorized", "Authentication Failure")
			return
		}
		olJSON(w, 200, map[string]any{"access_token": oneLoginToken, "created_at": "2026-11-26T05:00:00.000Z",
			"expires_in": 36000, "refresh_token": "", "token_type": "bearer", "account_id": 555555})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+oneLoginToken {
		// OneLogin's answer to a missing, expired or revoked token.
		olJSON(w, http.StatusUnauthorized, map[string]any{"statusCode": 401, "message": "Unauthorized", "name": "UnauthorizedError"})
		return
	}
	switch r.URL.Path {
	case "/api/2/saml_assertion":
		s.assertion(w, str)
	case "/api/2/saml_assertion/verify_factor":
		s.verify(w, body, str)
	default:
		olError(w, http.StatusNotFound, "NotFound", "Not Found")
	}
}

func (s *OneLogin) assertion(w http.ResponseWriter, str func(string) string) {
	switch {
	case str("subdomain") != s.o.Subdomain:
		olError(w, http.StatusBadRequest, "BadRequest", "Invalid subdomain")
	case str("app_id") != s.o.AppID:
		olError(w, http.StatusNotFound, "NotFound", "Invalid app_id")
	case s.o.IPRestricted:
		olError(w, http.StatusUnauthorized, "Unauthorized", "Authentication Failed: You are not allowed to access this application from your current IP address")
	case str("username_or_email") != s.o.Username || str("password") != s.o.Password:
		olError(w, http.StatusUnauthorized, "Unauthorized", "Authentication Failed: Invalid user credentials")
	case len(s.o.Devices) == 0:
		olJSON(w, 200, map[string]any{"data": s.o.SAMLResponse(s.o.Username), "message": "Success"})
	default:
		s.nstate++
		tok := fmt.Sprintf("state-%d-5f1c", s.nstate)
		s.states[tok] = &olState{expired: s.o.ExpireState && s.nstate == 1}
		devs := make([]map[string]any, len(s.o.Devices))
		for i, d := range s.o.Devices {
			devs[i] = map[string]any{"device_id": 666000 + i, "device_type": d}
		}
		olJSON(w, 200, map[string]any{"state_token": tok, "message": "MFA is required for this user",
			"devices": devs, "callback_url": s.srv.URL + "/api/2/saml_assertion/verify_factor",
			"user": map[string]any{"id": 88888, "username": s.o.Username, "email": s.o.Username}})
	}
}

func (s *OneLogin) verify(w http.ResponseWriter, body map[string]any, str func(string) string) {
	st := s.states[str("state_token")]
	if str("app_id") != s.o.AppID {
		olError(w, http.StatusNotFound, "NotFound", "Invalid app_id")
		return
	}
	if st == nil || st.expired {
		olError(w, http.StatusUnauthorized, "Unauthorized", "Invalid State Token")
		return
	}
	var id int
	if _, err := fmt.Sscanf(str("device_id"), "%d", &id); err != nil || id < 666000 || id >= 666000+len(s.o.Devices) {
		olError(w, http.StatusBadRequest, "BadRequest", "Invalid device_id")
		return
	}
	kind := strings.ToLower(s.o.Devices[id-666000])
	otp, hasOTP := body["otp_token"].(string)
	success := func() {
		olJSON(w, 200, map[string]any{"data": s.o.SAMLResponse(s.o.Username), "message": "Success"})
	}
	switch {
	case strings.Contains(kind, "protect") && !hasOTP:
		if dnn, _ := body["do_not_notify"].(bool); !st.pushed && dnn {
			s.t.Errorf("idptest onelogin: a poll with do_not_notify before the push was sent")
		} else if st.pushed && !dnn {
			s.t.Errorf("idptest onelogin: a second push sent (poll without do_not_notify)")
		}
		st.pushed = true
		st.polls++
		switch {
		case s.o.PushDenied && st.polls > 1:
			olError(w, http.StatusUnauthorized, "Unauthorized", "Authentication denied on OneLogin Protect")
		case s.o.PushPolls < 0 || st.polls <= s.o.PushPolls:
			olJSON(w, 200, map[string]any{"data": nil, "message": "Authentication pending on OL Protect"})
		default:
			success()
		}
	case strings.Contains(kind, "sms") && !hasOTP:
		st.smsSent = true
		olJSON(w, 200, map[string]any{"data": nil, "message": "SMS token sent"})
	case !hasOTP || otp == "":
		olError(w, http.StatusBadRequest, "BadRequest", "otp_token is required")
	case strings.Contains(kind, "sms") && !st.smsSent:
		olError(w, http.StatusUnauthorized, "Unauthorized", "Failed authentication with this factor")
	case otp != s.o.Code:
		olError(w, http.StatusUnauthorized, "Unauthorized", "Failed authentication with this factor")
	default:
		success()
	}
}
