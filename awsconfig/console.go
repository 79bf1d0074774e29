package awsconfig

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samlogin/samlogin/internal/secret"
)

// Console session bounds of the federation endpoint's getSigninToken
// (SessionDuration), for credentials from AssumeRole*. A session from a
// chained role (AssumeRole called with a role's temporary credentials) is
// capped at one hour by AWS.
const (
	MinConsoleDuration     = 900 * time.Second
	MaxConsoleDuration     = 12 * time.Hour
	MaxChainedRoleDuration = time.Hour
)

// partitionDomains are the sign-in and console domains of each partition,
// as the AWS CLI's `aws signin` uses them.
var partitionDomains = map[string]string{
	"aws":        "aws.amazon.com",
	"aws-us-gov": "amazonaws-us-gov.com",
	"aws-cn":     "amazonaws.cn",
}

// FederationURL is the federation endpoint of a partition
// (https://signin.aws.amazon.com/federation for "aws" and ""); "" for an
// unknown partition.
func FederationURL(partition string) string {
	d, ok := partitionDomains[cmp.Or(partition, "aws")]
	if !ok {
		return ""
	}
	return "https://signin." + d + "/federation"
}

// ConsoleHome is the console's home page in a partition
// (https://console.aws.amazon.com/ for "aws"); "" for an unknown partition.
func ConsoleHome(partition string) string {
	d, ok := partitionDomains[cmp.Or(partition, "aws")]
	if !ok {
		return ""
	}
	return "https://console." + d + "/"
}

// SigninInput is what SigninURL needs. It reads no environment and no file.
type SigninInput struct {
	AccessKeyID                   string
	SecretAccessKey, SessionToken secret.String
	// Partition picks the federation endpoint; "" is aws.
	Partition string
	// Endpoint, when set, replaces the partition's federation endpoint
	// (tests; SAMLOGIN_FEDERATION_URL): https, or plain http to this
	// machine.
	Endpoint string
	// CABundle is trusted in addition to the system roots (--ca-bundle,
	// AWS_CA_BUNDLE); ignored when HTTPClient is set.
	CABundle string
	// Duration is SessionDuration, the console session's length: 0 leaves
	// it out (the session then lasts as long as the credentials).
	Duration time.Duration
	// Destination is the console page to open; "" is the partition's
	// console home.
	Destination string
	// Issuer is where the browser goes when the session ends; "" leaves it
	// out.
	Issuer string
	// HTTPClient nil: NewHTTPClient's with a 30 s timeout. Either way
	// every request and redirect is checked first (https, or plain http to
	// this machine; never https to http).
	HTTPClient *http.Client
}

// ErrFederation is returned (wrapped) when the federation endpoint refuses
// the credentials or answers something that is not a sign-in token.
var ErrFederation = errors.New("federation endpoint")

// FederationNetError is a federation call that got no answer (DNS,
// connection, TLS): the URL is the endpoint without the query, which holds
// the credentials.
type FederationNetError struct {
	URL string
	Err error
}

func (e *FederationNetError) Error() string {
	return fmt.Sprintf("get sign-in token from %s: %v", e.URL, e.Err)
}

func (e *FederationNetError) Unwrap() error { return e.Err }

// SigninURL exchanges temporary credentials for a sign-in token at the
// federation endpoint (GET ?Action=getSigninToken&Session={...}) and returns
// the console sign-in URL (?Action=login&Issuer&Destination&SigninToken).
// The URL signs whoever opens it in for 15 minutes: it is a secret.
func SigninURL(ctx context.Context, in SigninInput) (secret.String, error) {
	base := in.Endpoint
	if base == "" {
		base = FederationURL(in.Partition)
		if base == "" {
			return secret.String{}, fmt.Errorf("console: unknown partition %q (known: aws, aws-us-gov, aws-cn)", in.Partition)
		}
	}
	if err := CheckEndpoint(base); err != nil {
		return secret.String{}, fmt.Errorf("console: federation endpoint: %w", err)
	}
	if in.AccessKeyID == "" || in.SecretAccessKey.Empty() || in.SessionToken.Empty() {
		return secret.String{}, errors.New("console: the console needs temporary credentials (access key, secret key and session token)")
	}
	if in.Duration != 0 && (in.Duration < MinConsoleDuration || in.Duration > MaxConsoleDuration) {
		return secret.String{}, fmt.Errorf("console: session duration %s: the federation endpoint allows 15m to 12h", in.Duration)
	}
	dest := in.Destination
	if dest == "" {
		dest = ConsoleHome(in.Partition)
	}

	session, err := json.Marshal(struct {
		ID    string `json:"sessionId"`
		Key   string `json:"sessionKey"`
		Token string `json:"sessionToken"`
	}{in.AccessKeyID, in.SecretAccessKey.Reveal(), in.SessionToken.Reveal()})
	if err != nil {
		return secret.String{}, err
	}
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	if in.Duration != 0 {
		q.Set("SessionDuration", strconv.Itoa(int(in.Duration/time.Second)))
	}
	client := in.HTTPClient
	if client == nil {
		if client, err = NewHTTPClient(HTTPOptions{CABundle: in.CABundle, Timeout: 30 * time.Second}); err != nil {
			return secret.String{}, fmt.Errorf("console: %w", err)
		}
	}
	token, err := getSigninToken(ctx, secureClient(client), base, q)
	if err != nil {
		return secret.String{}, err
	}
	login := url.Values{"Action": {"login"}, "Destination": {dest}, "SigninToken": {token}}
	if in.Issuer != "" {
		login.Set("Issuer", in.Issuer)
	}
	return secret.New(base + "?" + login.Encode()), nil
}

// getSigninToken calls the federation endpoint. Its errors never carry the
// request URL: it holds the credentials.
func getSigninToken(ctx context.Context, client *http.Client, base string, q url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"?"+q.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("console: %w: bad URL %s", ErrFederation, base)
	}
	resp, err := client.Do(req)
	if err != nil {
		if err := deadlineError(ctx, "the federation endpoint", base); err != nil {
			return "", fmt.Errorf("console: get sign-in token: %w", err)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error prints the URL, which holds the credentials
		}
		return "", fmt.Errorf("console: %w", &FederationNetError{URL: base, Err: err})
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		if err := deadlineError(ctx, "the federation endpoint", base); err != nil {
			return "", fmt.Errorf("console: get sign-in token: %w", err)
		}
		return "", fmt.Errorf("console: get sign-in token from %s: %w", base, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("console: %w %s answered %s: %s", ErrFederation, base, resp.Status, snippet(body))
	}
	var out struct{ SigninToken string }
	if err := json.Unmarshal(body, &out); err != nil || out.SigninToken == "" {
		return "", fmt.Errorf("console: %w %s answered no SigninToken: %s", ErrFederation, base, snippet(body))
	}
	return out.SigninToken, nil
}

// snippet is the start of a response body for an error message, on one
// line. An error answer holds no secret; a success answer is never shown.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	if s == "" {
		s = "(empty body)"
	}
	return s
}
