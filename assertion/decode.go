package assertion

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// MaxEncodedSize is the longest SAMLAssertion, in base64 characters, that
// AWS STS AssumeRoleWithSAML accepts.
const MaxEncodedSize = 100000

// MaxInputSize caps the raw input before decoding. A page or a form body
// may be larger than the assertion it carries.
const MaxInputSize = 1 << 20

// FieldName is the form field (and HTML input name) of the SAML POST binding.
const FieldName = "SAMLResponse"

var utf8BOM = []byte("\xEF\xBB\xBF")

// Decode detects the shape of input and returns the XML it carries and the
// canonical standard base64 (padded, unwrapped) of that XML, which is what
// STS AssumeRoleWithSAML takes.
//
// Shapes, tried in this order:
//   - XML: starts with "<" (after an optional BOM and whitespace) and is not
//     an HTML page; returned trimmed of the BOM and surrounding whitespace.
//   - an HTML page with an input named SAMLResponse (any case, any quoting,
//     entities decoded); its value is decoded as below.
//   - a form body (SAMLResponse=...&RelayState=..., any field order) or a
//     URL-encoded value.
//   - base64, standard or URL-safe alphabet, padded or not, wrapped over
//     lines or surrounded by whitespace.
//
// Decoded bytes are returned as they were sent, so the canonical base64
// carries exactly what the IdP signed. Decode does not check that the XML
// is well formed, nor the MaxEncodedSize cap; Parse does both.
func Decode(input []byte) (xml []byte, encoded string, err error) {
	if len(input) > MaxInputSize {
		return nil, "", fmt.Errorf("%w: the input is %d bytes, the limit is %d bytes", ErrTooLarge, len(input), MaxInputSize)
	}
	s := trimSpaceBOM(input)
	if len(s) == 0 {
		return nil, "", fmt.Errorf("%w (the input is empty)", ErrNotBase64)
	}
	if s[0] == '<' {
		if !looksLikeHTML(s) {
			return s, base64.StdEncoding.EncodeToString(s), nil
		}
		value, err := htmlField(s)
		if err != nil {
			return nil, "", err
		}
		s = []byte(value)
	}
	xml, err = decodeText(s)
	if err != nil {
		return nil, "", err
	}
	return xml, base64.StdEncoding.EncodeToString(xml), nil
}

// decodeText decodes a form body, a URL-encoded value or base64.
func decodeText(s []byte) ([]byte, error) {
	text := strings.TrimSpace(string(s))
	if v, ok := formField(text); ok {
		text = v
	} else if strings.Contains(text, "%") {
		u, err := url.PathUnescape(text)
		if err != nil {
			return nil, fmt.Errorf("%w (bad url encoding: %v)", ErrNotBase64, err)
		}
		text = u
	}
	raw, err := decodeBase64(text)
	if err != nil {
		return nil, err
	}
	x := trimSpaceBOM(raw)
	if len(x) == 0 || x[0] != '<' {
		return nil, fmt.Errorf("%w (%d base64 characters decode to %d bytes that do not start with \"<\")", ErrNotXML, len(text), len(raw))
	}
	return raw, nil
}

// formField finds the SAMLResponse field of an application/x-www-form-urlencoded
// body. A literal "+" is kept as "+" (base64), not read as a space.
func formField(text string) (string, bool) {
	if !strings.Contains(text, "=") {
		return "", false
	}
	for part := range strings.SplitSeq(text, "&") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || len(k) > 3*len(FieldName)+8 { // not a field name: base64 with its padding
			continue
		}
		if uk, err := url.QueryUnescape(strings.TrimSpace(k)); err == nil {
			k = uk
		}
		if !strings.EqualFold(strings.TrimSpace(k), FieldName) {
			continue
		}
		if uv, err := url.PathUnescape(v); err == nil {
			v = uv
		}
		return v, true
	}
	return "", false
}

// decodeBase64 decodes either alphabet, with or without padding, ignoring
// ASCII whitespace anywhere.
func decodeBase64(text string) ([]byte, error) {
	clean := make([]byte, 0, len(text))
	urlSafe, std := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			continue
		case c == '-' || c == '_':
			urlSafe = true
		case c == '+' || c == '/':
			std = true
		case c == '=' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		default:
			return nil, fmt.Errorf("%w (character %q at offset %d is not base64)", ErrNotBase64, c, i)
		}
		clean = append(clean, c)
	}
	if urlSafe && std {
		return nil, fmt.Errorf("%w (base64 mixes the standard and url-safe alphabets)", ErrNotBase64)
	}
	body := bytes.TrimRight(clean, "=")
	if pad := len(clean) - len(body); pad > 2 || bytes.IndexByte(body, '=') >= 0 {
		return nil, fmt.Errorf("%w (misplaced \"=\" padding)", ErrNotBase64)
	}
	if len(body) == 0 {
		return nil, fmt.Errorf("%w (no base64 characters)", ErrNotBase64)
	}
	enc := base64.RawStdEncoding
	if urlSafe {
		enc = base64.RawURLEncoding
	}
	out := make([]byte, enc.DecodedLen(len(body)))
	n, err := enc.Decode(out, body)
	if err != nil {
		return nil, fmt.Errorf("%w (%v; was the value cut short?)", ErrNotBase64, err)
	}
	return out[:n], nil
}

func trimSpaceBOM(b []byte) []byte {
	for {
		t := bytes.TrimSpace(b)
		t = bytes.TrimPrefix(t, utf8BOM)
		if len(t) == len(b) {
			return t
		}
		b = t
	}
}

// htmlElements are first elements that mark a document as an HTML page
// rather than a SAML XML document.
var htmlElements = map[string]bool{
	"html": true, "head": true, "body": true, "form": true, "input": true,
	"meta": true, "title": true, "script": true, "noscript": true, "div": true,
	"p": true, "table": true, "link": true, "style": true, "center": true,
	"span": true, "main": true, "section": true, "a": true, "br": true,
}

// looksLikeHTML reports whether s (starting with "<") is an HTML page: an
// HTML doctype, or a first element with an HTML element name. Comments,
// processing instructions and other doctypes are skipped.
func looksLikeHTML(s []byte) bool {
	for len(s) > 0 && s[0] == '<' {
		switch {
		case bytes.HasPrefix(s, []byte("<!--")):
			end := bytes.Index(s, []byte("-->"))
			if end < 0 {
				return false
			}
			s = s[end+3:]
		case len(s) >= 9 && bytes.EqualFold(s[:9], []byte("<!doctype")):
			end := bytes.IndexByte(s, '>')
			if end < 0 {
				return false
			}
			if bytes.Contains(bytes.ToLower(s[:end]), []byte("html")) {
				return true
			}
			s = s[end+1:]
		case bytes.HasPrefix(s, []byte("<?")):
			end := bytes.Index(s, []byte("?>"))
			if end < 0 {
				return false
			}
			s = s[end+2:]
		default:
			name := s[1:]
			end := bytes.IndexAny(name, " \t\r\n/>")
			if end >= 0 {
				name = name[:end]
			}
			return htmlElements[strings.ToLower(string(name))]
		}
		s = bytes.TrimSpace(s)
	}
	return false
}

// htmlField returns the value of the first input named SAMLResponse (any
// letter case) in an HTML page.
func htmlField(page []byte) (string, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		return "", fmt.Errorf("%w (html page: %v)", ErrNotBase64, err)
	}
	var value string
	found := false
	doc.Find("input, textarea").EachWithBreak(func(_ int, sel *goquery.Selection) bool {
		name, _ := sel.Attr("name")
		if !strings.EqualFold(strings.TrimSpace(name), FieldName) {
			return true
		}
		if goquery.NodeName(sel) == "textarea" {
			value = sel.Text()
		} else {
			value, _ = sel.Attr("value")
		}
		found = true
		return false
	})
	if !found {
		detail := "an html page with no SAMLResponse field"
		if title := oneLine(doc.Find("title").First().Text(), 80); title != "" {
			detail += fmt.Sprintf(", titled %q", title)
		}
		if action, ok := doc.Find("form[action]").First().Attr("action"); ok {
			detail += fmt.Sprintf(", whose form posts to %q", oneLine(action, 120))
		}
		return "", fmt.Errorf("%w (%s: the sign-in did not reach the step that posts to AWS)", ErrNotBase64, detail)
	}
	if strings.TrimSpace(value) == "" {
		return "", fmt.Errorf("%w (the html page's SAMLResponse field is empty)", ErrNotBase64)
	}
	return value, nil
}
