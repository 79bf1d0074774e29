package browser

import (
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strings"

	"github.com/samlogin/samlogin/internal/secret"
)

// MaxBody bounds the intercepted POST body SAMLResponseFromForm reads. A
// SAMLResponse with many roles is tens of kilobytes.
const MaxBody = 4 << 20

// ErrNoSAMLResponse is returned when a POST to AWS's SAML endpoint carries
// no SAMLResponse field (the driver reports it with the page title).
var ErrNoSAMLResponse = errors.New("browser: the post to AWS carries no SAMLResponse")

// SAMLResponseFromForm returns the SAMLResponse field of an intercepted POST
// body. contentType is the request's Content-Type header; an empty one is
// taken as a form (Chromium always sends it for a form post, but the
// event's headers may omit it). Only application/x-www-form-urlencoded is
// read: the HTTP-POST binding never uses another encoding. Exactly one
// non-empty SAMLResponse must be present.
func SAMLResponseFromForm(contentType string, body []byte) (secret.String, error) {
	if len(body) > MaxBody {
		return secret.String{}, fmt.Errorf("browser: read the post to AWS: body over %d bytes", MaxBody)
	}
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return secret.String{}, fmt.Errorf("browser: read the post to AWS: content type %q is not a form", mediaTypeOnly(contentType))
		}
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		// The parse error quotes the offending part of the body: never show it.
		return secret.String{}, errors.New("browser: read the post to AWS: malformed form body")
	}
	v := vals["SAMLResponse"]
	switch {
	case len(v) == 0 || (len(v) == 1 && strings.TrimSpace(v[0]) == ""):
		return secret.String{}, ErrNoSAMLResponse
	case len(v) > 1:
		return secret.String{}, errors.New("browser: read the post to AWS: more than one SAMLResponse")
	}
	return secret.New(strings.TrimSpace(v[0])), nil
}

func mediaTypeOnly(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(mt)
}
