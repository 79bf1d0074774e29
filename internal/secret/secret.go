// Package secret holds values that must never reach a log, an error message
// or a terminal by accident: passwords, MFA codes, SAMLResponses, secret keys
// and session tokens.
//
// A String prints as [redacted] through fmt (%v, %s, %q, %#v), through
// log/slog, and through encoding/json. The value is read only by calling
// Reveal, which makes every place that handles the clear text easy to find.
package secret

import (
	"encoding/json"
	"log/slog"
)

// Redacted is what a String prints as.
const Redacted = "[redacted]"

// String is a secret string. The zero value is the empty secret.
type String struct{ v string }

// New wraps s.
func New(s string) String { return String{v: s} }

// Reveal returns the clear text. Call it only where the value is sent to its
// one legitimate destination (an HTTP form, STS, a 0600 file).
func (s String) Reveal() string { return s.v }

// Empty reports whether the secret is the empty string.
func (s String) Empty() bool { return s.v == "" }

// String implements fmt.Stringer.
func (s String) String() string { return Redacted }

// GoString implements fmt.GoStringer.
func (s String) GoString() string { return Redacted }

// LogValue implements slog.LogValuer.
func (s String) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalJSON implements json.Marshaler.
func (s String) MarshalJSON() ([]byte, error) { return json.Marshal(Redacted) }

// MarshalText implements encoding.TextMarshaler.
func (s String) MarshalText() ([]byte, error) { return []byte(Redacted), nil }
