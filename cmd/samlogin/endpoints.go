package main

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/samlogin/samlogin/awsconfig"
)

// override is an AWS endpoint that the user chose instead of AWS's own
// (STS, the federation endpoint), and where the choice was made. The
// assertion and the keys go there, so samlogin says so whenever it used
// one, and refuses plain http to another machine before anything is sent.
// The zero value is AWS's own endpoint.
type override struct {
	what string // "STS", "federation"
	url  string
	from string // "--sts-endpoint", "AWS_ENDPOINT_URL_STS", "profile P's samlogin_sts_endpoint"...
}

func (o override) set() bool { return o.url != "" }

// String is how the user reads it: "STS: http://127.0.0.1:5000 from
// AWS_ENDPOINT_URL_STS".
func (o override) String() string { return o.what + ": " + shownURL(o.url) + " from " + o.from }

// shownURL is raw with the password of a user:password@ part, if any,
// replaced by xxxxx: an endpoint URL is printed, and may be pasted.
func shownURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	return raw
}

// flagSource names where a flag's value came from: the flag, or the
// SAMLOGIN_* variable that applyEnv set it from.
func flagSource(env *Env, flag string) string {
	if v, ok := env.fromEnv[flag]; ok {
		return v
	}
	return "--" + flag
}

// stsOverride is the STS endpoint to call instead of AWS's regional one:
// --sts-endpoint given now (or SAMLOGIN_STS_ENDPOINT), else
// AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else the profile's stored
// samlogin_sts_endpoint (flag > environment > stored > default). given says
// the flag was set before the profile's stored settings were applied to it;
// value is the flag's value now.
func stsOverride(env *Env, given bool, value, profile string) override {
	if given && value != "" {
		return override{what: "STS", url: value, from: flagSource(env, "sts-endpoint")}
	}
	for _, k := range []string{"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"} {
		if v := env.Getenv(k); v != "" {
			return override{what: "STS", url: v, from: k}
		}
	}
	if value != "" {
		return storedSTS(profile, value)
	}
	return override{}
}

// storedSTS is the samlogin_sts_endpoint stored with profile.
func storedSTS(profile, value string) override {
	return override{what: "STS", url: value, from: fmt.Sprintf("profile %s's %ssts_endpoint", profile, awsconfig.SettingPrefix)}
}

// checkOverride refuses, before anything is sent, an endpoint that is no
// URL or that is plain http to another machine (exit 2, one line naming
// the URL and where it came from).
func checkOverride(o override) error {
	if !o.set() {
		return nil
	}
	err := awsconfig.CheckEndpoint(o.url)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, awsconfig.ErrInsecureURL):
		return usagef("%s endpoint %s from %s is plain http to another machine: use https (plain http only to 127.0.0.1, ::1 or localhost)",
			o.what, shownURL(o.url), o.from)
	}
	return usagef("%s endpoint %q from %s is not a URL: give one like https://%s", o.what, shownURL(o.url), o.from, exampleHost(o.what))
}

func exampleHost(what string) string {
	if what == "STS" {
		return "sts.eu-west-1.amazonaws.com"
	}
	return "signin.aws.amazon.com/federation"
}

// noteOverrides says on stderr, in one line, which chosen endpoints the
// credentials went through (nothing for AWS's own).
func noteOverrides(env *Env, os ...override) {
	var parts []string
	for _, o := range os {
		if o.set() && !slices.Contains(parts, o.String()) {
			parts = append(parts, o.String())
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(env.Stderr, "samlogin: %s\n", strings.Join(parts, "; "))
	}
}
