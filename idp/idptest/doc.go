// Package idptest runs in-process identity providers that behave like the
// real ones samlogin signs in to, for tests only (it imports testing).
//
// NewADFS starts an Active Directory Federation Services look-alike on
// 127.0.0.1 (plain HTTP, or TLS with a certificate a test can trust through
// CACertFile). It serves the captured ADFS pages in testdata/ (templated with
// the server's URL, the user name and the error messages), and synthesised
// pages of the same shape for what was not captured: the ADFS 2.0 ASP.NET
// sign-in form, the Azure MFA push page, the method-choice page, the Duo
// page, the error page and the "Working..." page that carries the
// SAMLResponse.
//
// The server checks what the client sent, the way ADFS would: the
// relying party, the credentials, the ASP.NET view state, the Context of an
// additional-authentication page and the MSISAuth cookie that goes with it.
// Requests records every request (fields in the order they were sent, and
// cookies) so that tests can assert what the client did, not only what it
// got.
//
// NewHostile starts an IdP and another site on loopback that try to get a
// secret sent where the user never sent it (a form action on the other
// site, a login behind a cross-site redirect, a GET password form, a 307 of
// the ADFS post to another origin) and serve text built to harm a terminal
// (HostileErrorText); both servers record every request. StatePortal is a
// portal that keeps its state in URLs (;jsessionid, sid, execution, a token
// in the path), for the tests of --debug's redaction.
//
// NewPortal starts a generic portal shaped like LemonLDAP::NG (whose
// bootstrap templates and the test bed's captures in
// ../form/testdata/llng are its model): a login form, a second-factor
// choice page with one named button per factor and script-filled labels, a
// TOTP page, Duo and WebAuthn pages that only a browser answers, a page that
// needs JavaScript, and four ways of rejecting a password or a code (an
// alert, a bare <p>, a message code alone, an error page with a link back).
// It checks the state token and the chosen button, and records requests.
//
// NewJSPortal starts a portal whose sign-in only a browser can do: inputs
// and a button but no <form>, a script that posts JSON to /api/login and
// then builds the form that posts the SAMLResponse to AWS (or to a regional
// host, or without a SAMLResponse). Options add a remember-me cookie (a
// later visit posts at once, no typing) and a security key
// (navigator.credentials.create on first use, then .get; the server checks
// the credential id, the challenge, the type and the origin of the client
// data). It counts password posts, for the browser driver's tests.
//
// Which facts come from real ADFS and which are guesses is listed in
// testdata/README.md.
//
// NewOneLogin starts a OneLogin API (version 2) look-alike: the token,
// saml_assertion and verify_factor calls in OneLogin's JSON shapes, checking
// the method, Content-Type, the Bearer token and the fields; scripted MFA
// devices (app, SMS, OneLogin Protect), push approval, denial or none, wrong
// password or code, an expired state token, an IP policy, 429 and 503.
package idptest
