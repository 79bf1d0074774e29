// Package assertion decodes and reads the SAMLResponse an identity provider
// posts to AWS: which roles it offers, for how long, under which session
// name and tags.
//
// The package is pure: no I/O, no clock (callers pass "now"), no network.
// It accepts the SAMLResponse in every shape a person is likely to paste or
// a driver is likely to capture, and detects the shape itself (see Decode):
// raw base64 (standard or URL-safe alphabet, padded or not, wrapped over
// lines), URL-encoded base64 or a whole form body
// (SAMLResponse=...&RelayState=...), an HTML page carrying an input named
// SAMLResponse, or the decoded XML itself.
//
// SAML elements are matched by namespace URI, never by prefix, so samlp:,
// saml2p: and unprefixed documents read the same.
//
// Signatures are detected (Assertion.ResponseSigned, Assertion.AssertionSigned)
// but not verified: AWS STS verifies them against the SAML provider's
// metadata when the assertion is exchanged, and a local check would add
// nothing but a second, weaker opinion.
//
// An IdP may encrypt the assertion for AWS (an EncryptedAssertion). STS can
// decrypt it, this package cannot, so the roles cannot be read locally:
// Parse returns ErrEncrypted. A caller that only needs to hand the assertion
// to STS can still use the output of Decode.
//
// Errors are sentinels (ErrNotBase64, ErrNotXML, ErrNotSAMLResponse,
// ErrNoAssertion, ErrEncrypted, ErrNoRoles, ErrTooLarge, ErrMalformed) or
// typed (*StatusError, *RoleValueError), for errors.Is and errors.As.
package assertion
