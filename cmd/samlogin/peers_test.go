package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"
)

// Role values the test IdPs release.
const (
	roleAdmin    = "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/ADFS"
	roleReadOnly = "arn:aws:iam::123456789012:role/ReadOnly,arn:aws:iam::123456789012:saml-provider/ADFS"
)

// Test users of the in-repo ADFS servers.
var adfsUsers = map[string]string{
	`CORP\alice`:           "alice-Pa55!",
	"bob@corp.example.com": "bob-Pa55!",
}

// freshAssertion is what the test ADFS posts for user: valid for 5 minutes,
// alice with two roles, everyone else with Admin only.
func freshAssertion(user string) string {
	roles := []string{roleAdmin}
	if strings.Contains(strings.ToLower(user), "alice") {
		roles = append(roles, roleReadOnly)
	}
	name := strings.ToLower(user)
	if i := strings.LastIndex(name, `\`); i >= 0 {
		name = name[i+1:] + "@corp.example.com"
	}
	now := time.Now()
	return ststest.Assertion(ststest.AssertionOptions{
		Roles: roles, SessionName: name, IssueInstant: now, NotOnOrAfter: now.Add(5 * time.Minute),
	})
}

// startPeers starts the in-repo test servers the scripts talk to, on
// 127.0.0.1, and returns the variables that name them. t.Cleanup stops them.
func startPeers(t *testing.T) map[string]string {
	sts := ststest.New(t, ststest.Options{
		MaxSessionDuration: map[string]time.Duration{
			"arn:aws:iam::123456789012:role/Admin": 12 * time.Hour,
		},
	})
	adfs := idptest.NewADFS(t, idptest.ADFSOptions{Users: adfsUsers, SAMLResponse: freshAssertion, TLS: true})
	mfa := idptest.NewADFS(t, idptest.ADFSOptions{Users: adfsUsers, SAMLResponse: freshAssertion, TLS: true,
		MFA: idptest.MFACode, MFACode: "654321"})
	unknownRP := idptest.NewADFS(t, idptest.ADFSOptions{Users: adfsUsers, TLS: true, UnknownRP: true})

	// A server that accepts the connection and never answers.
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(stall.Close)
	// An STS that reads the request and never answers (the POST body must
	// be read for the server to see the client go away).
	stop := make(chan struct{})
	stallSTS := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(stallSTS.Close)
	t.Cleanup(func() { close(stop) }) // before Close, which waits for the handlers
	// A port where nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()

	return map[string]string{
		"STS_URL":        sts.URL(),
		"ADFS_HOST":      adfs.Host(),
		"ADFS_CA":        adfs.CACertFile(),
		"ADFS_MFA_HOST":  mfa.Host(),
		"ADFS_BADRP":     unknownRP.Host(),
		"STALL_URL":      stall.URL + "/idp/sso",
		"STALL_STS_URL":  stallSTS.URL,
		"DEAD_HOST":      dead,
		"ALICE_PASSWORD": adfsUsers[`CORP\alice`],
		"BOB_PASSWORD":   adfsUsers["bob@corp.example.com"],
	}
}
