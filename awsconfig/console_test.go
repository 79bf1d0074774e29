package awsconfig_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/internal/secret"
)

func TestPartitionURLs(t *testing.T) {
	for _, tc := range []struct{ partition, federation, console string }{
		{"", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/"},
		{"aws", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/"},
		{"aws-us-gov", "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/"},
		{"aws-cn", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/"},
		{"aws-iso", "", ""},
	} {
		if got := awsconfig.FederationURL(tc.partition); got != tc.federation {
			t.Errorf("FederationURL(%q) = %q, want %q", tc.partition, got, tc.federation)
		}
		if got := awsconfig.ConsoleHome(tc.partition); got != tc.console {
			t.Errorf("ConsoleHome(%q) = %q, want %q", tc.partition, got, tc.console)
		}
	}
}

func signinInput(endpoint string) awsconfig.SigninInput {
	return awsconfig.SigninInput{
		AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: secret.New("sec/ret+key"), SessionToken: secret.New("tok=en/+"),
		Endpoint: endpoint,
	}
}

func TestSigninURL(t *testing.T) {
	fed := ststest.NewFederation(t)
	for _, tc := range []struct {
		name      string
		edit      func(*awsconfig.SigninInput)
		wantQuery url.Values
		duration  int
	}{
		{"defaults", func(*awsconfig.SigninInput) {},
			url.Values{"Action": {"login"}, "Destination": {"https://console.aws.amazon.com/"}}, 0},
		{"gov console home", func(in *awsconfig.SigninInput) { in.Partition = "aws-us-gov" },
			url.Values{"Action": {"login"}, "Destination": {"https://console.amazonaws-us-gov.com/"}}, 0},
		{"destination issuer duration", func(in *awsconfig.SigninInput) {
			in.Destination, in.Issuer, in.Duration = "https://console.aws.amazon.com/s3/home?region=eu-west-1", "https://idp.example/sso?x=1&y=2", 12*time.Hour
		}, url.Values{"Action": {"login"}, "Destination": {"https://console.aws.amazon.com/s3/home?region=eu-west-1"},
			"Issuer": {"https://idp.example/sso?x=1&y=2"}}, 43200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := signinInput(fed.URL())
			tc.edit(&in)
			u, err := awsconfig.SigninURL(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if s := fmt.Sprint(u); s != secret.Redacted {
				t.Errorf("the URL prints as %q, want it redacted", s)
			}
			parsed, err := url.Parse(u.Reveal())
			if err != nil {
				t.Fatal(err)
			}
			if got := parsed.Scheme + "://" + parsed.Host + parsed.Path; got != fed.URL() {
				t.Errorf("base %q, want %q", got, fed.URL())
			}
			q := parsed.Query()
			reqs := fed.Requests()
			last := reqs[len(reqs)-1]
			tc.wantQuery.Set("SigninToken", ststest.SigninToken(len(reqs), tc.duration))
			if q.Encode() != tc.wantQuery.Encode() {
				t.Errorf("query\n got %s\nwant %s", q.Encode(), tc.wantQuery.Encode())
			}
			if last.Error != "" || last.SessionID != "ASIAEXAMPLE" || last.SessionKey != "sec/ret+key" || last.SessionToken != "tok=en/+" || last.SessionDuration != tc.duration {
				t.Errorf("federation saw %+v", last)
			}
		})
	}
}

func TestSigninURLErrors(t *testing.T) {
	fed := ststest.NewFederation(t)
	fed.Chained = func(string) bool { return true }
	for _, tc := range []struct {
		name    string
		edit    func(*awsconfig.SigninInput)
		wantErr string
		fed     bool
	}{
		{"no token", func(in *awsconfig.SigninInput) { in.SessionToken = secret.String{} }, "needs temporary credentials", false},
		{"short", func(in *awsconfig.SigninInput) { in.Duration = time.Minute }, "allows 15m to 12h", false},
		{"unknown partition", func(in *awsconfig.SigninInput) { in.Endpoint, in.Partition = "", "aws-iso" }, `unknown partition "aws-iso"`, false},
		{"chained above 1h", func(in *awsconfig.SigninInput) { in.Duration = 2 * time.Hour }, "answered 400 Bad Request: SessionDuration above 3600", true},
		{"not found", func(in *awsconfig.SigninInput) { in.Endpoint += "x" }, "answered 404", true},
		{"unreachable", func(in *awsconfig.SigninInput) { in.Endpoint = "http://127.0.0.1:1/federation" }, "get sign-in token from http://127.0.0.1:1/federation", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := signinInput(fed.URL())
			tc.edit(&in)
			_, err := awsconfig.SigninURL(context.Background(), in)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if errors.Is(err, awsconfig.ErrFederation) != tc.fed {
				t.Errorf("errors.Is(ErrFederation) = %v, want %v", !tc.fed, tc.fed)
			}
			for _, s := range []string{"sec/ret", "sec%2Fret", "tok=en", "tok%3Den", "Session="} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q holds %q", err, s)
				}
			}
		})
	}
}

func TestAssumeChainedRole(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	sts := ststest.NewRoleSTS(t, func() time.Time { return now })
	in := awsconfig.RoleChainInput{
		RoleARN: "arn:aws:iam::210987654321:role/path/WebDeploy", SessionName: awsconfig.SessionName("arn:aws:sts::1:assumed-role/Admin/bob@example.test"),
		AccessKeyID: "ASIASOURCE", SecretAccessKey: secret.New("s"), SessionToken: secret.New("source-token"),
		Endpoint: sts.URL(), Duration: 8 * time.Hour,
	}
	c, err := awsconfig.AssumeChainedRole(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	r := sts.Requests()[0]
	if r.SignedBy != "ASIASOURCE" || r.SecurityToken != "source-token" || r.RoleSessionName != "bob@example.test" || r.DurationSeconds != 3600 || r.Fault != "" {
		t.Errorf("STS saw %+v", r)
	}
	if c.AccessKeyID != ststest.ChainedAccessKeyID(1) || c.SessionToken.Empty() || !c.Expiration.Equal(now.Add(time.Hour)) ||
		c.AssumedRoleARN != "arn:aws:sts::210987654321:assumed-role/WebDeploy/bob@example.test" {
		t.Errorf("credentials %+v", c)
	}

	in.SessionToken = secret.String{}
	_, err = awsconfig.AssumeChainedRole(context.Background(), in)
	var se *awsconfig.STSError
	if !errors.As(err, &se) || se.Code != "InvalidClientTokenId" || se.Hint == "" {
		t.Errorf("without a session token: %v", err)
	}
	// An endpoint that answers without an STS error (here a proxy's 403
	// page, which is not retried), as for AssumeRoleWithSAML: "answered
	// HTTP 403", not "cannot reach".
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>blocked by proxy</html>", http.StatusForbidden)
	}))
	defer broken.Close()
	in.SessionToken, in.Endpoint = secret.New("source-token"), broken.URL
	if _, err := awsconfig.AssumeChainedRole(context.Background(), in); !errors.As(err, &se) || se.Code != "http" || se.Kind == awsconfig.KindNetwork {
		t.Errorf("HTTP 403 page: %v", err)
	}
	in.RoleARN = "nope"
	if _, err := awsconfig.AssumeChainedRole(context.Background(), in); !errors.As(err, &se) || se.Kind != awsconfig.KindInvalidInput {
		t.Errorf("bad role ARN: %v", err)
	}
}

func TestSessionName(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:sts::1:assumed-role/Admin/alice@example.com": "alice@example.com",
		"arn:aws:sts::1:assumed-role/Admin/CORP\\alice":       "samlogin",
		"": "samlogin",
		"arn:aws:sts::1:assumed-role/Admin/" + strings.Repeat("x", 65): "samlogin",
	} {
		if got := awsconfig.SessionName(in); got != want {
			t.Errorf("SessionName(%q) = %q, want %q", in, got, want)
		}
	}
}
