package awsconfig

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/internal/lazyre"
	"github.com/samlogin/samlogin/internal/secret"
)

// RoleChainInput is what AssumeChainedRole needs: the role of a chained
// profile (role_arn, source_profile) and the source profile's credentials.
// It reads no environment and no file.
type RoleChainInput struct {
	RoleARN     string
	SessionName string // RoleSessionName; "" is "samlogin"
	// The source profile's temporary credentials, which sign the call.
	AccessKeyID                   string
	SecretAccessKey, SessionToken secret.String
	// Partition and Region select the regional STS endpoint (defaults as
	// for AssumeRoleWithSAML); Endpoint replaces it: https, or plain http to
	// this machine.
	Partition, Region, Endpoint string
	// CABundle is trusted in addition to the system roots; ignored when
	// HTTPClient is set. HTTPClient nil: NewHTTPClient's. Either way every
	// request and redirect is checked first.
	CABundle string
	// Duration is DurationSeconds; 0 and anything above one hour are one
	// hour: AWS caps role chaining at one hour.
	Duration   time.Duration
	HTTPClient *http.Client
}

var sessionNameRe = lazyre.New(`^[\w+=,.@-]{2,64}$`)

// SessionName returns a valid RoleSessionName from the session part of an
// assumed-role ARN (arn:aws:sts::1:assumed-role/Role/alice@example.com →
// alice@example.com), or "samlogin".
func SessionName(assumedRoleARN string) string {
	for i := len(assumedRoleARN) - 1; i >= 0; i-- {
		if assumedRoleARN[i] == '/' {
			if s := assumedRoleARN[i+1:]; sessionNameRe().MatchString(s) {
				return s
			}
			break
		}
	}
	return "samlogin"
}

// AssumeChainedRole calls STS AssumeRole, signed with the source profile's
// credentials, as the AWS CLI does for a profile with role_arn and
// source_profile.
func AssumeChainedRole(ctx context.Context, in RoleChainInput) (*Credentials, error) {
	role, err := assertion.ParseRoleARN(in.RoleARN)
	if err != nil {
		return nil, inputError("fix role_arn of the chained profile", "role_arn: %v", err)
	}
	partition := in.Partition
	if partition == "" {
		partition = role.Partition
	}
	region := in.Region
	if region == "" {
		region = DefaultRegion(partition)
	}
	d := in.Duration
	if d <= 0 || d > MaxChainedRoleDuration {
		d = MaxChainedRoleDuration
	}
	if err := checkSTSEndpoint(in.Endpoint); err != nil {
		return nil, err
	}
	name := in.SessionName
	if name == "" {
		name = "samlogin"
	}
	opts := sts.Options{
		Region: region,
		Credentials: credentials.NewStaticCredentialsProvider(in.AccessKeyID,
			in.SecretAccessKey.Reveal(), in.SessionToken.Reveal()),
	}
	endpoint := in.Endpoint
	if endpoint != "" {
		opts.BaseEndpoint = aws.String(endpoint)
	} else {
		endpoint = STSEndpoint(partition, region)
	}
	client, err := stsClient(in.HTTPClient, in.CABundle)
	if err != nil {
		return nil, err
	}
	opts.HTTPClient = client
	ReportStep(ctx, "calling STS at "+endpoint)
	out, err := sts.New(opts).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(in.RoleARN),
		RoleSessionName: aws.String(name),
		DurationSeconds: aws.Int32(int32(d / time.Second)),
	})
	if err != nil {
		if err := deadlineError(ctx, "STS", endpoint); err != nil {
			return nil, fmt.Errorf("sts: assume role %s: %w", in.RoleARN, err)
		}
		return nil, chainError(err, in.RoleARN, endpoint)
	}
	c := granted(out.Credentials, out.AssumedRoleUser, d)
	c.SourceIdentity = aws.ToString(out.SourceIdentity)
	return c, nil
}

func chainError(err error, roleARN, endpoint string) *STSError {
	se, api := classifyError(err, endpoint)
	if api == nil {
		return se
	}
	switch se.Code {
	case "ExpiredToken", "ExpiredTokenException":
		se.Kind = KindExpired
		se.Hint = "the source profile's credentials have expired: sign in again"
	case "AccessDenied", "AccessDeniedException":
		se.Kind = KindAccessDenied
		se.Hint = fmt.Sprintf("the trust policy of %s does not allow sts:AssumeRole from the source profile's role", roleARN)
	case "InvalidClientTokenId", "SignatureDoesNotMatch":
		se.Kind = KindInvalidToken
		se.Hint = "STS did not accept the source profile's credentials: sign in again"
	}
	return se
}
