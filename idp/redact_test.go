package idp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Secret values of the exchange below; none may reach the log.
var secrets = []string{
	"hunter2-Passw0rd", "ctx-ENCRYPTED-blob", "otp-123456", "saml-RESPONSE-b64",
	"saml-REQUEST-b64", "cookie-VALUE-sent", "cookie-VALUE-set", "bearer-TOKEN",
	"query-CODE-value", "userinfo-PASS", "fragment-TOKEN", "relay-STATE-value",
	"JSESSION-id-value", "sid-VALUE", "lt-VALUE", "execution-VALUE", "pw-VALUE",
	"Tok3nInThePathAbCdEf12345", "Path-PARAM-value",
}

func TestDebugTransportWholeExchange(t *testing.T) {
	var gotForm url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/adfs/ls":
			r.ParseForm()
			gotForm = r.PostForm
			http.SetCookie(w, &http.Cookie{Name: "MSISAuth", Value: "cookie-VALUE-set", Path: "/"})
			w.Header().Set("Location", "/saml;jsessionid=JSESSION-id-value?SAMLRequest=saml-REQUEST-b64&RelayState=relay-STATE-value#fragment-TOKEN")
			w.WriteHeader(http.StatusFound)
		case "/saml;jsessionid=JSESSION-id-value", "/saml":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, `<html><head><title> Working...
			</title></head><body><form method="post" action="https://signin.aws.amazon.com/saml">
			<input type="hidden" name="SAMLResponse" value="saml-RESPONSE-b64"></form></body></html>`)
		}
	}))
	defer srv.Close()

	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, HTTPOptions{Log: logger})
	srvURL := mustURL(t, srv.URL)
	c.Jar.SetCookies(srvURL, []*http.Cookie{{Name: "MSISSamlRequest", Value: "cookie-VALUE-sent"}})

	form := url.Values{
		"UserName":   {`EXAMPLE\alice`},
		"Password":   {"hunter2-Passw0rd"},
		"AuthMethod": {"FormsAuthentication"},
		"Context":    {"ctx-ENCRYPTED-blob"},
		"Passcode":   {"otp-123456"},
		"Kmsi":       {"true"},
		"RelayState": {"relay-STATE-value"},
		"pw":         {"pw-VALUE"},
	}
	u := strings.Replace(srv.URL, "http://", "http://alice:userinfo-PASS@", 1) +
		"/adfs/ls?client-request-id=42&code=query-CODE-value&sid=sid-VALUE&lt=lt-VALUE&execution=execution-VALUE&pw=pw-VALUE#fragment-TOKEN"
	req, _ := http.NewRequestWithContext(context.Background(), "POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer bearer-TOKEN")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	// The real client saw everything, unchanged.
	if gotForm.Encode() != form.Encode() {
		t.Errorf("server got form %v, want %v", gotForm, form)
	}
	if !bytes.Contains(body, []byte(`value="saml-RESPONSE-b64"`)) || !bytes.HasSuffix(body, []byte("</html>")) {
		t.Errorf("client got body %q", body)
	}

	log := buf.String()
	t.Logf("debug log:\n%s", log)
	for _, s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("debug log leaks %q", s)
		}
	}
	for _, want := range []string{
		"method=POST", `UserName=EXAMPLE\\alice`, "Password=[redacted]", "AuthMethod=FormsAuthentication",
		"Context=[redacted]", "Passcode=[redacted]", "Kmsi=true",
		"client-request-id=42", "code=[redacted]", "sid=[redacted]", "lt=[redacted]", "execution=[redacted]",
		"pw=[redacted]", "RelayState=[redacted]", "cookies=MSISSamlRequest", "status=302",
		"/saml;jsessionid=[redacted]?SAMLRequest=[redacted]&RelayState=[redacted]",
		"set_cookies=MSISAuth", "method=GET", "status=200", `content_type="text/html; charset=utf-8"`,
		`title=Working...`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("debug log lacks %s", want)
		}
	}
}

// A request body without GetBody is read, logged and replayed whole.
func TestDebugTransportReplaysBody(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
	}))
	defer srv.Close()
	var buf bytes.Buffer
	c := newClient(t, HTTPOptions{Log: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})

	const sent = "username=bob&password=s3cret-VALUE"
	big := strings.Repeat("x", maxLoggedBody)
	for _, body := range []string{sent, "username=bob&blob=" + big} {
		req, _ := http.NewRequest("POST", srv.URL, io.MultiReader(strings.NewReader(body)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got != body {
			t.Errorf("server got %d bytes, want %d", len(got), len(body))
		}
	}
	log := buf.String()
	if strings.Contains(log, "s3cret-VALUE") || !strings.Contains(log, "password=[redacted]") {
		t.Errorf("log = %s", log)
	}
	if !strings.Contains(log, "not logged: too large") {
		t.Errorf("large body: log = %s", log)
	}
}

func TestNoDebugTransportWhenQuiet(t *testing.T) {
	var buf bytes.Buffer
	c := newClient(t, HTTPOptions{Log: slog.New(slog.NewTextHandler(&buf, nil))})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	if _, err := get(t.Context(), c, srv.URL); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("logged at info level: %s", buf.String())
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://idp.example.com/adfs/ls/?SAMLRequest=abc&RelayState=x&SigAlg=y&Signature=z",
			"https://idp.example.com/adfs/ls/?SAMLRequest=[redacted]&RelayState=[redacted]&SigAlg=[redacted]&Signature=[redacted]"},
		{"https://idp.example.com/login?AuthState=_abc%3Ahttp&client-request-id=1",
			"https://idp.example.com/login?AuthState=[redacted]&client-request-id=1"},
		{"https://idp.example.com/cb?code=1&state=2&session_code=3&tab_id=4",
			"https://idp.example.com/cb?code=[redacted]&state=[redacted]&session_code=[redacted]&tab_id=[redacted]"},
		{"https://u:p@idp.example.com/x#access_token=1", "https://idp.example.com/x"},
		{"https://idp.example.com/x?flag&password=", "https://idp.example.com/x?flag&password=[redacted]"},
		// CAS and Spring: state handles under plain names.
		{"https://cas.example.com/cas/login?service=https%3A%2F%2Fx&lt=LT-1-abc&execution=e1s1&_eventId=submit",
			"https://cas.example.com/cas/login?service=[redacted]&lt=[redacted]&execution=[redacted]&_eventId=[redacted]"},
		{"https://idp.example.com/sso?sid=abc&pw=hunter2&user=alice",
			"https://idp.example.com/sso?sid=[redacted]&pw=[redacted]&user=[redacted]"},
		// Path parameters, in any segment.
		{"https://idp.example.com/idp;jsessionid=ABC123/profile/SAML2/Redirect/SSO;x=1;flag?execution=e1s1",
			"https://idp.example.com/idp;jsessionid=[redacted]/profile/SAML2/Redirect/SSO;x=[redacted];flag?execution=[redacted]"},
		// Tokens in the path: long, letters and digits; a JWT.
		{"https://idp.example.com/reset/Zm9vYmFyYmF6MTIzNDU2Nzg5MA==/confirm",
			"https://idp.example.com/reset/[redacted]/confirm"},
		{"https://idp.example.com/t/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
			"https://idp.example.com/t/[redacted]"},
		{"https://idp.example.com/s/0123456789abcdef0123456789abcdef/x",
			"https://idp.example.com/s/[redacted]/x"},
		// Not tokens: words, short ids, numbers.
		{"https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices",
			"https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices"},
		{"https://idp.example.com/saml2/idp/SSOService.php?spentityid=urn%3Aamazon%3Awebservices",
			"https://idp.example.com/saml2/idp/SSOService.php?spentityid=urn%3Aamazon%3Awebservices"},
		{"https://idp.example.com/users/12345678901234567890/x", "https://idp.example.com/users/12345678901234567890/x"},
		// A token as a bare query word or a parameter name.
		{"https://idp.example.com/x?Zm9vYmFyYmF6MTIzNDU2Nzg5MA", "https://idp.example.com/x?[redacted]"},
		{"mailto:alice@example.com?subject=x", "mailto:[redacted]"},
		{"/relative;jsessionid=1?a=b", "/relative;jsessionid=[redacted]?a=[redacted]"},
	}
	for _, tt := range tests {
		if got := RedactURL(mustURL(t, tt.in)); got != tt.want {
			t.Errorf("RedactURL(%s)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestRedactError(t *testing.T) {
	ue := &url.Error{Op: "Get", URL: "https://idp.example.com/mfa;jsessionid=J1?otp=123456&client-request-id=7", Err: io.ErrUnexpectedEOF}
	got := RedactError(ue)
	if want := `Get "https://idp.example.com/mfa;jsessionid=[redacted]?otp=[redacted]&client-request-id=7": unexpected EOF`; got.Error() != want {
		t.Errorf("RedactError = %q, want %q", got, want)
	}
	if !errors.Is(got, io.ErrUnexpectedEOF) {
		t.Errorf("RedactError lost the cause: %v", got)
	}
	if other := io.EOF; RedactError(other) != other {
		t.Errorf("RedactError changed a non-URL error")
	}
	if got := ShortURL(mustURL(t, "https://u:p@idp.example.com/a/b;jsessionid=1/Zm9vYmFyYmF6MTIzNDU2Nzg5MA?state=1#f")); got != "https://idp.example.com/a/b;jsessionid=[redacted]/[redacted]" {
		t.Errorf("ShortURL = %q", got)
	}
	if got := RedactURLString("https://h/x?code=1"); got != "https://h/x?code=[redacted]" {
		t.Errorf("RedactURLString = %q", got)
	}
	if got := RedactURLString("https://h/%zz?code=1"); got != Redacted {
		t.Errorf("RedactURLString(unparsable) = %q", got)
	}
}

func TestSensitiveName(t *testing.T) {
	for _, n := range []string{"Password", "passwd", "pw", "PIN", "client_secret", "code", "VerificationCode",
		"otp", "access_token", "SAMLResponse", "SAMLart", "Passcode", "ChallengeQuestionAnswer", "Context",
		"AuthState", "Signature", "wresult", "session_state", "RelayState", "sid", "lt", "execution",
		"jsessionid", "UserName", "anything"} {
		if !SensitiveName(n) {
			t.Errorf("SensitiveName(%q) = false", n)
		}
	}
	for _, n := range []string{"loginToRp", "LoginToRP", "spentityid", "providerId", "PartnerSpId", "client-request-id"} {
		if SensitiveName(n) {
			t.Errorf("SensitiveName(%q) = true", n)
		}
	}
}

func TestRedactForm(t *testing.T) {
	got := redactForm("UserName=alice&pw=hunter2&RelayState=rs1&Kmsi=true&AuthMethod=Forms&execution=e1s1&_eventId=submit", nil)
	want := "UserName=alice&pw=[redacted]&RelayState=[redacted]&Kmsi=true&AuthMethod=Forms&execution=[redacted]&_eventId=submit"
	if got != want {
		t.Errorf("redactForm\n got %s\nwant %s", got, want)
	}
}
