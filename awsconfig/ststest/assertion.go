package ststest

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// AWS SAML attribute names (the aws-cn partition uses
// http://www.amazonaws.cn/SAML/Attributes/ instead; both are accepted).
const (
	AttrPrefix         = "https://aws.amazon.com/SAML/Attributes/"
	AttrPrefixCN       = "http://www.amazonaws.cn/SAML/Attributes/"
	nsProtocol         = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion        = "urn:oasis:names:tc:SAML:2.0:assertion"
	NameIDPersistent   = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	NameIDTransient    = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
	DefaultRecipient   = "https://signin.aws.amazon.com/saml"
	DefaultAudience    = "urn:amazon:webservices"
	DefaultIssuer      = "https://idp.example.test/saml"
	DefaultSessionName = "alice@example.test"
)

// AssertionOptions describe a test SAML Response. Zero fields take the
// defaults named on each.
type AssertionOptions struct {
	// Roles are Role attribute values, "roleARN,principalARN" (either order).
	Roles       []string
	SessionName string // RoleSessionName; DefaultSessionName; "-" omits it
	// SessionDuration is the SessionDuration attribute in seconds; 0 omits it.
	SessionDuration int
	SourceIdentity  string // SourceIdentity attribute; "" omits it
	// IssueInstant is when the IdP issued the response; zero: NotOnOrAfter-5m,
	// or 2030-01-01T00:00:00Z when both are zero.
	IssueInstant time.Time
	// NotOnOrAfter ends the assertion's validity (Conditions and
	// SubjectConfirmationData); zero: IssueInstant+5m.
	NotOnOrAfter  time.Time
	Issuer        string // DefaultIssuer
	Subject       string // NameID; the session name
	SubjectFormat string // NameID Format; NameIDPersistent
	Recipient     string // SubjectConfirmationData Recipient; DefaultRecipient
	Audience      string // AudienceRestriction; DefaultAudience
	AttrPrefix    string // AttrPrefix
	// Extra adds attributes: full name → values.
	Extra map[string][]string
}

// Assertion returns a base64 (standard encoding) unsigned SAML 2.0 Response
// built from o, the way an IdP posts it as SAMLResponse.
func Assertion(o AssertionOptions) string {
	return base64.StdEncoding.EncodeToString([]byte(AssertionXML(o)))
}

// AssertionXML is Assertion before base64.
func AssertionXML(o AssertionOptions) string {
	if o.IssueInstant.IsZero() {
		if o.NotOnOrAfter.IsZero() {
			o.IssueInstant = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		} else {
			o.IssueInstant = o.NotOnOrAfter.Add(-5 * time.Minute)
		}
	}
	if o.NotOnOrAfter.IsZero() {
		o.NotOnOrAfter = o.IssueInstant.Add(5 * time.Minute)
	}
	if o.SessionName == "" {
		o.SessionName = DefaultSessionName
	}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.Issuer, DefaultIssuer)
	def(&o.Subject, strings.TrimPrefix(o.SessionName, "-"))
	def(&o.Subject, DefaultSessionName)
	def(&o.SubjectFormat, NameIDPersistent)
	def(&o.Recipient, DefaultRecipient)
	def(&o.Audience, DefaultAudience)
	def(&o.AttrPrefix, AttrPrefix)
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	resp := doc.CreateElement("samlp:Response")
	resp.CreateAttr("xmlns:samlp", nsProtocol)
	resp.CreateAttr("xmlns:saml", nsAssertion)
	resp.CreateAttr("ID", "_resp-ststest")
	resp.CreateAttr("Version", "2.0")
	resp.CreateAttr("IssueInstant", ts(o.IssueInstant))
	resp.CreateAttr("Destination", o.Recipient)
	resp.CreateElement("saml:Issuer").SetText(o.Issuer)
	resp.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").
		CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Success")

	as := resp.CreateElement("saml:Assertion")
	as.CreateAttr("ID", "_assertion-ststest")
	as.CreateAttr("Version", "2.0")
	as.CreateAttr("IssueInstant", ts(o.IssueInstant))
	as.CreateElement("saml:Issuer").SetText(o.Issuer)
	subj := as.CreateElement("saml:Subject")
	nid := subj.CreateElement("saml:NameID")
	nid.CreateAttr("Format", o.SubjectFormat)
	nid.SetText(o.Subject)
	sc := subj.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", "urn:oasis:names:tc:SAML:2.0:cm:bearer")
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	scd.CreateAttr("NotOnOrAfter", ts(o.NotOnOrAfter))
	scd.CreateAttr("Recipient", o.Recipient)
	cond := as.CreateElement("saml:Conditions")
	cond.CreateAttr("NotBefore", ts(o.IssueInstant.Add(-30*time.Second)))
	cond.CreateAttr("NotOnOrAfter", ts(o.NotOnOrAfter))
	cond.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(o.Audience)
	authn := as.CreateElement("saml:AuthnStatement")
	authn.CreateAttr("AuthnInstant", ts(o.IssueInstant))
	authn.CreateAttr("SessionIndex", "_session-ststest")
	authn.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").
		SetText("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")

	st := as.CreateElement("saml:AttributeStatement")
	attr := func(name string, values ...string) {
		a := st.CreateElement("saml:Attribute")
		a.CreateAttr("Name", name)
		a.CreateAttr("NameFormat", "urn:oasis:names:tc:SAML:2.0:attrname-format:uri")
		for _, v := range values {
			a.CreateElement("saml:AttributeValue").SetText(v)
		}
	}
	if o.SessionName != "-" {
		attr(o.AttrPrefix+"RoleSessionName", o.SessionName)
	}
	if len(o.Roles) > 0 {
		attr(o.AttrPrefix+"Role", o.Roles...)
	}
	if o.SessionDuration != 0 {
		attr(o.AttrPrefix+"SessionDuration", strconv.Itoa(o.SessionDuration))
	}
	if o.SourceIdentity != "" {
		attr(o.AttrPrefix+"SourceIdentity", o.SourceIdentity)
	}
	for name, vs := range o.Extra {
		attr(name, vs...)
	}
	doc.Indent(2)
	s, err := doc.WriteToString()
	if err != nil {
		panic(fmt.Sprintf("ststest: write assertion: %v", err)) // cannot happen with a built tree
	}
	return s
}

// parsed is what the test STS reads from an assertion.
type parsed struct {
	Issuer         string
	Subject        string
	SubjectFormat  string
	Recipient      string
	NotOnOrAfter   time.Time // earliest of SubjectConfirmationData and Conditions
	NotBefore      time.Time
	Roles          [][2]string // role, principal
	SessionName    string
	hasSessionName bool
	SourceIdentity string
}

func parseTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}

// parseAssertion decodes a base64 SAMLResponse the way STS needs it.
func parseAssertion(b64 string) (*parsed, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, fmt.Errorf("base64: %w", err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		return nil, fmt.Errorf("xml: %w", err)
	}
	resp := doc.Root()
	if resp == nil || resp.Tag != "Response" {
		return nil, fmt.Errorf("root is not a SAML Response")
	}
	as := resp.FindElement("./Assertion")
	if as == nil {
		return nil, fmt.Errorf("no Assertion")
	}
	p := &parsed{}
	if e := as.FindElement("./Issuer"); e != nil {
		p.Issuer = strings.TrimSpace(e.Text())
	} else if e := resp.FindElement("./Issuer"); e != nil {
		p.Issuer = strings.TrimSpace(e.Text())
	}
	if e := as.FindElement("./Subject/NameID"); e != nil {
		p.Subject = strings.TrimSpace(e.Text())
		p.SubjectFormat = e.SelectAttrValue("Format", "")
	}
	var limits []string
	if e := as.FindElement("./Subject/SubjectConfirmation/SubjectConfirmationData"); e != nil {
		p.Recipient = e.SelectAttrValue("Recipient", "")
		limits = append(limits, e.SelectAttrValue("NotOnOrAfter", ""))
	}
	if e := as.FindElement("./Conditions"); e != nil {
		limits = append(limits, e.SelectAttrValue("NotOnOrAfter", ""))
		if nb := e.SelectAttrValue("NotBefore", ""); nb != "" {
			t, err := parseTime(nb)
			if err != nil {
				return nil, fmt.Errorf("Conditions NotBefore: %w", err)
			}
			p.NotBefore = t
		}
	}
	for _, l := range limits {
		if l == "" {
			continue
		}
		t, err := parseTime(l)
		if err != nil {
			return nil, fmt.Errorf("NotOnOrAfter: %w", err)
		}
		if p.NotOnOrAfter.IsZero() || t.Before(p.NotOnOrAfter) {
			p.NotOnOrAfter = t
		}
	}
	for _, a := range as.FindElements("./AttributeStatement/Attribute") {
		name := a.SelectAttrValue("Name", "")
		var short string
		switch {
		case strings.HasPrefix(name, AttrPrefix):
			short = strings.TrimPrefix(name, AttrPrefix)
		case strings.HasPrefix(name, AttrPrefixCN):
			short = strings.TrimPrefix(name, AttrPrefixCN)
		default:
			continue
		}
		var values []string
		for _, v := range a.FindElements("./AttributeValue") {
			values = append(values, strings.TrimSpace(v.Text()))
		}
		switch short {
		case "Role":
			for _, v := range values {
				parts := strings.Split(v, ",")
				if len(parts) != 2 {
					continue
				}
				r, pr := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
				if strings.Contains(r, ":saml-provider/") {
					r, pr = pr, r
				}
				p.Roles = append(p.Roles, [2]string{r, pr})
			}
		case "RoleSessionName":
			if len(values) > 0 {
				p.SessionName, p.hasSessionName = values[0], true
			}
		case "SourceIdentity":
			if len(values) > 0 {
				p.SourceIdentity = values[0]
			}
		}
	}
	return p, nil
}
