// Package onelogin signs in at OneLogin through its REST API (version 2),
// the way OneLogin's own AWS CLI does, and returns the SAMLResponse.
//
// The flow: POST /auth/oauth2/v2/token with the API credentials (client
// credentials grant) gives an access token; POST /api/2/saml_assertion with
// username_or_email, password, app_id and subdomain gives either the
// SAMLResponse or "MFA is required" with a state_token and the user's
// devices; POST /api/2/saml_assertion/verify_factor with device_id,
// state_token and otp_token finishes the second factor. A OneLogin Protect
// push is one call that sends the push, then polls with do_not_notify at
// least PollInterval (1 s) apart; an SMS is one call without a code (which
// sends it) and one with it.
//
// Every secret (client secret, password, code) goes only in JSON bodies to
// the configured API host, through the *http.Client the driver is given.
package onelogin
