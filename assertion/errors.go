package assertion

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Parse and Decode wrap them with details; test with errors.Is.
var (
	// ErrNotBase64 means the input has none of the shapes Decode knows.
	ErrNotBase64 = errors.New("assertion: input is neither base64, a form body (SAMLResponse=...), an html page with a SAMLResponse field nor xml; paste the SAMLResponse value or the whole page that carries it")

	// ErrNotXML means the input decoded, but not to well-formed XML.
	ErrNotXML = errors.New("assertion: the SAMLResponse does not decode to xml; check that the whole value was copied")

	// ErrNotSAMLResponse means the XML is not a SAML 2.0 protocol Response.
	ErrNotSAMLResponse = errors.New("assertion: not a saml 2.0 response; pass the SAMLResponse the IdP posts to AWS")

	// ErrNoAssertion means a successful Response carries no Assertion at all.
	ErrNoAssertion = errors.New("assertion: the saml response carries no assertion; ask your IdP admin to check the AWS application")

	// ErrEncrypted means the Response carries only an EncryptedAssertion.
	// It is an error for reading roles, not for STS: the value returned by
	// Decode can still be exchanged.
	ErrEncrypted = errors.New("assertion: the roles cannot be read locally because the IdP encrypts the assertion for AWS; STS can still use it")

	// ErrNoRoles means the Assertion has no Role attribute, or one with no values.
	ErrNoRoles = errors.New("assertion: the IdP sent no https://aws.amazon.com/SAML/Attributes/Role attribute; ask your IdP admin to release it")

	// ErrTooLarge means the input is over MaxInputSize, or the base64 of the
	// XML is over MaxEncodedSize (what STS accepts).
	ErrTooLarge = errors.New("assertion: the SAMLResponse is too large")

	// ErrMalformed means a SAML value the package needs is present but
	// unreadable (a time that is not xs:dateTime, a SessionDuration that is
	// not a number).
	ErrMalformed = errors.New("assertion: malformed saml response")
)

// StatusSuccess is the status code of a successful SAML Response.
const StatusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"

const statusPrefix = "urn:oasis:names:tc:SAML:2.0:status:"

// StatusError is returned when the IdP answered with a status other than
// Success (the user was not authenticated or not authorised).
type StatusError struct {
	Code    string // full URN of the top-level StatusCode, "" if absent
	SubCode string // full URN of the nested StatusCode, "" if absent
	Message string // StatusMessage, "" if absent
}

// Short returns the status in short form, e.g. "Responder/AuthnFailed".
func (e *StatusError) Short() string {
	s := shortStatus(e.Code)
	if e.SubCode != "" {
		s += "/" + shortStatus(e.SubCode)
	}
	return s
}

func shortStatus(urn string) string {
	if urn == "" {
		return "(none)"
	}
	return strings.TrimPrefix(urn, statusPrefix)
}

func (e *StatusError) Error() string {
	msg := "assertion: the IdP did not sign you in (status " + e.Short() + ")"
	if e.Message != "" {
		msg += ": " + oneLine(e.Message, 200)
	}
	return msg + "; check the IdP's own error page or ask your IdP admin"
}

// RoleValueError is returned when a value of the Role attribute is not a
// valid "roleARN,principalARN" pair.
type RoleValueError struct {
	Value  string // the attribute value as sent (untrimmed)
	Reason string
}

func (e *RoleValueError) Error() string {
	return fmt.Sprintf("assertion: role attribute value %q is not \"role ARN,saml-provider ARN\": %s; ask your IdP admin to fix the AWS role mapping",
		oneLine(e.Value, 200), e.Reason)
}

// oneLine collapses whitespace runs to one space and cuts s to at most n bytes
// (on a rune boundary), so a message stays on one line.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
