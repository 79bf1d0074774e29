package awsconfig

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/samlogin/samlogin/internal/nettrust"
)

// ErrInsecureURL is matched (errors.Is) by the error of an AWS endpoint
// (STS, federation, sign-in page) that is neither https nor plain http to
// this machine, whether it was given or redirected to. It is
// nettrust.ErrInsecureURL.
var ErrInsecureURL = nettrust.ErrInsecureURL

// HTTPOptions configure NewHTTPClient. The zero value is ready to use.
type HTTPOptions struct {
	// CABundle is a PEM file (--ca-bundle, AWS_CA_BUNDLE) whose
	// certificates are trusted in addition to the system roots.
	CABundle string
	// Timeout bounds one exchange (http.Client.Timeout); 0: none (the
	// SDK's own, and the command's context, apply).
	Timeout time.Duration
}

// NewHTTPClient returns the client samlogin talks to AWS with (STS, the
// federation endpoint, the sign-in page): the AWS SDK's transport and
// timeouts, TLS roots the system's plus o.CABundle, every request and
// redirect checked by nettrust.Check before it is sent, and no redirect
// from https to plain http (ErrDowngrade).
func NewHTTPClient(o HTTPOptions) (*http.Client, error) {
	roots, err := nettrust.CertPool(o.CABundle)
	if err != nil {
		return nil, err
	}
	tr := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.Proxy = nettrust.DirectToLoopback(t.Proxy)
		if roots == nil {
			return
		}
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		t.TLSClientConfig.RootCAs = roots
	}).GetTransport()
	return secureClient(&http.Client{Transport: tr, Timeout: o.Timeout}), nil
}

// secureClient is c (nil: a default client) with the guard of every AWS
// endpoint call: nettrust's https-or-loopback check on each request and
// redirect, before anything is sent, and RefuseDowngrade. A client given by
// a caller (tests, a proxy setup) gets it too.
func secureClient(c *http.Client) *http.Client {
	if c == nil {
		c = &http.Client{Transport: awshttp.NewBuildableClient().GetTransport()}
	}
	own := c.CheckRedirect
	d := *c
	d.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := RefuseDowngrade(req, via); err != nil {
			return err
		}
		if own != nil {
			return own(req, via)
		}
		return nil
	}
	return nettrust.Secure(&d)
}

// CheckEndpoint refuses, before any request, an endpoint URL that is not
// https or plain http to this machine, or that is no URL at all; its error
// matches ErrInsecureURL for the first.
func CheckEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("invalid endpoint URL %q: give one like https://sts.eu-west-1.amazonaws.com", raw)
	}
	return nettrust.Check(u)
}
