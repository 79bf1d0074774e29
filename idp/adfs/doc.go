// Package adfs signs a user in at Active Directory Federation Services
// through its IdP-initiated sign-on page
// (https://HOST/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices)
// and returns the SAMLResponse that ADFS would post to AWS.
//
// # Round trips
//
// When the password is known up front, the first request is a single POST of
// UserName, Password and AuthMethod=FormsAuthentication straight to the
// sign-on URL, as aws-adfs does: ADFS 2012 R2 and later answer it with the
// SAMLResponse (or the additional-authentication page) without the sign-in
// page ever being fetched. If the answer is the sign-in page with an error
// message, the password was rejected and is never posted again. If it is a
// sign-in page without an error (ADFS 2.0's ASP.NET form, a front end that
// wants its own cookies, a 2019 page that wants fields we did not send), the
// password was evidently not consumed, and the page's own form is filled
// and posted once.
//
// When the password is not known (LoginInput.Password empty), the sign-in
// page is fetched first and the password asked for only once that page is
// known to be a sign-in form: a disabled sign-on page or an unknown relying
// party fails before the user is asked for anything (or a password command
// is run). The extra request costs nothing the user can notice, since they
// are typing.
//
// # Kerberos
//
// With Config.Kerberos (samlogin --kerberos) the sign-on page is requested
// with Internet Explorer 11's user agent (WIAUserAgent, which ADFS's default
// WIASupportedUserAgents serves integrated authentication to); ADFS
// redirects to /adfs/ls/wia, which answers 401 WWW-Authenticate: Negotiate;
// that one request is repeated with a SPNEGO token for HTTP/<ADFS host>
// from the TokenSource (idp/kerberos), only when it is at the ADFS host
// itself, and its redirect is followed without the header: about four
// requests to the SAMLResponse (or an additional-authentication page). No
// password is asked for; with Config.KerberosAuto a failed attempt goes
// on with the forms sign-in above.
//
// # Additional authentication
//
// A page with hidden AuthMethod and Context fields after the password is an
// additional-authentication page: a code (VerificationCode, Passcode,
// OathCode, ChallengeQuestionAnswer or a single visible field) taken from
// LoginInput.MFACode or asked for; a push approval (Azure MFA) polled by
// re-submitting the page's form until the SAMLResponse arrives or
// LoginInput.MFATimeout runs out; or a choice of methods, taken from
// LoginInput.MFAMethod or asked for. Duo and other adapters that need a
// browser are reported as idp.ErrUnsupportedMFA.
package adfs
