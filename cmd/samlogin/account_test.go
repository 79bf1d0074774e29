package main

import (
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/awsconfig/ststest"
)

// TestAccountScripts runs the scripts of status, logout and console
// (testdata/script/account) against the binary, with the test STS for
// AssumeRoleWithSAML ($STS_URL), a test STS for the AssumeRole of chained
// profiles ($ROLE_STS_URL) and a test federation endpoint
// ($FEDERATION_URL, which refuses a SessionDuration above 1h for the
// credentials $ROLE_STS_URL issued).
func TestAccountScripts(t *testing.T) {
	sts := ststest.New(t, ststest.Options{
		MaxSessionDuration: map[string]time.Duration{"arn:aws:iam::123456789012:role/Admin": 12 * time.Hour},
	})
	role := ststest.NewRoleSTS(t, nil)
	fed := ststest.NewFederation(t)
	fed.Chained = func(id string) bool { return strings.HasPrefix(id, "ASIAROLETEST") }
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script/account",
		UpdateScripts: *update,
		Setup: func(e *testscript.Env) error {
			e.Setenv("HOME", e.WorkDir+"/home")
			e.Setenv("TZ", "UTC")
			e.Setenv("STS_URL", sts.URL())
			e.Setenv("ROLE_STS_URL", role.URL())
			e.Setenv("FEDERATION_URL", fed.URL())
			e.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			for _, k := range []string{"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE",
				"AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "SAMLOGIN_FEDERATION_URL"} {
				e.Setenv(k, "")
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mkassertion": cmdMkAssertion,
			"exit":        cmdExit,
		},
	})
}
