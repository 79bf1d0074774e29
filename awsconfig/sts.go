package awsconfig

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/internal/lazyre"
	"github.com/samlogin/samlogin/internal/secret"
)

// Session duration bounds of AssumeRoleWithSAML (DurationSeconds).
const (
	DefaultSessionDuration = time.Hour
	MinSessionDuration     = 900 * time.Second
	MaxSessionDuration     = 12 * time.Hour
)

// Session policy limits of AssumeRoleWithSAML: the plaintext Policy is 1 to
// 2048 characters; at most 10 PolicyArns of 20 to 2048 characters each. The
// packed size of policies and session tags is checked by STS itself
// (PackedPolicyTooLarge).
const (
	maxPolicyChars = 2048
	maxPolicyARNs  = 10
)

// AssumeInput is everything AssumeRoleWithSAML needs. It reads no environment
// and no file: the caller resolves flags and variables (cmd/samlogin: --sts-endpoint,
// AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the stored samlogin_sts_endpoint).
type AssumeInput struct {
	RoleARN      string
	PrincipalARN string // the SAML provider: arn:PARTITION:iam::ACCOUNT:saml-provider/NAME
	Assertion    secret.String

	// Partition is aws, aws-us-gov or aws-cn; "" takes it from RoleARN.
	Partition string
	// Region selects the regional STS endpoint; "" is the partition's
	// default region (DefaultRegion).
	Region string
	// Endpoint, when set, replaces the resolved endpoint (--sts-endpoint,
	// AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL). It must be https, or plain
	// http to this machine (see CheckEndpoint).
	Endpoint string
	// CABundle is a PEM file whose certificates are trusted in addition to
	// the system roots (--ca-bundle, AWS_CA_BUNDLE); ignored when
	// HTTPClient is set.
	CABundle string

	// Duration is DurationSeconds; 0 is one hour. Valid: 15 min to 12 h.
	Duration time.Duration
	// DurationFromAssertion says Duration came from the assertion's
	// SessionDuration attribute; it only changes the retry notice.
	DurationFromAssertion bool

	// PolicyJSON is an inline session policy (--policy-file contents).
	PolicyJSON string
	// PolicyARNs are managed session policies (at most 10).
	PolicyARNs []string

	// HTTPClient is the client to call STS with; nil: NewHTTPClient's.
	// Either way every request and redirect is checked first (https, or
	// plain http to this machine).
	HTTPClient  *http.Client
	Log         *slog.Logger     // nil: no logging
	Notify      func(string)     // one-line notices for the user; nil: none
	Now         func() time.Time // nil: time.Now; only for the debug log (STS judges expiry)
	MaxAttempts int              // attempts on throttling and transient errors; 0: 3
	// RetryMaxBackoff caps the delay between attempts; 0 is the SDK default
	// (20 s). Tests set a millisecond.
	RetryMaxBackoff time.Duration
}

// Credentials are the temporary credentials STS granted.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey secret.String
	SessionToken    secret.String
	Expiration      time.Time

	AssumedRoleARN string // AssumedRoleUser.Arn
	AssumedRoleID  string // AssumedRoleUser.AssumedRoleId
	Subject        string
	SubjectType    string
	Issuer         string
	Audience       string
	NameQualifier  string
	SourceIdentity string

	// Duration is the DurationSeconds of the request that succeeded (one
	// hour after a MaxSessionDuration retry). STS may end the session
	// earlier (the assertion's SessionNotOnOrAfter): Expiration is the truth.
	Duration time.Duration
}

// ErrKind classifies an STSError for decisions (exit codes, re-login).
type ErrKind int

// The kinds of STSError.
const (
	KindUnknown              ErrKind = iota
	KindInvalidInput                 // rejected before any call: bad ARN, duration, policy
	KindExpired                      // ExpiredTokenException: sign in again
	KindInvalidToken                 // InvalidIdentityToken: provider, partition, signature
	KindAccessDenied                 // AccessDenied: trust policy
	KindRegionDisabled               // RegionDisabledException
	KindPackedPolicyTooLarge         // PackedPolicyTooLarge
	KindIDPRejectedClaim             // IDPRejectedClaim
	KindThrottling                   // Throttling, after the retries
	KindMalformedPolicy              // MalformedPolicyDocument
	KindDuration                     // DurationSeconds above the role's MaxSessionDuration
	KindValidation                   // other ValidationError
	KindNetwork                      // STS could not be reached
	KindServer                       // STS answered HTTP 5xx, after the retries
)

var kindNames = [...]string{"unknown", "invalid input", "expired", "invalid identity token",
	"access denied", "region disabled", "packed policy too large", "idp rejected claim",
	"throttling", "malformed policy", "duration", "validation", "network", "server"}

func (k ErrKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("ErrKind(%d)", int(k))
}

// STSError is what AssumeRoleWithSAML returns when STS (or the way to it)
// refuses. Use errors.As to get it. It never holds the assertion or a key.
type STSError struct {
	Code      string // the STS error code, e.g. ExpiredTokenException; "network" or "InvalidInput" for local failures
	Message   string // STS's message
	RequestID string
	Kind      ErrKind
	Hint      string // one sentence the user can act on
	Endpoint  string // the STS endpoint that was called
	Err       error  // the underlying error, if any
}

func (e *STSError) Error() string { return "sts: " + e.Code + ": " + e.Message }

// Unwrap returns the underlying error.
func (e *STSError) Unwrap() error { return e.Err }

// DefaultRegion is the region whose STS endpoint serves a partition when no
// region is given.
func DefaultRegion(partition string) string {
	switch partition {
	case "aws-us-gov":
		return "us-gov-west-1"
	case "aws-cn":
		return "cn-north-1"
	case "aws", "":
		return "us-east-1"
	}
	return ""
}

// RegionPartition is the partition a region belongs to.
func RegionPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	}
	return "aws"
}

// STSEndpoint is the regional STS endpoint the SDK resolves for region ("":
// the partition's default region), e.g. https://sts.us-east-1.amazonaws.com,
// https://sts.cn-north-1.amazonaws.com.cn, https://sts.us-gov-west-1.amazonaws.com.
// It asks the SDK's own endpoint rules (regional, no FIPS, no dual-stack), so
// it names the URL AssumeRoleWithSAML calls when no Endpoint is given.
func STSEndpoint(partition, region string) string {
	if region == "" {
		region = DefaultRegion(partition)
	}
	ep, err := sts.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), sts.EndpointParameters{
		Region:            aws.String(region),
		UseDualStack:      aws.Bool(false),
		UseFIPS:           aws.Bool(false),
		UseGlobalEndpoint: aws.Bool(false),
	})
	if err != nil {
		return ""
	}
	return ep.URI.String()
}

// policyARNRe matches a managed policy ARN; role and SAML provider ARNs are
// checked by package assertion, which reads them off the SAMLResponse.
var policyARNRe = lazyre.New(`^arn:(aws[a-z-]*):iam::(\d{12}|aws):policy/[\w+=,.@/-]+$`)

func inputError(hint, format string, args ...any) *STSError {
	return &STSError{Code: "InvalidInput", Kind: KindInvalidInput, Message: fmt.Sprintf(format, args...), Hint: hint}
}

// validate checks in and fills its defaults; it returns the partition.
func (in *AssumeInput) validate() (string, error) {
	role, err := assertion.ParseRoleARN(in.RoleARN)
	if err != nil {
		return "", inputError("use a role ARN of the form arn:aws:iam::123456789012:role/NAME in aws, aws-cn or aws-us-gov",
			"invalid role ARN: %v", err)
	}
	partition := role.Partition
	if in.Partition != "" && in.Partition != partition {
		return "", inputError("the partition comes from the role ARN; leave it unset or make them agree",
			"role ARN is in partition %s, not %s", partition, in.Partition)
	}
	p, err := assertion.ParsePrincipalARN(in.PrincipalARN)
	if err != nil {
		return "", inputError("the principal is the SAML provider: arn:aws:iam::123456789012:saml-provider/NAME",
			"invalid principal ARN: %v", err)
	}
	if p.Partition != partition {
		return "", inputError("the role and its SAML provider must be in the same partition",
			"principal ARN is in partition %s, the role in %s", p.Partition, partition)
	}
	if in.Assertion.Empty() {
		return "", inputError("sign in to the IdP first", "empty SAML assertion")
	}
	if in.Region != "" && in.Endpoint == "" && RegionPartition(in.Region) != partition {
		return "", inputError(fmt.Sprintf("use a region of partition %s (e.g. %s) or --sts-endpoint", partition, DefaultRegion(partition)),
			"region %s is not in the role's partition %s", in.Region, partition)
	}
	if err := checkSTSEndpoint(in.Endpoint); err != nil {
		return "", err
	}
	if in.Duration == 0 {
		in.Duration = DefaultSessionDuration
	}
	if in.Duration < MinSessionDuration || in.Duration > MaxSessionDuration || in.Duration%time.Second != 0 {
		return "", inputError("choose a duration from 15m (900 s) to 12h (43200 s) in whole seconds",
			"duration %s out of range", in.Duration)
	}
	if in.PolicyJSON != "" {
		if n := utf8.RuneCountInString(in.PolicyJSON); n > maxPolicyChars {
			return "", inputError("an inline session policy is at most 2048 characters; use managed policy ARNs for more",
				"session policy is %d characters", n)
		}
		if !json.Valid([]byte(in.PolicyJSON)) {
			return "", inputError("check the --policy-file: it must be a JSON policy document",
				"session policy is not valid JSON")
		}
		for _, r := range in.PolicyJSON {
			if !(r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xff)) {
				return "", inputError("STS accepts only characters U+0020..U+00FF, tab, LF and CR in a session policy",
					"session policy has the character %U", r)
			}
		}
	}
	if len(in.PolicyARNs) > maxPolicyARNs {
		return "", inputError("pass at most 10 managed session policies", "%d policy ARNs", len(in.PolicyARNs))
	}
	for _, a := range in.PolicyARNs {
		pm := policyARNRe().FindStringSubmatch(a)
		if pm == nil || len(a) > 2048 {
			return "", inputError("use policy ARNs of the form arn:aws:iam::123456789012:policy/NAME or arn:aws:iam::aws:policy/NAME",
				"invalid policy ARN %q", a)
		}
		if pm[1] != partition {
			return "", inputError("session policies must be in the role's partition",
				"policy ARN %s is not in partition %s", a, partition)
		}
	}
	return partition, nil
}

// AssumeRoleWithSAML exchanges a SAML assertion for temporary credentials.
//
// The call is unsigned and built from in alone: no shared config or
// credentials file, no AWS_PROFILE, no ambient credentials are read. Without
// Endpoint it calls the regional endpoint of Region (default: the partition's
// default region). If STS answers that the duration exceeds the role's
// MaxSessionDuration and more than an hour was asked, it retries once at one
// hour and says so through Notify. Errors from STS are *STSError.
func AssumeRoleWithSAML(ctx context.Context, in AssumeInput) (*Credentials, error) {
	partition, err := in.validate()
	if err != nil {
		return nil, err
	}
	region := in.Region
	if region == "" {
		region = DefaultRegion(partition)
	}
	endpoint := in.Endpoint
	if endpoint == "" {
		endpoint = STSEndpoint(partition, region)
	}
	log := in.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	client, err := newSTSClient(in, region)
	if err != nil {
		return nil, err
	}

	duration := in.Duration
	ReportStep(ctx, "calling STS at "+endpoint)
	for {
		log.DebugContext(ctx, "sts: AssumeRoleWithSAML",
			"role", in.RoleARN, "principal", in.PrincipalARN, "endpoint", endpoint,
			"region", region, "duration_s", int(duration/time.Second),
			"policy", in.PolicyJSON != "", "policy_arns", len(in.PolicyARNs))
		out, err := client.AssumeRoleWithSAML(ctx, makeSTSInput(in, duration))
		if err == nil {
			c := mapCredentials(out, duration)
			now := time.Now
			if in.Now != nil {
				now = in.Now
			}
			log.DebugContext(ctx, "sts: granted", "assumed_role", c.AssumedRoleARN,
				"access_key_id", c.AccessKeyID, "expiration", c.Expiration,
				"expires_in", c.Expiration.Sub(now()).Round(time.Second))
			return c, nil
		}
		if err := deadlineError(ctx, "STS", endpoint); err != nil {
			return nil, fmt.Errorf("sts: assume role: %w", err)
		}
		se := mapError(err, in, partition, endpoint)
		log.DebugContext(ctx, "sts: error", "code", se.Code, "request_id", se.RequestID, "kind", se.Kind.String())
		if se.Kind == KindDuration && duration > DefaultSessionDuration {
			if in.Notify != nil {
				from := "requested"
				if in.DurationFromAssertion {
					from = "the IdP's SessionDuration"
				}
				in.Notify(fmt.Sprintf("the role allows at most 1h (MaxSessionDuration), less than %s %d s: retried at 3600 s",
					from, int(duration/time.Second)))
			}
			duration = DefaultSessionDuration
			continue
		}
		return nil, se
	}
}

// checkSTSEndpoint refuses an Endpoint that is no URL, or that is neither
// https nor plain http to this machine, before any request.
func checkSTSEndpoint(endpoint string) error {
	if endpoint == "" {
		return nil
	}
	err := CheckEndpoint(endpoint)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrInsecureURL):
		se := inputError("use https for the STS endpoint (plain http only to this machine: 127.0.0.1, ::1 or localhost)",
			"STS endpoint %s: %v", endpoint, err)
		se.Err = err
		return se
	}
	return inputError("give the STS endpoint as a URL, e.g. https://sts.eu-west-1.amazonaws.com",
		"invalid STS endpoint %q", endpoint)
}

// stsClient is in's HTTPClient, or NewHTTPClient's with caBundle, guarded.
func stsClient(c *http.Client, caBundle string) (*http.Client, error) {
	if c != nil {
		return secureClient(c), nil
	}
	c, err := NewHTTPClient(HTTPOptions{CABundle: caBundle})
	if err != nil {
		return nil, inputError("check --ca-bundle (AWS_CA_BUNDLE): it must be a PEM file of certificates", "sts: %v", err)
	}
	return c, nil
}

func newSTSClient(in AssumeInput, region string) (*sts.Client, error) {
	attempts := in.MaxAttempts
	if attempts <= 0 {
		attempts = retry.DefaultMaxAttempts
	}
	opts := sts.Options{
		Region:      region,
		Credentials: aws.AnonymousCredentials{},
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			if in.RetryMaxBackoff > 0 {
				o.MaxBackoff = in.RetryMaxBackoff
			}
		}),
	}
	if in.Endpoint != "" {
		opts.BaseEndpoint = aws.String(in.Endpoint)
	}
	client, err := stsClient(in.HTTPClient, in.CABundle)
	if err != nil {
		return nil, err
	}
	opts.HTTPClient = client
	return sts.New(opts), nil
}

func makeSTSInput(in AssumeInput, d time.Duration) *sts.AssumeRoleWithSAMLInput {
	sin := &sts.AssumeRoleWithSAMLInput{
		RoleArn:         aws.String(in.RoleARN),
		PrincipalArn:    aws.String(in.PrincipalARN),
		SAMLAssertion:   aws.String(in.Assertion.Reveal()),
		DurationSeconds: aws.Int32(int32(d / time.Second)),
	}
	if in.PolicyJSON != "" {
		sin.Policy = aws.String(in.PolicyJSON)
	}
	for _, a := range in.PolicyARNs {
		sin.PolicyArns = append(sin.PolicyArns, types.PolicyDescriptorType{Arn: aws.String(a)})
	}
	return sin
}

func mapCredentials(out *sts.AssumeRoleWithSAMLOutput, d time.Duration) *Credentials {
	c := granted(out.Credentials, out.AssumedRoleUser, d)
	c.Subject = aws.ToString(out.Subject)
	c.SubjectType = aws.ToString(out.SubjectType)
	c.Issuer = aws.ToString(out.Issuer)
	c.Audience = aws.ToString(out.Audience)
	c.NameQualifier = aws.ToString(out.NameQualifier)
	c.SourceIdentity = aws.ToString(out.SourceIdentity)
	return c
}

// granted reads the keys and the assumed role that AssumeRoleWithSAML and
// AssumeRole both answer; d is the DurationSeconds asked.
func granted(cr *types.Credentials, u *types.AssumedRoleUser, d time.Duration) *Credentials {
	c := &Credentials{Duration: d}
	if cr != nil {
		c.AccessKeyID = aws.ToString(cr.AccessKeyId)
		c.SecretAccessKey = secret.New(aws.ToString(cr.SecretAccessKey))
		c.SessionToken = secret.New(aws.ToString(cr.SessionToken))
		c.Expiration = aws.ToTime(cr.Expiration)
	}
	if u != nil {
		c.AssumedRoleARN = aws.ToString(u.Arn)
		c.AssumedRoleID = aws.ToString(u.AssumedRoleId)
	}
	return c
}

// classifyError is what every STS call's errors share: the request ID, an
// endpoint that answered but not as STS, and a network failure. It returns
// the STS error code's APIError when there is one, for the caller to map.
func classifyError(err error, endpoint string) (*STSError, smithy.APIError) {
	se := &STSError{Endpoint: endpoint, Err: err}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		se.RequestID = re.ServiceRequestID()
	}
	var api smithy.APIError
	isAPI := errors.As(err, &api)
	// A refused redirect comes with the redirect's response: what was
	// refused, not the status, is the news.
	if errors.Is(err, ErrInsecureURL) {
		se.Code, se.Kind = "network", KindNetwork
		se.Message = networkMessage(err, endpoint)
		se.Hint = "samlogin sends credentials only over https (plain http only to this machine): check --sts-endpoint (AWS_ENDPOINT_URL_STS) and where it redirects"
		return se, nil
	}
	if errors.Is(err, ErrDowngrade) {
		se.Code, se.Kind = "network", KindNetwork
		se.Message = networkMessage(err, endpoint)
		se.Hint = "a proxy or the endpoint redirects to plain http, which samlogin refuses: check --sts-endpoint (AWS_ENDPOINT_URL_STS) and HTTPS_PROXY"
		return se, nil
	}
	if re != nil && re.HTTPStatusCode() != 0 && (!isAPI || api.ErrorCode() == "UnknownError") {
		// STS was reached but its answer was no STS answer (an HTTP 500
		// page, a proxy's error page).
		se.Code, se.Kind = "http", KindUnknown
		se.Message = fmt.Sprintf("%s answered HTTP %d with no STS error in it", endpoint, re.HTTPStatusCode())
		se.Hint = "the endpoint is not STS, or STS failed: check --sts-endpoint (AWS_ENDPOINT_URL_STS) and any proxy, and try again"
		if re.HTTPStatusCode() >= 500 {
			se.Kind = KindServer
			se.Hint = "retry; AWS STS is having trouble (or a proxy on the way is): if it lasts, check https://health.aws.amazon.com or try another --region"
		}
		return se, nil
	}
	if !isAPI {
		se.Code, se.Kind = "network", KindNetwork
		se.Message = networkMessage(err, endpoint)
		se.Hint = fmt.Sprintf("check the network, proxy (HTTPS_PROXY) and CA bundle for %s, or choose another endpoint with --region or --sts-endpoint", endpoint)
		return se, nil
	}
	se.Code, se.Message = api.ErrorCode(), api.ErrorMessage()
	if re != nil && re.HTTPStatusCode() >= 500 {
		// InternalFailure, ServiceUnavailable: STS's own trouble, after
		// the SDK's retries.
		se.Kind = KindServer
		se.Hint = "retry; AWS STS is having trouble: if it lasts, check https://health.aws.amazon.com or try another --region"
		return se, nil
	}
	return se, api
}

// mapError turns an SDK error into an *STSError with its kind and hint.
func mapError(err error, in AssumeInput, partition, endpoint string) *STSError {
	se, api := classifyError(err, endpoint)
	if api == nil {
		return se
	}
	switch se.Code {
	case "ExpiredTokenException", "ExpiredToken":
		se.Kind = KindExpired
		se.Hint = "the SAML assertion has expired: sign in again"
	case "InvalidIdentityToken":
		se.Kind = KindInvalidToken
		se.Hint = fmt.Sprintf("STS could not validate the assertion against the SAML provider %s: check the principal ARN, that the provider exists in the role's account in partition %s (endpoint %s), and that its metadata matches the IdP's signing certificate and issuer",
			in.PrincipalARN, partition, endpoint)
	case "AccessDenied", "AccessDeniedException":
		se.Kind = KindAccessDenied
		se.Hint = fmt.Sprintf("the trust policy of %s does not allow sts:AssumeRoleWithSAML from %s (or the role does not exist); if the assertion carries session tags or a source identity, the trust policy must also allow sts:TagSession / sts:SetSourceIdentity",
			in.RoleARN, in.PrincipalARN)
	case "RegionDisabledException":
		se.Kind = KindRegionDisabled
		se.Hint = "STS is not activated in this region for the account: activate it in IAM account settings, or use another --region"
	case "PackedPolicyTooLarge":
		se.Kind = KindPackedPolicyTooLarge
		se.Hint = "the session policies and session tags are too large: pass fewer or smaller policies, or ask the IdP admin for fewer session tags"
	case "IDPRejectedClaim":
		se.Kind = KindIDPRejectedClaim
		se.Hint = "STS rejected the IdP's claims: check the assertion's Role attribute (role,provider pairs), audience and recipient (https://signin.aws.amazon.com/saml)"
	case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException":
		se.Kind = KindThrottling
		se.Hint = "STS is throttling requests and the retries ran out: wait a little and try again"
	case "MalformedPolicyDocument":
		se.Kind = KindMalformedPolicy
		se.Hint = "the session policy was rejected: check the --policy-file document"
	case "ValidationError":
		if strings.Contains(se.Message, "DurationSeconds exceeds the MaxSessionDuration") {
			se.Kind = KindDuration
			se.Hint = "the role's MaxSessionDuration is shorter than the requested duration: ask for less with --duration"
		} else {
			se.Kind = KindValidation
			se.Hint = "STS rejected a parameter: check the role and principal ARNs, duration and policies"
		}
	default:
		se.Kind = KindUnknown
	}
	return se
}

func networkMessage(err error, endpoint string) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Sprintf("cannot reach %s: %v", endpoint, ue.Err)
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return fmt.Sprintf("cannot reach %s: %v", endpoint, ne)
	}
	return fmt.Sprintf("cannot reach %s: %v", endpoint, err)
}
