package ststest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Federation is a test federation endpoint (signin.aws.amazon.com/federation)
// for getSigninToken. It checks what the client sent (GET, Action, a Session
// JSON with exactly sessionId, sessionKey and sessionToken, a
// SessionDuration in 900..43200, and 3600 at most when Chained says the
// credentials come from a chained role), records every request and answers
// {"SigninToken": Token}. It listens on 127.0.0.1 only.
type Federation struct {
	srv *httptest.Server
	t   testing.TB
	// Chained reports whether the credentials with this access key came
	// from role chaining (AWS refuses a SessionDuration above one hour for
	// those). nil: none did.
	Chained func(accessKeyID string) bool

	mu   sync.Mutex
	reqs []FederationRequest
}

// FederationRequest is one getSigninToken call as the server saw it.
type FederationRequest struct {
	Method          string
	Action          string
	SessionID       string // the access key ID
	SessionKey      string
	SessionToken    string
	SessionDuration int // 0 when absent
	Query           string
	Error           string // what the server refused, "" when it answered a token
}

// SigninToken is the token Federation answers for the n-th (1-based) call
// with SessionDuration seconds (0: absent), so that a test that sees only
// the final URL can tell what was asked.
func SigninToken(n, sessionDuration int) string {
	return fmt.Sprintf("ststest-signin-token-%04d-d%d", n, sessionDuration)
}

// NewFederation starts a Federation closed at the end of the test.
func NewFederation(t testing.TB) *Federation {
	f := &Federation{t: t}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the endpoint to pass as the federation base URL
// (http://127.0.0.1:PORT/federation).
func (f *Federation) URL() string { return f.srv.URL + "/federation" }

// Requests returns the calls so far.
func (f *Federation) Requests() []FederationRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FederationRequest(nil), f.reqs...)
}

func (f *Federation) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := FederationRequest{Method: r.Method, Action: q.Get("Action"), Query: r.URL.RawQuery}
	fail := func(status int, msg string) {
		req.Error = msg
		f.mu.Lock()
		f.reqs = append(f.reqs, req)
		f.mu.Unlock()
		http.Error(w, msg, status)
	}
	if r.URL.Path != "/federation" {
		fail(http.StatusNotFound, "no such path "+r.URL.Path)
		return
	}
	if r.Method != http.MethodGet {
		f.t.Errorf("federation: %s request, want GET", r.Method)
		fail(http.StatusMethodNotAllowed, "GET only")
		return
	}
	if req.Action != "getSigninToken" {
		fail(http.StatusBadRequest, "Action must be getSigninToken")
		return
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(q.Get("Session")), &raw); err != nil {
		fail(http.StatusBadRequest, "Session is not JSON")
		return
	}
	for k, v := range raw {
		s, ok := v.(string)
		switch {
		case !ok || s == "":
			fail(http.StatusBadRequest, "Session."+k+" is not a non-empty string")
			return
		case k == "sessionId":
			req.SessionID = s
		case k == "sessionKey":
			req.SessionKey = s
		case k == "sessionToken":
			req.SessionToken = s
		default:
			fail(http.StatusBadRequest, "Session has an unknown key "+k)
			return
		}
	}
	if req.SessionID == "" || req.SessionKey == "" || req.SessionToken == "" {
		fail(http.StatusBadRequest, "Session needs sessionId, sessionKey and sessionToken")
		return
	}
	if v, ok := q["SessionDuration"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 900 || n > 43200 {
			fail(http.StatusBadRequest, "SessionDuration must be 900 to 43200")
			return
		}
		if n > 3600 && f.Chained != nil && f.Chained(req.SessionID) {
			fail(http.StatusBadRequest, "SessionDuration above 3600 for role-chained credentials")
			return
		}
		req.SessionDuration = n
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	n := len(f.reqs)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"SigninToken": SigninToken(n, req.SessionDuration)})
}

// RoleSTS is a test STS for AssumeRole, the call that role chaining makes.
// It requires a SigV4-signed request whose credential is a key it or the
// SAML server issued (ASIA...), with the session token header, and a
// DurationSeconds of at most 3600 (role chaining). It answers deterministic
// credentials (access keys ASIAROLETEST000000001, ...).
type RoleSTS struct {
	srv *httptest.Server
	t   testing.TB
	now func() time.Time

	mu   sync.Mutex
	reqs []RoleRequest
}

// RoleRequest is one AssumeRole call as RoleSTS saw it.
type RoleRequest struct {
	SignedBy        string // the access key ID in the Authorization header
	SecurityToken   string // X-Amz-Security-Token
	RoleARN         string
	RoleSessionName string
	DurationSeconds int
	AccessKeyID     string // what the server issued, "" on a fault
	Fault           string
}

// ChainedAccessKeyID is the access key RoleSTS issues for its n-th call.
func ChainedAccessKeyID(n int) string { return fmt.Sprintf("ASIAROLETEST%09d", n) }

// NewRoleSTS starts a RoleSTS closed at the end of the test; now may be nil.
func NewRoleSTS(t testing.TB, now func() time.Time) *RoleSTS {
	if now == nil {
		now = time.Now
	}
	s := &RoleSTS{t: t, now: now}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the endpoint (AWS_ENDPOINT_URL_STS).
func (s *RoleSTS) URL() string { return s.srv.URL }

// Requests returns the calls so far.
func (s *RoleSTS) Requests() []RoleRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RoleRequest(nil), s.reqs...)
}

// Issued reports whether RoleSTS issued the access key.
func (s *RoleSTS) Issued(accessKeyID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.reqs {
		if r.AccessKeyID == accessKeyID {
			return true
		}
	}
	return false
}

var (
	signedByRe        = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=(ASIA[A-Z0-9]+)/\d{8}/[a-z0-9-]+/sts/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$`)
	chainARNRe        = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):role/([\w+=,.@/-]+)$`)
	roleSessionNameRe = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

func (s *RoleSTS) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	req := RoleRequest{SecurityToken: r.Header.Get("X-Amz-Security-Token"), RoleARN: r.PostForm.Get("RoleArn"),
		RoleSessionName: r.PostForm.Get("RoleSessionName")}
	req.DurationSeconds, _ = strconv.Atoi(r.PostForm.Get("DurationSeconds"))
	if m := signedByRe.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		req.SignedBy = m[1]
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	n := len(s.reqs)
	s.mu.Unlock()
	fault := func(status int, code, msg string) {
		s.mu.Lock()
		s.reqs[n-1].Fault = code
		s.mu.Unlock()
		writeError(w, n, &Fault{Code: code, Message: msg, Status: status, Type: "Sender"})
	}
	arn := chainARNRe.FindStringSubmatch(req.RoleARN)
	switch {
	case r.Method != http.MethodPost || r.PostForm.Get("Action") != "AssumeRole" || r.PostForm.Get("Version") != "2011-06-15":
		fault(400, "InvalidAction", "Could not find operation "+r.PostForm.Get("Action"))
	case req.SignedBy == "":
		fault(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
	case req.SecurityToken == "":
		fault(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
	case arn == nil:
		fault(400, "ValidationError", "1 validation error detected: Value at 'roleArn' failed to satisfy constraint")
	case !roleSessionNameRe.MatchString(req.RoleSessionName):
		fault(400, "ValidationError", "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint")
	case req.DurationSeconds > 3600:
		fault(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	default:
		d := req.DurationSeconds
		if d == 0 {
			d = 3600
		}
		key := ChainedAccessKeyID(n)
		s.mu.Lock()
		s.reqs[n-1].AccessKeyID = key
		s.mu.Unlock()
		resp := roleResponse{Xmlns: Namespace, RequestID: RequestID(n)}
		resp.Result.AssumedRoleUser = assumedRoleUser{
			Arn:           fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", arn[1], arn[2][strings.LastIndex(arn[2], "/")+1:], req.RoleSessionName),
			AssumedRoleID: fmt.Sprintf("AROAROLETEST%09d:%s", n, req.RoleSessionName),
		}
		resp.Result.Credentials = credentials{AccessKeyID: key, SecretAccessKey: SecretAccessKey(1000 + n),
			SessionToken: SessionToken(1000 + n), Expiration: s.now().Add(time.Duration(d) * time.Second).UTC().Format(time.RFC3339)}
		body, _ := xml.MarshalIndent(resp, "", "  ")
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("x-amzn-RequestId", RequestID(n))
		_, _ = w.Write(body)
	}
}

type roleResponse struct {
	XMLName xml.Name `xml:"AssumeRoleResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		AssumedRoleUser assumedRoleUser `xml:"AssumedRoleUser"`
		Credentials     credentials     `xml:"Credentials"`
	} `xml:"AssumeRoleResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}
