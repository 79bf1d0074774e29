package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/onelogin"
	"github.com/samlogin/samlogin/internal/keychain"
	"github.com/samlogin/samlogin/internal/secret"
)

// keychainKindOneLoginSecret is the keychain kind of a OneLogin API client
// secret (IdP: the API host, Username: the client id).
const keychainKindOneLoginSecret = "onelogin-client-secret"

// oneLoginOptions are the --onelogin-* flags.
type oneLoginOptions struct {
	subdomain     string
	appID         string
	region        string
	apiURL        string
	clientID      string
	secretCommand string

	secret       secret.String       // resolved by prepareOneLogin
	secretSource string              // "env", "command", "keychain", "prompt"
	tokens       onelogin.TokenCache // the access token kept between runs; nil: none
}

func addOneLoginFlags(fs *pflag.FlagSet, o *oneLoginOptions) {
	fs.StringVar(&o.subdomain, "onelogin-subdomain", "", "sign in at OneLogin through its API: the account's subdomain (corp for corp.onelogin.com; stored with the profile)")
	fs.StringVar(&o.appID, "onelogin-app-id", "", "OneLogin: the id of the AWS app (stored with the profile)")
	fs.StringVar(&o.region, "onelogin-region", "us", "OneLogin: API region, us or eu (stored with the profile)")
	fs.StringVar(&o.apiURL, "onelogin-api-url", "", "OneLogin: a custom API host, instead of the region's (stored with the profile)")
	fs.StringVar(&o.clientID, "onelogin-client-id", "", "OneLogin: API client id, of credentials with the Authentication Only scope (stored with the profile)")
	fs.StringVar(&o.secretCommand, "onelogin-client-secret-command", "", "OneLogin: run this command and use its output as the API client secret (else SAMLOGIN_ONELOGIN_CLIENT_SECRET, the keychain with --keychain, or a prompt)")
}

// oneLoginOptionsOf reads the options stored in a profile's settings.
func oneLoginOptionsOf(settings map[string]string) *oneLoginOptions {
	return &oneLoginOptions{
		subdomain: settings["samlogin_onelogin_subdomain"],
		appID:     settings["samlogin_onelogin_app_id"],
		region:    settings["samlogin_onelogin_region"],
		apiURL:    settings["samlogin_onelogin_api_url"],
		clientID:  settings["samlogin_onelogin_client_id"],
	}
}

// api is the API base URL: --onelogin-api-url, else the region's.
func (o *oneLoginOptions) api() (string, error) {
	if o.apiURL != "" {
		return o.apiURL, nil
	}
	u, err := onelogin.APIURL(o.region)
	if err != nil {
		return "", usagef("--onelogin-region %q: use us or eu", o.region)
	}
	return u, nil
}

// apiHost is the API host (the keychain's IdP for the client secret).
func (o *oneLoginOptions) apiHost() string {
	a, err := o.api()
	if err != nil {
		return a
	}
	if !strings.Contains(a, "://") {
		a = "https://" + a
	}
	if u, err := url.Parse(a); err == nil && u.Host != "" {
		return u.Host
	}
	return a
}

// describe names the IdP (caches, the profile's identity, status):
// API-HOST/SUBDOMAIN/APP-ID.
func (o *oneLoginOptions) describe() string {
	return o.apiHost() + "/" + o.subdomain + "/" + o.appID
}

func (o *oneLoginOptions) secretKey() keychain.Key {
	return keychain.Key{Kind: keychainKindOneLoginSecret, IdP: o.apiHost(), Username: o.clientID}
}

func buildOneLogin(_ *Env, so *signinOptions, _ string, deps idp.Deps) (idp.Driver, error) {
	o := &so.onelogin
	api, err := o.api()
	if err != nil {
		return nil, err
	}
	return onelogin.New(onelogin.Config{
		APIURL: api, Subdomain: o.subdomain, AppID: o.appID,
		ClientID: o.clientID, ClientSecret: o.secret, Tokens: o.tokens,
	}, deps)
}

// prepareOneLogin reads the API client secret: SAMLOGIN_ONELOGIN_CLIENT_SECRET,
// else --onelogin-client-secret-command, else the keychain (--keychain),
// else a prompt. It never comes from argv or the config file.
func prepareOneLogin(ctx context.Context, env *Env, so *signinOptions, p idp.Prompter) error {
	o := &so.onelogin
	switch {
	case o.appID == "":
		return usagef("--onelogin-subdomain needs --onelogin-app-id (the AWS app's id in OneLogin)")
	case o.clientID == "":
		return usagef("--onelogin-subdomain needs --onelogin-client-id (API credentials with the Authentication Only scope)")
	}
	if _, err := o.api(); err != nil {
		return err
	}
	if t := newOneLoginTokens(env, o.apiHost()); t != nil {
		o.tokens = t
	}
	if v := env.Getenv("SAMLOGIN_ONELOGIN_CLIENT_SECRET"); v != "" {
		o.secret, o.secretSource = secret.New(v), "env"
		return nil
	}
	if o.secretCommand != "" {
		awsconfig.ReportStep(ctx, "running --onelogin-client-secret-command")
		v, err := runPasswordCommand(ctx, env, o.secretCommand)
		if err != nil {
			return fmt.Errorf("--onelogin-client-secret-command: %w", err)
		}
		o.secret, o.secretSource = v, "command"
		return nil
	}
	if so.keychain {
		if v, err := env.keychain().get(o.secretKey()); err == nil && !v.Empty() {
			o.secret, o.secretSource = v, "keychain"
			return nil
		}
	}
	v, err := p.Secret("OneLogin API client secret for client id " + o.clientID)
	if errors.Is(err, idp.ErrNoPrompt) {
		return usagef("no OneLogin API client secret: set SAMLOGIN_ONELOGIN_CLIENT_SECRET or give --onelogin-client-secret-command")
	}
	if err != nil {
		return err
	}
	o.secret, o.secretSource = v, "prompt"
	return nil
}

// acceptedOneLogin keeps a client secret that worked in the keychain
// (--keychain) when it did not come from there.
func acceptedOneLogin(env *Env, so *signinOptions) {
	o := &so.onelogin
	if so.keychain && o.secretSource != "keychain" && !o.secret.Empty() {
		_ = env.keychain().set(o.secretKey(), o.secret) // a failure has said its line
	}
}

// oneLoginHint is the hint of the OneLogin driver's errors.
func oneLoginHint(err error) string {
	var se *onelogin.SettingError
	if errors.As(err, &se) {
		switch {
		case strings.HasPrefix(se.Setting, "subdomain"):
			return "check --onelogin-subdomain (corp for corp.onelogin.com)"
		case strings.HasPrefix(se.Setting, "app id"):
			return "check --onelogin-app-id (the number in the AWS app's URL in OneLogin's admin pages)"
		default:
			return "check --onelogin-client-id and the client secret (SAMLOGIN_ONELOGIN_CLIENT_SECRET, --onelogin-client-secret-command, the keychain), and --onelogin-region or --onelogin-api-url"
		}
	}
	if errors.Is(err, onelogin.ErrStateExpired) {
		return "run samlogin again, with a new code"
	}
	if errors.Is(err, onelogin.ErrIPRestricted) {
		return "a OneLogin policy allows this sign-in only from some networks: connect to one (VPN), or ask your OneLogin admin"
	}
	return ""
}
