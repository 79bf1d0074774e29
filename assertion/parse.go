package assertion

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/samlogin/samlogin/internal/secret"
)

// Namespace URIs matched by Parse (prefixes vary between IdPs).
const (
	NSProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	NSAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	NSXMLDSig   = "http://www.w3.org/2000/09/xmldsig#"
)

// AWS SAML attribute names.
const (
	AttrRole              = "https://aws.amazon.com/SAML/Attributes/Role"
	AttrRoleSessionName   = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	AttrSessionDuration   = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	AttrSourceIdentity    = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
	AttrPrincipalTag      = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:" // + tag key
	AttrTransitiveTagKeys = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys"
)

// maxDepth bounds XML nesting; a SAML Response is about 8 levels deep.
const maxDepth = 128

// Assertion is what a SAML Response says, as far as AWS is concerned.
type Assertion struct {
	Issuer, Destination, Audience, Subject string
	SubjectFormat                          string // NameID/@Format, "" if absent
	Status, SubStatus                      string // full URNs
	ResponseSigned, AssertionSigned        bool
	// NotBefore is Conditions/@NotBefore; NotOnOrAfter is the earliest of
	// Conditions/@NotOnOrAfter and every SubjectConfirmationData/@NotOnOrAfter.
	// Both are UTC, zero if absent.
	NotBefore, NotOnOrAfter time.Time
	SessionName             string // RoleSessionName attribute
	SessionDuration         int    // seconds, 0 if absent
	SourceIdentity          string
	Roles                   []Role            // assertion order, trimmed, de-duplicated
	Tags                    map[string]string // PrincipalTag:KEY attributes, nil if none
	TransitiveTagKeys       []string
	Encoded                 secret.String // canonical standard base64 of the XML, for STS
}

// Parse decodes input (see Decode for the accepted shapes) and parses the
// SAML Response it carries. It never panics.
//
// With ErrNoRoles, ErrEncrypted, a *StatusError, or ErrTooLarge for the
// MaxEncodedSize cap, Parse also returns the Assertion as far as it could be
// read (with ErrTooLarge it is complete), so that a caller such as
// `samlogin parse` can still show it. With other errors it returns nil.
func Parse(input []byte) (*Assertion, error) {
	x, enc, err := Decode(input)
	if err != nil {
		return nil, err
	}
	return parseXML(x, enc)
}

// ParseXML parses an already decoded SAML Response. Errors and partial
// results are as for Parse.
func ParseXML(xml []byte) (*Assertion, error) {
	if len(xml) > MaxInputSize {
		return nil, fmt.Errorf("%w: the xml is %d bytes, the limit is %d bytes", ErrTooLarge, len(xml), MaxInputSize)
	}
	return parseXML(xml, base64.StdEncoding.EncodeToString(xml))
}

func parseXML(xml []byte, encoded string) (*Assertion, error) {
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{
		CharsetReader: charsetReader,
		MaxDepth:      maxDepth,
	}
	if err := doc.ReadFromBytes(xml); err != nil {
		return nil, fmt.Errorf("%w (%s)", ErrNotXML, oneLine(err.Error(), 200))
	}
	root := doc.Root()
	if root == nil {
		return nil, fmt.Errorf("%w (the document has no root element)", ErrNotXML)
	}
	if !is(root, NSProtocol, "Response") {
		return nil, fmt.Errorf("%w (the root element is %s)", ErrNotSAMLResponse, describe(root))
	}

	a := &Assertion{
		Destination: attr(root, "Destination"),
		Encoded:     secret.New(encoded),
	}
	var assertion, encrypted, status *etree.Element
	for _, c := range root.ChildElements() {
		switch {
		case is(c, NSAssertion, "Issuer"):
			a.Issuer = strings.TrimSpace(c.Text())
		case is(c, NSXMLDSig, "Signature"):
			a.ResponseSigned = true
		case is(c, NSProtocol, "Status"):
			if status == nil {
				status = c
			}
		case is(c, NSAssertion, "Assertion"):
			if assertion == nil {
				assertion = c
			}
		case is(c, NSAssertion, "EncryptedAssertion"):
			if encrypted == nil {
				encrypted = c
			}
		}
	}

	if status == nil {
		return nil, fmt.Errorf("%w (the Response has no Status element)", ErrNotSAMLResponse)
	}
	serr := readStatus(status)
	a.Status, a.SubStatus = serr.Code, serr.SubCode
	if a.Status != StatusSuccess {
		return a, serr
	}

	if assertion == nil {
		if encrypted != nil {
			return a, ErrEncrypted
		}
		return a, ErrNoAssertion
	}
	if err := a.readAssertion(assertion); err != nil {
		if errors.Is(err, ErrNoRoles) {
			return a, err
		}
		return nil, err
	}
	if len(encoded) > MaxEncodedSize {
		return a, fmt.Errorf("%w: it is %d characters of base64 (%d roles), AWS accepts at most %d; ask your IdP admin to send fewer roles",
			ErrTooLarge, len(encoded), len(a.Roles), MaxEncodedSize)
	}
	return a, nil
}

func readStatus(status *etree.Element) *StatusError {
	serr := &StatusError{}
	for _, c := range status.ChildElements() {
		switch {
		case is(c, NSProtocol, "StatusCode") && serr.Code == "":
			serr.Code = strings.TrimSpace(attr(c, "Value"))
			for _, sub := range c.ChildElements() {
				if is(sub, NSProtocol, "StatusCode") {
					serr.SubCode = strings.TrimSpace(attr(sub, "Value"))
					break
				}
			}
		case is(c, NSProtocol, "StatusMessage") && serr.Message == "":
			serr.Message = strings.TrimSpace(c.Text())
		}
	}
	return serr
}

func (a *Assertion) readAssertion(as *etree.Element) error {
	var rs roleSet
	for _, c := range as.ChildElements() {
		switch {
		case is(c, NSAssertion, "Issuer"):
			if a.Issuer == "" {
				a.Issuer = strings.TrimSpace(c.Text())
			}
		case is(c, NSXMLDSig, "Signature"):
			a.AssertionSigned = true
		case is(c, NSAssertion, "Subject"):
			if err := a.readSubject(c); err != nil {
				return err
			}
		case is(c, NSAssertion, "Conditions"):
			if err := a.readConditions(c); err != nil {
				return err
			}
		case is(c, NSAssertion, "AttributeStatement"):
			for _, at := range c.ChildElements() {
				if is(at, NSAssertion, "Attribute") {
					if err := a.readAttribute(at, &rs); err != nil {
						return err
					}
				}
			}
		}
	}
	a.Roles = rs.roles
	if len(a.Roles) == 0 {
		return ErrNoRoles
	}
	return nil
}

// NameIDTransient is the NameID format of a subject that changes at every
// sign-in.
const NameIDTransient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"

// NameID formats whose value names the user as people know them.
const (
	NameIDEmail       = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
	NameIDUnspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
	NameIDWindows     = "urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName"
)

// Identity names the signed-in user as the IdP does: the subject's NameID
// when its format names a user readably (emailAddress, unspecified,
// WindowsDomainQualifiedName, or no format); for other formats
// (persistent, transient, ...: often opaque ids) the RoleSessionName when
// there is one, else the NameID. It is "" when the assertion names neither.
func (a *Assertion) Identity() string {
	switch a.SubjectFormat {
	case "", NameIDEmail, NameIDUnspecified, NameIDWindows:
		if a.Subject != "" {
			return a.Subject
		}
		return a.SessionName
	}
	if a.SessionName != "" || a.SubjectFormat == NameIDTransient {
		return a.SessionName // a transient NameID is new at every sign-in
	}
	return a.Subject
}

func (a *Assertion) readSubject(subject *etree.Element) error {
	for _, c := range subject.ChildElements() {
		switch {
		case is(c, NSAssertion, "NameID"):
			a.Subject = strings.TrimSpace(c.Text())
			a.SubjectFormat = strings.TrimSpace(c.SelectAttrValue("Format", ""))
		case is(c, NSAssertion, "SubjectConfirmation"):
			for _, d := range c.ChildElements() {
				if !is(d, NSAssertion, "SubjectConfirmationData") {
					continue
				}
				if err := a.earliest(d, "SubjectConfirmationData"); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (a *Assertion) readConditions(cond *etree.Element) error {
	if v := attr(cond, "NotBefore"); v != "" {
		t, err := parseTime(v)
		if err != nil {
			return fmt.Errorf("%w: Conditions NotBefore %q is not a date and time", ErrMalformed, oneLine(v, 60))
		}
		a.NotBefore = t
	}
	if err := a.earliest(cond, "Conditions"); err != nil {
		return err
	}
	for _, r := range cond.ChildElements() {
		if !is(r, NSAssertion, "AudienceRestriction") {
			continue
		}
		for _, au := range r.ChildElements() {
			if is(au, NSAssertion, "Audience") && a.Audience == "" {
				a.Audience = strings.TrimSpace(au.Text())
			}
		}
	}
	return nil
}

// earliest folds e's NotOnOrAfter attribute into a.NotOnOrAfter.
func (a *Assertion) earliest(e *etree.Element, where string) error {
	v := attr(e, "NotOnOrAfter")
	if v == "" {
		return nil
	}
	t, err := parseTime(v)
	if err != nil {
		return fmt.Errorf("%w: %s NotOnOrAfter %q is not a date and time", ErrMalformed, where, oneLine(v, 60))
	}
	if a.NotOnOrAfter.IsZero() || t.Before(a.NotOnOrAfter) {
		a.NotOnOrAfter = t
	}
	return nil
}

func (a *Assertion) readAttribute(at *etree.Element, rs *roleSet) error {
	name := strings.TrimSpace(attr(at, "Name"))
	values := func(yield func(string) bool) {
		for _, v := range at.ChildElements() {
			if is(v, NSAssertion, "AttributeValue") && !yield(v.Text()) {
				return
			}
		}
	}
	first := func() string {
		for v := range values {
			return strings.TrimSpace(v)
		}
		return ""
	}
	switch {
	case strings.EqualFold(name, AttrRole):
		for v := range values {
			if err := rs.add(v); err != nil {
				return err
			}
		}
	case strings.EqualFold(name, AttrRoleSessionName):
		a.SessionName = first()
	case strings.EqualFold(name, AttrSessionDuration):
		v := first()
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: SessionDuration %q is not a whole number of seconds", ErrMalformed, oneLine(v, 60))
		}
		a.SessionDuration = n
	case strings.EqualFold(name, AttrSourceIdentity):
		a.SourceIdentity = first()
	case hasPrefixFold(name, AttrPrincipalTag):
		key := name[len(AttrPrincipalTag):]
		if key == "" {
			return nil
		}
		if a.Tags == nil {
			a.Tags = make(map[string]string)
		}
		a.Tags[key] = first()
	case strings.EqualFold(name, AttrTransitiveTagKeys):
		for v := range values {
			if v = strings.TrimSpace(v); v != "" {
				a.TransitiveTagKeys = append(a.TransitiveTagKeys, v)
			}
		}
	}
	return nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// parseTime reads an xs:dateTime; one without a zone is taken as UTC.
func parseTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		var err2 error
		t, err2 = time.Parse("2006-01-02T15:04:05.999999999", v)
		if err2 != nil {
			return time.Time{}, err
		}
	}
	return t.UTC(), nil
}

// is reports whether e is the element {space}local.
func is(e *etree.Element, space, local string) bool {
	return e.Tag == local && e.NamespaceURI() == space
}

// attr returns the value of e's unqualified attribute key.
func attr(e *etree.Element, key string) string {
	for _, a := range e.Attr {
		if a.Space == "" && a.Key == key {
			return a.Value
		}
	}
	return ""
}

func describe(e *etree.Element) string {
	name := e.FullTag()
	if ns := e.NamespaceURI(); ns != "" {
		name += " in namespace " + ns
	} else {
		name += " with no namespace"
	}
	return fmt.Sprintf("%q", oneLine(name, 200))
}

// charsetReader converts the few single-byte charsets an IdP may declare;
// UTF-8 and unknown labels pass through.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "l1":
		b, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		var out bytes.Buffer
		out.Grow(len(b))
		for _, c := range b {
			out.WriteRune(rune(c))
		}
		return &out, nil
	default:
		return input, nil
	}
}

// Signed reports whether the Response or the Assertion carries a signature
// (not verified; STS does that).
func (a *Assertion) Signed() bool { return a.ResponseSigned || a.AssertionSigned }

// Expired reports whether the assertion has a NotOnOrAfter and now is not
// before it.
func (a *Assertion) Expired(now time.Time) bool {
	return !a.NotOnOrAfter.IsZero() && !now.Before(a.NotOnOrAfter)
}

// Role returns the role whose ARN is roleARN.
func (a *Assertion) Role(roleARN string) (Role, bool) {
	roleARN = strings.TrimSpace(roleARN)
	for _, r := range a.Roles {
		if r.RoleARN == roleARN {
			return r, true
		}
	}
	return Role{}, false
}

// MatchRoles returns the roles pattern selects, in assertion order. Exact
// matches (the account id, the role name case-insensitively, or the whole
// role ARN case-insensitively) win; if there are none, it returns the roles
// whose ARN contains pattern, case-insensitively. An empty pattern matches
// every role.
func (a *Assertion) MatchRoles(pattern string) []Role {
	pattern = strings.TrimSpace(pattern)
	lower := strings.ToLower(pattern)
	var exact, sub []Role
	for _, r := range a.Roles {
		switch {
		case pattern != "" && (r.AccountID == pattern || strings.EqualFold(r.RoleName, pattern) || strings.EqualFold(r.RoleARN, pattern)):
			exact = append(exact, r)
		case strings.Contains(strings.ToLower(r.RoleARN), lower):
			sub = append(sub, r)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return sub
}
