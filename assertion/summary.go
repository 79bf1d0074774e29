package assertion

import "time"

// Summary is the JSON contract of `samlogin parse --output json`.
type Summary struct {
	Issuer                 string            `json:"issuer"`
	Destination            string            `json:"destination"`
	Audience               string            `json:"audience"`
	Subject                string            `json:"subject"`
	Status                 string            `json:"status"`
	Signed                 bool              `json:"signed"`
	NotBefore              string            `json:"not_before,omitempty"`      // RFC 3339 UTC, whole seconds
	NotOnOrAfter           string            `json:"not_on_or_after,omitempty"` // RFC 3339 UTC, whole seconds
	Expired                bool              `json:"expired"`
	SessionName            string            `json:"session_name"`
	SessionDurationSeconds int               `json:"session_duration_seconds"`
	SourceIdentity         string            `json:"source_identity"`
	Roles                  []Role            `json:"roles"`               // [] when empty
	Tags                   map[string]string `json:"tags"`                // {} when empty
	TransitiveTagKeys      []string          `json:"transitive_tag_keys"` // [] when empty
}

// Summary returns what `samlogin parse` prints, with Expired evaluated at now.
// It never carries the encoded assertion.
func (a *Assertion) Summary(now time.Time) Summary {
	s := Summary{
		Issuer:                 a.Issuer,
		Destination:            a.Destination,
		Audience:               a.Audience,
		Subject:                a.Subject,
		Status:                 a.Status,
		Signed:                 a.Signed(),
		NotBefore:              rfc3339(a.NotBefore),
		NotOnOrAfter:           rfc3339(a.NotOnOrAfter),
		Expired:                a.Expired(now),
		SessionName:            a.SessionName,
		SessionDurationSeconds: a.SessionDuration,
		SourceIdentity:         a.SourceIdentity,
		Roles:                  append([]Role{}, a.Roles...),
		Tags:                   make(map[string]string, len(a.Tags)),
		TransitiveTagKeys:      append([]string{}, a.TransitiveTagKeys...),
	}
	for k, v := range a.Tags {
		s.Tags[k] = v
	}
	return s
}

// rfc3339 formats t in UTC to the second (jq's fromdateiso8601 rejects
// fractions); "" for the zero time.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
