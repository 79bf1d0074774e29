package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/idp/idptest"
)

// startPortals starts idptest.Portals (LemonLDAP::NG-shaped second-factor
// pages) for the scripts: PORTAL_URL rejects a password with an alert and
// a code with an error page, PORTAL_PLAIN_URL a password with a bare <p>,
// PORTAL_CODE_URL a password with only a message code. Their users: bob
// (TOTP or WebAuthn: the choice page, code 246810), carol (TOTP, 135791),
// dave (Duo). The command "portal reset|log" acts on PORTAL_URL.
func startPortals(t testing.TB) (map[string]string, func(ts *testscript.TestScript, neg bool, args []string)) {
	users := map[string]idptest.PortalUser{
		"bob":   {Password: "bob-pw", Factors: []string{idptest.PortalTOTP, idptest.PortalWebAuthn}, Code: "246810"},
		"carol": {Password: "carol-pw", Factors: []string{idptest.PortalTOTP}, Code: "135791"},
		"dave":  {Password: "dave-pw", Factors: []string{idptest.PortalDuo}},
	}
	p := idptest.NewPortal(t, idptest.PortalOptions{Users: users, SAMLResponse: freshAssertion, BadCode: idptest.RejectErrorPage})
	plain := idptest.NewPortal(t, idptest.PortalOptions{Users: users, SAMLResponse: freshAssertion, BadPassword: idptest.RejectPlain})
	code := idptest.NewPortal(t, idptest.PortalOptions{Users: users, SAMLResponse: freshAssertion, BadPassword: idptest.RejectCode})
	vars := map[string]string{"PORTAL_URL": p.URL(), "PORTAL_PLAIN_URL": plain.URL(), "PORTAL_CODE_URL": code.URL()}
	return vars, func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: portal reset|log")
		}
		switch args[0] {
		case "reset":
			p.Reset()
		case "log":
			for _, r := range p.Requests() {
				ts.Stdout().Write([]byte(r + "\n"))
			}
		default:
			ts.Fatalf("usage: portal reset|log")
		}
	}
}
