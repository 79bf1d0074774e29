// Package ststest is a strict test STS for AssumeRoleWithSAML. It speaks the
// real Query protocol and XML (https://sts.amazonaws.com/doc/2011-06-15/),
// checks what the client sent (unsigned call, form fields, the assertion's
// Role pairs, expiry per an injected clock, duration bounds), records every
// request, and answers deterministic credentials so a test can tell which
// request produced which keys. It listens on 127.0.0.1 only. Import it from
// tests only.
package ststest

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
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
	"unicode/utf8"
)

// Namespace is the xmlns of every STS response.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// Real STS messages the server answers.
const (
	MsgMaxSessionDuration = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
	MsgExpired            = "Response has expired"
	MsgNotAuthorized      = "Not authorized to perform sts:AssumeRoleWithSAML"
	MsgNoProvider         = "Specified provider doesn't exist"
	MsgNoSessionName      = "RoleSessionName is required in AuthnResponse"
	MsgInvalidToken       = "The security token included in the request is invalid."
	MsgMalformedPolicy    = "The policy is not in the valid JSON format."
	MsgThrottling         = "Rate exceeded"
)

// Options configure a Server. All are optional.
type Options struct {
	// Now is the clock for the assertion's NotOnOrAfter and the
	// credentials' Expiration; nil: time.Now.
	Now func() time.Time
	// Latency is added to each response (benchmarks).
	Latency time.Duration
	// MaxSessionDuration per role ARN; a role not listed allows one hour.
	MaxSessionDuration map[string]time.Duration
	// Providers, when not nil, are the SAML provider ARNs that exist; a
	// PrincipalArn not listed gets InvalidIdentityToken. nil: every
	// provider exists.
	Providers []string
	// Fail, when it returns a fault, answers it instead of checking the
	// request (the Authorization check still comes first).
	Fail func(r Request) *Fault
	// TLS serves HTTPS with httptest's certificate (see Client, CACertPEM).
	TLS bool
}

// Request is one call as the server saw it.
type Request struct {
	N               int // 1-based order of arrival
	Action, Version string
	RoleARN         string
	PrincipalARN    string
	SAMLAssertion   string // exactly as sent
	DurationSeconds int    // 0 when absent
	Policy          string
	PolicyARNs      []string
	Header          http.Header

	// What the server answered: the fault, or the issued access key ID.
	Fault       *Fault
	AccessKeyID string
}

// Fault is an STS error answer.
type Fault struct {
	Code    string
	Message string
	Status  int    // HTTP status; 0: the usual one for Code
	Type    string // Sender or Receiver; "": the usual one for Code
}

var faultDefaults = map[string]struct {
	status int
	typ    string
	msg    string
}{
	"ExpiredTokenException":   {400, "Sender", MsgExpired},
	"InvalidIdentityToken":    {400, "Sender", MsgNoProvider},
	"AccessDenied":            {403, "Sender", MsgNotAuthorized},
	"RegionDisabledException": {403, "Sender", "STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console."},
	"PackedPolicyTooLarge":    {400, "Sender", "Serialized token too large for session"},
	"IDPRejectedClaim":        {403, "Sender", "The identity provider rejected the claim"},
	"Throttling":              {400, "Sender", MsgThrottling},
	"MalformedPolicyDocument": {400, "Sender", MsgMalformedPolicy},
	"ValidationError":         {400, "Sender", "1 validation error detected"},
	"InvalidClientTokenId":    {403, "Sender", MsgInvalidToken},
	"InvalidAction":           {400, "Sender", "Could not find operation"},
	"ServiceUnavailable":      {503, "Receiver", "Service is unavailable"},
	"InternalFailure":         {500, "Receiver", "An internal error occurred"},
}

// FaultFor is the fault STS answers for code, with its usual status, type
// and a real message.
func FaultFor(code string) *Fault {
	f := &Fault{Code: code}
	f.fill()
	return f
}

func (f *Fault) fill() {
	d, ok := faultDefaults[f.Code]
	if !ok {
		d.status, d.typ, d.msg = 400, "Sender", f.Code
	}
	if f.Status == 0 {
		f.Status = d.status
	}
	if f.Type == "" {
		f.Type = d.typ
	}
	if f.Message == "" {
		f.Message = d.msg
	}
}

// Server is a running test STS.
type Server struct {
	t    testing.TB
	opts Options
	srv  *httptest.Server

	mu   sync.Mutex
	reqs []Request
}

// New starts a test STS on 127.0.0.1 and closes it when the test ends.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{t: t, opts: opts}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	if opts.TLS {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// URL is the endpoint, e.g. http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Client is an *http.Client that trusts the server's certificate (TLS).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// CACertPEM is the server certificate in PEM, for a CA bundle file
// (AWS_CA_BUNDLE, --ca-bundle); nil without TLS.
func (s *Server) CACertPEM() []byte {
	c := s.srv.Certificate()
	if c == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// CertPool holds the server certificate; nil without TLS.
func (s *Server) CertPool() *x509.CertPool {
	c := s.srv.Certificate()
	if c == nil {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(c)
	return p
}

// Requests returns a copy of the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.reqs))
	copy(out, s.reqs)
	return out
}

// Count is the number of requests received.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// AccessKeyID is the access key ID the server issues for request n.
func AccessKeyID(n int) string { return fmt.Sprintf("ASIASTSTEST%09d", n) }

// SecretAccessKey is the secret key the server issues for request n.
func SecretAccessKey(n int) string { return fmt.Sprintf("ststest/secret+key/%021d", n) }

// SessionToken is the session token the server issues for request n.
func SessionToken(n int) string {
	return "IQoJb3JpZ2luX2VjEXAMPLE//ststest-session-token-" + strconv.Itoa(n)
}

// RequestID is the request ID the server answers for request n.
func RequestID(n int) string { return fmt.Sprintf("5757e5e5-0000-4000-8000-%012d", n) }

func (s *Server) record(r Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.N = len(s.reqs) + 1
	s.reqs = append(s.reqs, r)
	return r.N
}

func (s *Server) finish(n int, f *Fault, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs[n-1].Fault, s.reqs[n-1].AccessKeyID = f, key
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.opts.Latency > 0 {
		select {
		case <-time.After(s.opts.Latency):
		case <-r.Context().Done():
			return
		}
	}
	req := Request{Header: r.Header.Clone()}
	formErr := error(nil)
	if r.Method != http.MethodPost {
		formErr = fmt.Errorf("method %s, want POST", r.Method)
	} else if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		formErr = fmt.Errorf("Content-Type %q, want application/x-www-form-urlencoded", ct)
	} else if err := r.ParseForm(); err != nil {
		formErr = err
	}
	f := r.PostForm
	req.Action, req.Version = f.Get("Action"), f.Get("Version")
	req.RoleARN, req.PrincipalARN = f.Get("RoleArn"), f.Get("PrincipalArn")
	req.SAMLAssertion, req.Policy = f.Get("SAMLAssertion"), f.Get("Policy")
	if d := f.Get("DurationSeconds"); d != "" {
		req.DurationSeconds, _ = strconv.Atoi(d)
	}
	for i := 1; ; i++ {
		a, ok := f["PolicyArns.member."+strconv.Itoa(i)+".arn"]
		if !ok {
			break
		}
		req.PolicyARNs = append(req.PolicyARNs, a[0])
	}
	n := s.record(req)
	req.N = n

	fault, key := s.answer(w, req, formErr, f.Get("DurationSeconds"))
	s.finish(n, fault, key)
}

func (s *Server) answer(w http.ResponseWriter, req Request, formErr error, rawDuration string) (*Fault, string) {
	fail := func(f *Fault) (*Fault, string) {
		f.fill()
		writeError(w, req.N, f)
		return f, ""
	}
	if req.Header.Get("Authorization") != "" || req.Header.Get("X-Amz-Security-Token") != "" {
		s.t.Errorf("ststest: request %d is signed (Authorization or X-Amz-Security-Token header): AssumeRoleWithSAML must be unsigned and use no ambient credentials", req.N)
		return fail(&Fault{Code: "InvalidClientTokenId", Message: MsgInvalidToken})
	}
	if formErr != nil {
		s.t.Errorf("ststest: request %d: %v", req.N, formErr)
		return fail(&Fault{Code: "ValidationError", Message: formErr.Error()})
	}
	if s.opts.Fail != nil {
		if f := s.opts.Fail(req); f != nil {
			c := *f
			return fail(&c)
		}
	}
	if req.Action != "AssumeRoleWithSAML" {
		return fail(&Fault{Code: "InvalidAction", Message: fmt.Sprintf("Could not find operation %s for version %s", req.Action, req.Version)})
	}
	if req.Version != "2011-06-15" {
		return fail(&Fault{Code: "InvalidAction", Message: fmt.Sprintf("Could not find operation %s for version %s", req.Action, req.Version)})
	}

	// Parameter constraints, in the shape of STS's ValidationError.
	var verrs []string
	if l := len(req.RoleARN); l < 20 || l > 2048 {
		verrs = append(verrs, "Value at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20")
	}
	if l := len(req.PrincipalARN); l < 20 || l > 2048 {
		verrs = append(verrs, "Value at 'principalArn' failed to satisfy constraint: Member must have length greater than or equal to 20")
	}
	if l := len(req.SAMLAssertion); l < 4 || l > 100000 {
		verrs = append(verrs, "Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length between 4 and 100000")
	}
	if rawDuration != "" {
		if req.DurationSeconds < 900 || req.DurationSeconds > 43200 {
			verrs = append(verrs, fmt.Sprintf("Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200", rawDuration))
		}
	}
	if req.Policy != "" && utf8.RuneCountInString(req.Policy) > 2048 {
		verrs = append(verrs, "Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048")
	}
	if len(req.PolicyARNs) > 10 {
		verrs = append(verrs, "Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	if len(verrs) > 0 {
		return fail(&Fault{Code: "ValidationError", Message: fmt.Sprintf("%d validation error%s detected: %s",
			len(verrs), plural(len(verrs)), strings.Join(verrs, "; "))})
	}
	if !arnRe.MatchString(req.RoleARN) || !arnRe.MatchString(req.PrincipalARN) {
		return fail(&Fault{Code: "ValidationError", Message: "Request ARN is invalid"})
	}
	if s.opts.Providers != nil && !contains(s.opts.Providers, req.PrincipalARN) {
		return fail(&Fault{Code: "InvalidIdentityToken", Message: MsgNoProvider})
	}
	a, err := parseAssertion(req.SAMLAssertion)
	if err != nil {
		return fail(&Fault{Code: "InvalidIdentityToken", Message: "Invalid SAML response: " + err.Error()})
	}
	now := s.opts.Now()
	if !a.NotOnOrAfter.IsZero() && !now.Before(a.NotOnOrAfter) {
		return fail(&Fault{Code: "ExpiredTokenException", Message: MsgExpired})
	}
	if !a.NotBefore.IsZero() && now.Before(a.NotBefore) {
		return fail(&Fault{Code: "InvalidIdentityToken", Message: "Response is not yet valid"})
	}
	if !a.hasSessionName {
		return fail(&Fault{Code: "InvalidIdentityToken", Message: MsgNoSessionName})
	}
	if !sessionNameRe.MatchString(a.SessionName) {
		return fail(&Fault{Code: "InvalidIdentityToken", Message: "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"})
	}
	if !hasPair(a.Roles, req.RoleARN, req.PrincipalARN) {
		return fail(&Fault{Code: "AccessDenied", Message: MsgNotAuthorized})
	}
	duration := 3600
	if req.DurationSeconds != 0 {
		duration = req.DurationSeconds
	}
	maxDur := time.Hour
	if d, ok := s.opts.MaxSessionDuration[req.RoleARN]; ok {
		maxDur = d
	}
	if time.Duration(duration)*time.Second > maxDur {
		return fail(&Fault{Code: "ValidationError", Message: MsgMaxSessionDuration})
	}
	if req.Policy != "" && !json.Valid([]byte(req.Policy)) {
		return fail(&Fault{Code: "MalformedPolicyDocument", Message: MsgMalformedPolicy})
	}

	m := arnRe.FindStringSubmatch(req.RoleARN)
	partition, account, roleName := m[1], m[2], m[3]
	roleName = roleName[strings.LastIndex(roleName, "/")+1:]
	provider := req.PrincipalARN[strings.LastIndex(req.PrincipalARN, "/")+1:]
	roleID := "AROA" + strings.ToUpper(hexSum(req.RoleARN))[:17]
	nq := sha1.Sum([]byte(a.Issuer + account + "/" + provider))
	subjectType := a.SubjectFormat
	switch subjectType {
	case NameIDPersistent:
		subjectType = "persistent"
	case NameIDTransient:
		subjectType = "transient"
	}
	res := assumeResponse{
		Xmlns: Namespace,
		Result: assumeResult{
			Credentials: credentials{
				AccessKeyID:     AccessKeyID(req.N),
				SecretAccessKey: SecretAccessKey(req.N),
				SessionToken:    SessionToken(req.N),
				Expiration:      now.Add(time.Duration(duration) * time.Second).UTC().Format(time.RFC3339),
			},
			AssumedRoleUser: assumedRoleUser{
				Arn:           fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition, account, roleName, a.SessionName),
				AssumedRoleID: roleID + ":" + a.SessionName,
			},
			Audience:       a.Recipient,
			Issuer:         a.Issuer,
			Subject:        a.Subject,
			SubjectType:    subjectType,
			NameQualifier:  base64.StdEncoding.EncodeToString(nq[:]),
			SourceIdentity: a.SourceIdentity,
		},
		RequestID: RequestID(req.N),
	}
	if req.Policy != "" || len(req.PolicyARNs) > 0 {
		size := 1 + (len(req.Policy)+64*len(req.PolicyARNs))*100/4096
		res.Result.PackedPolicySize = &size
	}
	body, err := xml.MarshalIndent(res, "", "  ")
	if err != nil {
		s.t.Errorf("ststest: marshal response: %v", err)
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", RequestID(req.N))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil, AccessKeyID(req.N)
}

var (
	arnRe         = regexp.MustCompile(`^arn:(aws[a-z-]*):iam::(\d{12}):((?:role|saml-provider)/.+)$`)
	sessionNameRe = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

func hasPair(roles [][2]string, role, principal string) bool {
	for _, p := range roles {
		if p[0] == role && p[1] == principal {
			return true
		}
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func hexSum(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

type assumeResponse struct {
	XMLName   xml.Name     `xml:"AssumeRoleWithSAMLResponse"`
	Xmlns     string       `xml:"xmlns,attr"`
	Result    assumeResult `xml:"AssumeRoleWithSAMLResult"`
	RequestID string       `xml:"ResponseMetadata>RequestId"`
}

type assumeResult struct {
	Issuer           string          `xml:"Issuer"`
	AssumedRoleUser  assumedRoleUser `xml:"AssumedRoleUser"`
	Credentials      credentials     `xml:"Credentials"`
	Audience         string          `xml:"Audience"`
	SubjectType      string          `xml:"SubjectType"`
	PackedPolicySize *int            `xml:"PackedPolicySize,omitempty"`
	NameQualifier    string          `xml:"NameQualifier"`
	SourceIdentity   string          `xml:"SourceIdentity,omitempty"`
	Subject          string          `xml:"Subject"`
}

type assumedRoleUser struct {
	Arn           string `xml:"Arn"`
	AssumedRoleID string `xml:"AssumedRoleId"`
}

type credentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type errorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

func writeError(w http.ResponseWriter, n int, f *Fault) {
	var e errorResponse
	e.Xmlns = Namespace
	e.Error.Type, e.Error.Code, e.Error.Message = f.Type, f.Code, f.Message
	e.RequestID = RequestID(n)
	body, _ := xml.MarshalIndent(e, "", "  ")
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", RequestID(n))
	w.WriteHeader(f.Status)
	_, _ = w.Write(body)
}
