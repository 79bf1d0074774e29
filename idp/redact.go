package idp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/samlogin/samlogin/internal/secret"
)

// Redacted replaces every value the debug log must not show.
const Redacted = secret.Redacted

// maxLoggedBody bounds what the debug transport reads of a body: a request
// form is parsed only when it fits, a response is scanned for its <title>
// in that prefix only.
const maxLoggedBody = 64 << 10

// NewDebugTransport wraps next so that every exchange is logged at debug
// level on log, with secrets left out:
//
//   - the URL (request and Location) through RedactURL: the values of query
//     and path parameters redacted but for a few safe names (see
//     SensitiveName), token-like path segments redacted, user info and
//     fragment removed;
//   - for a form-encoded request, every field name, with the value shown only
//     for names on a short allow-list (user names, AuthMethod, Kmsi: see
//     safeFormFields) and [redacted] for every other field, RelayState too;
//   - the names, never the values, of the cookies sent and set;
//   - status, response content type and length, and the <title> of an HTML
//     page, through CleanText.
//
// Header values (Cookie, Authorization...) and bodies are never logged.
// Bodies are read and restored, so the caller sees them unchanged.
func NewDebugTransport(next http.RoundTripper, log *slog.Logger) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &debugTransport{next: next, log: log}
}

type debugTransport struct {
	next http.RoundTripper
	log  *slog.Logger
}

func (t *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !t.log.Enabled(ctx, slog.LevelDebug) {
		return t.next.RoundTrip(req)
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("url", RedactURL(req.URL)),
	}
	if names := cookieNames(req.Cookies()); names != "" {
		attrs = append(attrs, slog.String("cookies", names))
	}
	req, form := t.requestForm(req)
	if form != "" {
		attrs = append(attrs, slog.String("form", form))
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		t.log.LogAttrs(ctx, slog.LevelDebug, "http exchange failed", attrs...)
		return resp, err
	}
	attrs = append(attrs, slog.Int("status", resp.StatusCode))
	if loc := resp.Header.Get("Location"); loc != "" {
		if u, err := req.URL.Parse(loc); err == nil {
			attrs = append(attrs, slog.String("location", RedactURL(u)))
		} else {
			attrs = append(attrs, slog.String("location", Redacted))
		}
	}
	if names := cookieNames(resp.Cookies()); names != "" {
		attrs = append(attrs, slog.String("set_cookies", names))
	}
	ct := resp.Header.Get("Content-Type")
	attrs = append(attrs, slog.String("content_type", ct), slog.Int64("length", resp.ContentLength))
	if title, ok := responseTitle(req, resp, ct); ok {
		attrs = append(attrs, slog.String("title", title))
	}
	t.log.LogAttrs(ctx, slog.LevelDebug, "http exchange", attrs...)
	return resp, nil
}

// requestForm returns the redacted form of a form-encoded request, and the
// request to send: req itself, or a shallow copy whose body replays what
// was read.
func (t *debugTransport) requestForm(req *http.Request) (*http.Request, string) {
	if req.Body == nil || req.Body == http.NoBody {
		return req, ""
	}
	mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return req, ""
	}
	var data []byte
	complete := false
	if req.GetBody != nil {
		// Read a copy; the body that goes out is left untouched.
		if b, err := req.GetBody(); err == nil {
			data, _ = io.ReadAll(io.LimitReader(b, maxLoggedBody+1))
			b.Close()
			complete = len(data) <= maxLoggedBody
		}
	} else {
		prefix, err := io.ReadAll(io.LimitReader(req.Body, maxLoggedBody+1))
		complete = err == nil && len(prefix) <= maxLoggedBody
		data = prefix
		r2 := req.Clone(req.Context())
		r2.Body = replayBody(prefix, err, req.Body)
		req = r2
	}
	if !complete {
		return req, "[not logged: too large]"
	}
	if _, err := url.ParseQuery(string(data)); err != nil {
		return req, "[not logged: malformed]"
	}
	return req, redactForm(string(data), secretFields(req.Context()))
}

// redactForm lists the fields of a form body in the order they were sent,
// with the values of the fields on safeFormFields only.
//
// The fields named in secret (from the request's context, see
// WithSecretFields) are redacted whatever their names: a portal may call
// its password field "login".
func redactForm(raw string, secret []string) string {
	var b strings.Builder
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || tokenLike(name) {
			name = Redacted
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(name)
		b.WriteByte('=')
		if safeFormFields[strings.ToLower(name)] && !slices.Contains(secret, name) {
			val, err := url.QueryUnescape(v)
			if err != nil {
				val = Redacted
			}
			b.WriteString(CleanTextN(val, 100))
		} else {
			b.WriteString(Redacted)
		}
	}
	return b.String()
}

type secretFieldsKey struct{}

// WithSecretFields marks, in the context of a request that carries a
// secret, the form fields that hold it (the password input, the code
// input): the debug log redacts their values whatever their names.
func WithSecretFields(ctx context.Context, names ...string) context.Context {
	return context.WithValue(ctx, secretFieldsKey{}, append(secretFields(ctx), names...))
}

func secretFields(ctx context.Context) []string {
	s, _ := ctx.Value(secretFieldsKey{}).([]string)
	return s
}

// safeFormFields are the names (lower case) whose values the debug log
// shows in a form body: the user name under its usual names (the user
// typed it, and it is what a ticket about a sign-in needs), ADFS's
// AuthMethod (which adapter) and Kmsi ("keep me signed in"), ADFS's
// client-request-id (a correlation id), and Spring Web Flow's _eventId (the
// button pressed). Every other value is redacted: a generic portal can
// name its password field anything, and RelayState, Context, execution...
// are state handles that let someone resume the sign-in.
var safeFormFields = map[string]bool{
	"username": true, "user": true, "userid": true, "user_id": true,
	"login": true, "loginname": true, "email": true, "j_username": true,
	"authmethod": true, "kmsi": true,
	"client-request-id": true, "_eventid": true, "_eventid_proceed": true,
}

// safeURLParams are the names (lower case) of query and path parameters
// whose values a URL keeps when printed. Each names something public that
// a ticket needs, never a state handle:
//
//   - loginToRp (ADFS), spentityid (SimpleSAMLphp), providerId
//     (Shibboleth) and PartnerSpId (PingFederate): which relying party an
//     IdP-initiated sign-on is for, i.e. urn:amazon:webservices or the
//     like; what an "unknown relying party" error is about.
//   - client-request-id: ADFS's correlation id, what an administrator
//     looks for in the ADFS event log; it grants nothing.
//   - IDPInitiated and sp: LemonLDAP::NG's IdP-initiated sign-on
//     (/saml/singleSignOn?IDPInitiated=1&sp=urn:amazon:webservices): a flag
//     and the relying party, like spentityid.
var safeURLParams = map[string]bool{
	"logintorp": true, "spentityid": true, "providerid": true, "partnerspid": true,
	"client-request-id": true, "idpinitiated": true, "sp": true,
}

// SensitiveName reports whether the value of a query or path parameter
// with this name must not be printed: every name but the few of
// safeURLParams. An allow-list, since a state handle, a session id or a
// GET form's password can be called anything (sid, lt, execution, pw...).
func SensitiveName(name string) bool {
	return !safeURLParams[strings.ToLower(name)]
}

// RedactURL returns u as text safe to print: scheme, host and path are
// kept; user info and fragment are removed; query and path parameters
// (";name=value" in any path segment) keep their names, with every value
// but those of the safe names (see SensitiveName) replaced by [redacted];
// a path segment or parameter name that looks like a token (see tokenLike)
// is replaced by [redacted]. An opaque URL (mailto:...) keeps its scheme
// only.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme + ":")
	}
	if u.Opaque != "" {
		b.WriteString(Redacted)
		return b.String()
	}
	if u.Scheme != "" || u.Host != "" {
		b.WriteString("//" + u.Host)
	}
	b.WriteString(redactPath(u.EscapedPath()))
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteByte('?')
		b.WriteString(redactParams(u.RawQuery, "&"))
	}
	return b.String()
}

// redactPath redacts the token-like segments and the path parameters of
// an escaped path.
func redactPath(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		name, params, hasParams := strings.Cut(seg, ";")
		if tokenLike(name) {
			name = Redacted
		}
		if hasParams {
			name += ";" + redactParams(params, ";")
		}
		segs[i] = name
	}
	return strings.Join(segs, "/")
}

// redactParams redacts the values of name=value parameters separated by
// sep (a raw query, or the path parameters of a segment).
func redactParams(raw, sep string) string {
	parts := strings.Split(raw, sep)
	for i, kv := range parts {
		k, _, hasValue := strings.Cut(kv, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		switch {
		case tokenLike(name) || tokenLike(k):
			k = Redacted
			if hasValue {
				k += "=" + Redacted
			}
			parts[i] = k
		case hasValue && SensitiveName(name):
			parts[i] = k + "=" + Redacted
		}
	}
	return strings.Join(parts, sep)
}

// RedactError returns err with the URL of a *url.Error (what http.Client.Do
// returns) passed through RedactURL, so that an error message never shows
// a code sent by a GET form or a state handle of a redirect. Other errors
// are returned as they are.
func RedactError(err error) error {
	ue, ok := err.(*url.Error)
	if !ok {
		return err
	}
	var br *BodyRedirectError
	if errors.As(ue.Err, &br) {
		return br // it names both origins; the URL adds nothing
	}
	return &url.Error{Op: ue.Op, URL: RedactURLString(ue.URL), Err: ue.Err}
}

// RedactURLString is RedactURL for a URL held as text; text that does not
// parse as a URL is [redacted] whole.
func RedactURLString(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return Redacted
	}
	return RedactURL(u)
}

// ShortURL is RedactURL without the query: scheme://host/path, with
// token-like segments and path parameters redacted. It is how errors and
// logs name a page; "" for nil.
func ShortURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.RawQuery, c.ForceQuery = "", false
	return RedactURL(&c)
}

func cookieNames(cs []*http.Cookie) string {
	names := make([]string, 0, len(cs))
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return strings.Join(names, ",")
}

// responseTitle reads the start of an HTML response for its <title>,
// restoring resp.Body.
func responseTitle(req *http.Request, resp *http.Response, ct string) (string, bool) {
	mt, _, _ := mime.ParseMediaType(ct)
	if mt != "text/html" && mt != "application/xhtml+xml" {
		return "", false
	}
	if req.Method == http.MethodHead || resp.Body == nil || resp.Body == http.NoBody {
		return "", false
	}
	prefix, err := io.ReadAll(io.LimitReader(resp.Body, maxLoggedBody))
	resp.Body = replayBody(prefix, err, resp.Body)
	return htmlTitle(prefix)
}

// htmlTitle returns the trimmed text of the first <title> in a (possibly
// truncated) HTML document.
func htmlTitle(doc []byte) (string, bool) {
	z := html.NewTokenizer(bytes.NewReader(doc))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return "", false
		case html.StartTagToken:
			name, _ := z.TagName()
			if atom.Lookup(name) != atom.Title {
				continue
			}
			var title strings.Builder
			for z.Next() == html.TextToken {
				title.Write(z.Text())
			}
			return CleanText(title.String()), true
		}
	}
}

// replayBody returns a body that yields prefix, then the rest of orig (or
// readErr, if reading the prefix failed), and closes orig.
func replayBody(prefix []byte, readErr error, orig io.ReadCloser) io.ReadCloser {
	var rest io.Reader = orig
	if readErr != nil {
		rest = errReader{readErr}
	}
	return &replay{Reader: io.MultiReader(bytes.NewReader(prefix), rest), closer: orig}
}

type replay struct {
	io.Reader
	closer io.Closer
}

func (r *replay) Close() error { return r.closer.Close() }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
