// Package signin reads AWS account aliases from the AWS sign-in page: the
// page that https://signin.aws.amazon.com/saml answers when a SAMLResponse
// is POSTed to it (the console's role chooser) names each account as
// "alias (123456789012)". STS does not tell aliases, so this page is the
// only place a SAML user (with no IAM permissions yet) can learn them.
//
// ParseAccounts is pure and fuzzed; Fetch does the one POST; AliasCache
// keeps what was learnt for a day so the page is rarely asked.
package signin

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
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/internal/lazyre"
	"github.com/samlogin/samlogin/internal/nettrust"
	"github.com/samlogin/samlogin/internal/secret"
)

// URL is the SAML sign-in page of an AWS partition ("" is aws), the
// Recipient of the assertions AWS accepts there.
func URL(partition string) string {
	switch partition {
	case "aws-us-gov":
		return "https://signin.amazonaws-us-gov.com/saml"
	case "aws-cn":
		return "https://signin.amazonaws.cn/saml"
	}
	return "https://signin.aws.amazon.com/saml"
}

// ErrNoAccounts is returned by ParseAccounts for a page that names no
// account (an error page, a changed layout, a console redirect).
var ErrNoAccounts = errors.New("signin: the sign-in page names no account")

// MaxPage bounds the page Fetch reads.
const MaxPage = 4 << 20

var (
	accountID = lazyre.New(`^[0-9]{12}$`)
	withAlias = lazyre.New(`^(.+?)\s*\(([0-9]{12})\)$`)
	aliasOK   = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)
)

// ParseAccounts returns the accounts the sign-in page names: account id →
// alias, "" for an account shown without an alias. It reads both page
// formats AWS has served: the legacy HTML role chooser
// (div.saml-account-name "Account: alias (123456789012)") and the Next.js
// page (<meta name="data"> holding base64 JSON whose roles_accounts keys are
// "alias (123456789012)" or "123456789012"). An alias that could not be a
// profile name part (AWS aliases are lower-case letters, digits and
// hyphens) is dropped, keeping the account.
func ParseAccounts(page []byte) (map[string]string, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("signin: parse page: %w", err)
	}
	out := map[string]string{}
	doc.Find("div.saml-account-name").Each(func(_ int, s *goquery.Selection) {
		addLabel(out, s.Text())
	})
	doc.Find(`meta[name="data"]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("content")
		for _, label := range nextLabels(v) {
			addLabel(out, label)
		}
	})
	if len(out) == 0 {
		return nil, ErrNoAccounts
	}
	return out, nil
}

// nextLabels decodes the Next.js page's data blob and returns the account
// labels it holds.
func nextLabels(b64 string) []string {
	b64 = strings.Join(strings.Fields(b64), "")
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(b64); err != nil {
			return nil
		}
	}
	var data map[string]json.RawMessage
	if json.Unmarshal(raw, &data) != nil {
		return nil
	}
	var labels []string
	for _, k := range []string{"roles_accounts", "invalid_accounts", "foreign_accounts"} {
		var m map[string]json.RawMessage
		if json.Unmarshal(data[k], &m) != nil {
			continue
		}
		for label := range m {
			labels = append(labels, label)
		}
	}
	return labels
}

// addLabel records "Account: alias (id)", "alias (id)" or "id".
func addLabel(out map[string]string, label string) {
	label = strings.TrimSpace(label)
	label = strings.TrimSpace(strings.TrimPrefix(label, "Account:"))
	if accountID().MatchString(label) {
		if _, ok := out[label]; !ok {
			out[label] = ""
		}
		return
	}
	m := withAlias().FindStringSubmatch(label)
	if m == nil {
		return
	}
	alias := strings.TrimSpace(m[1])
	if !aliasOK().MatchString(alias) {
		alias = ""
	}
	if alias != "" || out[m[2]] == "" {
		out[m[2]] = alias
	}
}

// Fetch POSTs the SAMLResponse to the sign-in page at pageURL, as the
// browser does after the IdP, and parses the answer with ParseAccounts. It
// follows no redirect: with a single role AWS signs straight in to the
// console, and samlogin wants no console session. The client should be
// awsconfig.NewHTTPClient's (with the user's CA bundle); whatever it is, the
// page must be https or plain http to this machine, checked before anything
// is sent, and the POST goes nowhere else.
func Fetch(ctx context.Context, client *http.Client, pageURL string, samlResponse secret.String) (map[string]string, error) {
	if err := awsconfig.CheckEndpoint(pageURL); err != nil {
		return nil, fmt.Errorf("signin: %w", err)
	}
	if client == nil {
		client = &http.Client{}
	}
	form := url.Values{"SAMLResponse": {samlResponse.Reveal()}, "RelayState": {""}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, pageURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("signin: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := nettrust.Secure(&c).Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("signin: %w", deadlineError(ctx, pageURL))
		}
		return nil, fmt.Errorf("signin: post to %s: %w", pageURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("signin: %s answered %s", pageURL, resp.Status)
	}
	page, err := io.ReadAll(io.LimitReader(resp.Body, MaxPage))
	if err != nil {
		return nil, fmt.Errorf("signin: read %s: %w", pageURL, err)
	}
	return ParseAccounts(page)
}

// deadlineError is the error of a post that ctx ended: an
// *awsconfig.TimeoutError naming the page when the deadline passed, the
// cancellation otherwise.
func deadlineError(ctx context.Context, pageURL string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &awsconfig.TimeoutError{Step: "the AWS sign-in page", URL: pageURL, Err: context.Cause(ctx)}
	}
	return fmt.Errorf("post to %s: %w", pageURL, ctx.Err())
}
