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
	testscript.Run(t, scriptParams("testdata/script/account", map[string]string{
		"STS_URL":        sts.URL(),
		"ROLE_STS_URL":   role.URL(),
		"FEDERATION_URL": fed.URL(),
	}))
}
