package ststest

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	role      = "arn:aws:iam::123456789012:role/Admin"
	principal = "arn:aws:iam::123456789012:saml-provider/IdP"
)

var now = time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)

func form(assertion string, extra ...string) url.Values {
	v := url.Values{
		"Action": {"AssumeRoleWithSAML"}, "Version": {"2011-06-15"},
		"RoleArn": {role}, "PrincipalArn": {principal}, "SAMLAssertion": {assertion},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func validAssertion() string {
	return Assertion(AssertionOptions{Roles: []string{principal + "," + role}, NotOnOrAfter: now.Add(time.Minute)})
}

func post(t *testing.T, s *Server, v url.Values, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/", strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type successXML struct {
	XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleWithSAMLResponse"`
	Result  struct {
		AccessKeyID     string `xml:"Credentials>AccessKeyId"`
		AssumedRoleUser struct {
			Arn, AssumedRoleId string
		}
		Subject, SubjectType, Issuer, Audience, NameQualifier, SourceIdentity string
		PackedPolicySize                                                      int
	} `xml:"AssumeRoleWithSAMLResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

type errorXML struct {
	XMLName   xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
	Error     struct{ Type, Code, Message string }
	RequestID string `xml:"RequestId"`
}

func TestSuccessXML(t *testing.T) {
	t.Parallel()
	s := New(t, Options{Now: func() time.Time { return now }, MaxSessionDuration: map[string]time.Duration{role: 2 * time.Hour}})
	a := Assertion(AssertionOptions{
		Roles: []string{principal + "," + role}, NotOnOrAfter: now.Add(time.Minute),
		SessionName: "bob", Subject: "bob-id", SubjectFormat: NameIDTransient, SourceIdentity: "bob-src",
	})
	code, body := post(t, s, form(a, "DurationSeconds", "7200", "Policy", `{"Version":"2012-10-17"}`,
		"PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/A", "PolicyArns.member.2.arn", "arn:aws:iam::aws:policy/B"))
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	var r successXML
	if err := xml.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	res := r.Result
	if res.AccessKeyID != AccessKeyID(1) || len(res.AccessKeyID) != 20 || !strings.HasPrefix(res.AccessKeyID, "ASIA") {
		t.Errorf("AccessKeyId = %q", res.AccessKeyID)
	}
	if len(SecretAccessKey(1)) != 40 {
		t.Errorf("secret key length %d, want 40", len(SecretAccessKey(1)))
	}
	if !strings.Contains(body, "<SecretAccessKey>"+SecretAccessKey(1)+"<") || !strings.Contains(body, "<SessionToken>"+SessionToken(1)+"<") {
		t.Errorf("secret key or token missing:\n%s", body)
	}
	if !strings.Contains(body, "<Expiration>2030-06-01T14:00:00Z</Expiration>") {
		t.Errorf("Expiration not now+7200s:\n%s", body)
	}
	if res.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/Admin/bob" ||
		!strings.HasPrefix(res.AssumedRoleUser.AssumedRoleId, "AROA") || !strings.HasSuffix(res.AssumedRoleUser.AssumedRoleId, ":bob") {
		t.Errorf("AssumedRoleUser = %+v", res.AssumedRoleUser)
	}
	if res.Subject != "bob-id" || res.SubjectType != "transient" || res.Issuer != DefaultIssuer ||
		res.Audience != DefaultRecipient || res.SourceIdentity != "bob-src" || res.NameQualifier == "" || res.PackedPolicySize == 0 {
		t.Errorf("result = %+v", res)
	}
	if r.RequestID != RequestID(1) {
		t.Errorf("RequestId = %q", r.RequestID)
	}
	got := s.Requests()[0]
	if got.DurationSeconds != 7200 || got.Policy != `{"Version":"2012-10-17"}` || len(got.PolicyARNs) != 2 ||
		got.PolicyARNs[1] != "arn:aws:iam::aws:policy/B" || got.AccessKeyID != AccessKeyID(1) || got.Fault != nil || got.N != 1 {
		t.Errorf("recorded request = %+v", got)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	expired := Assertion(AssertionOptions{Roles: []string{role + "," + principal}, NotOnOrAfter: now})
	for _, tc := range []struct {
		name   string
		opts   Options
		v      url.Values
		status int
		code   string
		msg    string
	}{
		{"expired at NotOnOrAfter", Options{}, form(expired), 400, "ExpiredTokenException", MsgExpired},
		{"duration above role max", Options{}, form(validAssertion(), "DurationSeconds", "3601"), 400, "ValidationError", MsgMaxSessionDuration},
		{"duration below 900", Options{}, form(validAssertion(), "DurationSeconds", "899"), 400, "ValidationError",
			"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200"},
		{"duration above 43200", Options{MaxSessionDuration: map[string]time.Duration{role: 24 * time.Hour}},
			form(validAssertion(), "DurationSeconds", "43201"), 400, "ValidationError",
			"1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200"},
		{"unknown provider", Options{Providers: []string{"arn:aws:iam::123456789012:saml-provider/Other"}}, form(validAssertion()), 400, "InvalidIdentityToken", MsgNoProvider},
		{"role not in assertion", Options{}, form(validAssertion(), "RoleArn", "arn:aws:iam::123456789012:role/Other"), 403, "AccessDenied", MsgNotAuthorized},
		{"not base64", Options{}, form("%%%not-base64"), 400, "InvalidIdentityToken", ""},
		{"malformed policy", Options{}, form(validAssertion(), "Policy", "{"), 400, "MalformedPolicyDocument", MsgMalformedPolicy},
		{"wrong version", Options{}, form(validAssertion(), "Version", "2010-01-01"), 400, "InvalidAction", ""},
		{"injected throttling", Options{Fail: func(Request) *Fault { return FaultFor("Throttling") }}, form(validAssertion()), 400, "Throttling", MsgThrottling},
		{"injected 503", Options{Fail: func(Request) *Fault { return &Fault{Code: "ServiceUnavailable"} }}, form(validAssertion()), 503, "ServiceUnavailable", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.opts.Now = func() time.Time { return now }
			s := New(t, tc.opts)
			code, body := post(t, s, tc.v)
			if code != tc.status {
				t.Errorf("status %d, want %d", code, tc.status)
			}
			var e errorXML
			if err := xml.Unmarshal([]byte(body), &e); err != nil {
				t.Fatalf("%v\n%s", err, body)
			}
			if e.Error.Code != tc.code || (tc.msg != "" && e.Error.Message != tc.msg) || e.Error.Message == "" {
				t.Errorf("error = %+v, want %s %q", e.Error, tc.code, tc.msg)
			}
			wantType := "Sender"
			if tc.status >= 500 {
				wantType = "Receiver"
			}
			if e.Error.Type != wantType || e.RequestID != RequestID(1) {
				t.Errorf("Type %q RequestId %q", e.Error.Type, e.RequestID)
			}
			if f := s.Requests()[0].Fault; f == nil || f.Code != tc.code {
				t.Errorf("recorded fault = %+v", f)
			}
		})
	}
}

// recorder catches the server's test failures.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestSignedRequestFailsTheTest(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	s := New(rec, Options{Now: func() time.Time { return now }})
	code, body := post(t, s, form(validAssertion()), "Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/...")
	if code != 403 || !strings.Contains(body, "<Code>InvalidClientTokenId</Code>") {
		t.Errorf("status %d body %s", code, body)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "unsigned") {
		t.Errorf("test errors = %q", rec.errs)
	}
}

func TestGETFailsTheTest(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	s := New(rec, Options{})
	resp, err := http.Get(s.URL() + "/?Action=AssumeRoleWithSAML")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || len(rec.errs) != 1 {
		t.Errorf("status %d, errors %q", resp.StatusCode, rec.errs)
	}
}

func TestTLSAndCounts(t *testing.T) {
	t.Parallel()
	s := New(t, Options{TLS: true, Now: func() time.Time { return now }})
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") || s.CertPool() == nil ||
		!strings.HasPrefix(string(s.CACertPEM()), "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("URL %s, PEM %q", s.URL(), s.CACertPEM())
	}
	for i := 1; i <= 3; i++ {
		if code, body := post(t, s, form(validAssertion())); code != 200 || !strings.Contains(body, AccessKeyID(i)) {
			t.Errorf("request %d: %d %s", i, code, body)
		}
	}
	reqs := s.Requests()
	if s.Count() != 3 || len(reqs) != 3 || reqs[2].N != 3 || reqs[2].AccessKeyID != AccessKeyID(3) {
		t.Errorf("count %d, requests %+v", s.Count(), reqs)
	}
	reqs[0].RoleARN = "changed"
	if s.Requests()[0].RoleARN != role {
		t.Error("Requests does not return a copy")
	}
	if AccessKeyID(1) == AccessKeyID(2) || SecretAccessKey(1) == SecretAccessKey(2) || SessionToken(1) == SessionToken(2) {
		t.Error("keys are not distinct per request")
	}
}

func TestAssertionRoundTrip(t *testing.T) {
	t.Parallel()
	roles := []string{role + "," + principal, "arn:aws:iam::210987654321:saml-provider/IdP,arn:aws:iam::210987654321:role/RO"}
	b64 := Assertion(AssertionOptions{
		Roles: roles, SessionName: "carol@example.test", SessionDuration: 28800, SourceIdentity: "carol",
		IssueInstant: now, Issuer: "urn:idp",
	})
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<samlp:Response`, `Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"`, ">28800<",
		`NotOnOrAfter="2030-06-01T12:05:00.000Z"`, `<saml:Audience>urn:amazon:webservices</saml:Audience>`,
	} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("assertion lacks %s:\n%s", want, raw)
		}
	}
	p, err := parseAssertion(b64)
	if err != nil {
		t.Fatal(err)
	}
	if p.Issuer != "urn:idp" || p.SessionName != "carol@example.test" || p.SourceIdentity != "carol" ||
		p.Subject != "carol@example.test" || !p.NotOnOrAfter.Equal(now.Add(5*time.Minute)) || len(p.Roles) != 2 ||
		p.Roles[1] != [2]string{"arn:aws:iam::210987654321:role/RO", "arn:aws:iam::210987654321:saml-provider/IdP"} {
		t.Errorf("parsed = %+v", p)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	s := New(t, Options{Latency: 20 * time.Millisecond, Now: func() time.Time { return now }})
	start := time.Now()
	if code, _ := post(t, s, form(validAssertion())); code != 200 {
		t.Fatalf("status %d", code)
	}
	// Not a timing assertion on the machine: only that latency is added at all.
	if time.Since(start) < 20*time.Millisecond {
		t.Errorf("latency not applied")
	}
}
