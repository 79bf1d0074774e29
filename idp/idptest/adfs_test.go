package idptest_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
	"github.com/samlogin/samlogin/idp/idptest"
)

var users = map[string]string{`CORP\alice`: "pw"}

type client struct {
	t *testing.T
	c *http.Client
}

func newClient(t *testing.T, s *idptest.ADFS, tls bool) *client {
	t.Helper()
	ho := idp.HTTPOptions{}
	if tls {
		ho.CABundle = s.CACertFile()
	}
	c, err := idp.NewHTTPClient(ho)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t, c}
}

func (c *client) page(resp *http.Response, err error) *htmlform.Page {
	c.t.Helper()
	if err != nil {
		c.t.Fatal(err)
	}
	p, err := htmlform.ReadPage(resp, htmlform.DefaultMaxPage)
	if err != nil {
		c.t.Fatal(err)
	}
	return p
}

func (c *client) post(u string, body string) *htmlform.Page {
	return c.page(c.c.Post(u, "application/x-www-form-urlencoded", strings.NewReader(body)))
}

func TestLoginPages(t *testing.T) {
	for _, gen := range []string{"2016", "2019"} {
		t.Run(gen, func(t *testing.T) {
			s := idptest.NewADFS(t, idptest.ADFSOptions{Generation: gen, Users: users, TLS: true})
			c := newClient(t, s, true)
			p := c.page(c.c.Get(s.SignInURL(idptest.DefaultRP)))
			f := p.FormByID("loginForm")
			if f == nil || f.Action == nil {
				t.Fatalf("no form#loginForm with an action on %q", p.Title)
			}
			if f.Action.Host != s.Host() || f.Action.Query().Get("loginToRp") != idptest.DefaultRP || f.Action.Query().Get("client-request-id") == "" {
				t.Errorf("action = %s", f.Action)
			}
			if got := p.TextSnippet("#errorText"); got != "" {
				t.Errorf("#errorText = %q on a fresh page", got)
			}

			v := f.Values()
			v.Set("UserName", `corp\ALICE`)
			v.Set("Password", "nope")
			resp, err := htmlform.Submit(context.Background(), c.c, f, v)
			p = c.page(resp, err)
			if got := p.TextSnippet("#errorText"); got != idptest.MsgBadPassword {
				t.Errorf("#errorText = %q", got)
			}
			if in, _ := p.FormByID("loginForm").Input("UserName"); in.Value != `corp\ALICE` {
				t.Errorf("user name not kept: %q", in.Value)
			}
			if got := s.PasswordPosts(`CORP\alice`); got != 1 {
				t.Errorf("PasswordPosts = %d", got)
			}

			v.Set("Password", "pw")
			resp, err = htmlform.Submit(context.Background(), c.c, f, v)
			p = c.page(resp, err)
			if got, _, ok := p.SAMLResponse(); !ok || got != idptest.FakeSAMLResponse(`CORP\alice`) {
				t.Errorf("SAMLResponse = %q, %v", got, ok)
			}
			if s.Logins() != 1 || s.Count() != 3 {
				t.Errorf("Logins = %d, Count = %d", s.Logins(), s.Count())
			}
		})
	}
}

func TestRecordsFieldsInOrder(t *testing.T) {
	s := idptest.NewADFS(t, idptest.ADFSOptions{Users: users})
	c := newClient(t, s, false)
	c.post(s.SignInURL(idptest.DefaultRP), "Password=pw&UserName=CORP%5Calice&AuthMethod=FormsAuthentication&Kmsi=true")
	got := s.Requests()[0]
	want := idptest.Recorded{
		Method: "POST", Path: "/adfs/ls/IdpInitiatedSignOn.aspx",
		Query:     url.Values{"loginToRp": {idptest.DefaultRP}},
		Form:      []idptest.Field{{Name: "Password", Value: "pw"}, {Name: "UserName", Value: `CORP\alice`}, {Name: "AuthMethod", Value: "FormsAuthentication"}, {Name: "Kmsi", Value: "true"}},
		Cookies:   map[string]string{},
		UserAgent: got.UserAgent, // the client's
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestMFARequiresCookieAndContext(t *testing.T) {
	s := idptest.NewADFS(t, idptest.ADFSOptions{Users: users, MFA: idptest.MFACode})
	c := newClient(t, s, false)
	p := c.post(s.SignInURL(idptest.DefaultRP), "UserName=CORP%5Calice&Password=pw&AuthMethod=FormsAuthentication")
	f := p.FormByID("passcodeForm")
	if f == nil {
		t.Fatalf("no passcode form on %q", p.Title)
	}
	v := f.Values()
	v.Set("Passcode", "123456")

	// Without the MSISAuth cookie: error page.
	bare, _ := idp.NewHTTPClient(idp.HTTPOptions{Jar: mustJar(t)})
	resp, err := htmlform.Submit(context.Background(), bare, f, v)
	if got := c.page(resp, err).TextSnippet("#errorDetailsText"); !strings.HasPrefix(got, "MSIS7042") {
		t.Errorf("without the cookie: %q", got)
	}
	// With a wrong Context: error page.
	w := url.Values{"AuthMethod": {idptest.AuthRSA}, "Context": {"forged"}, "Passcode": {"123456"}}
	resp, err = htmlform.Submit(context.Background(), c.c, f, w)
	if got := c.page(resp, err).TextSnippet("#errorDetailsText"); !strings.HasPrefix(got, "MSIS7012") {
		t.Errorf("with a forged Context: %q", got)
	}
	// Wrong code, then the right one.
	v.Set("Passcode", "000000")
	resp, err = htmlform.Submit(context.Background(), c.c, f, v)
	if got := c.page(resp, err).TextSnippet("#errorText"); got != idptest.MsgBadCode {
		t.Errorf("wrong code: #errorText = %q", got)
	}
	v.Set("Passcode", "123456")
	resp, err = htmlform.Submit(context.Background(), c.c, f, v)
	if _, _, ok := c.page(resp, err).SAMLResponse(); !ok {
		t.Errorf("no SAMLResponse after the right code")
	}
}

func mustJar(t *testing.T) http.CookieJar {
	j, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestErrorPages(t *testing.T) {
	tests := []struct {
		name string
		o    idptest.ADFSOptions
		rp   string
		want string
	}{
		{"disabled", idptest.ADFSOptions{IdPInitiatedDisabled: true}, idptest.DefaultRP, "MSIS7065"},
		{"unknown RP", idptest.ADFSOptions{UnknownRP: true}, idptest.DefaultRP, "MSIS7007: The requested relying party trust 'urn:amazon:webservices'"},
		{"other RP", idptest.ADFSOptions{RP: "urn:amazon:webservices:govcloud"}, idptest.DefaultRP, "MSIS7007"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Users = users
			s := idptest.NewADFS(t, tt.o)
			c := newClient(t, s, false)
			p := c.page(c.c.Get(s.SignInURL(tt.rp)))
			if got := p.TextSnippet("#errorDetailsText"); !strings.HasPrefix(got, tt.want) {
				t.Errorf("error details = %q, want %q...", got, tt.want)
			}
			if got := p.TextSnippet("#openingMessage"); got != "An error occurred" {
				t.Errorf("#openingMessage = %q", got)
			}
		})
	}
}

func TestADFS20ChecksViewState(t *testing.T) {
	s := idptest.NewADFS(t, idptest.ADFSOptions{Generation: idptest.ADFS20, Users: users})
	c := newClient(t, s, false)
	p := c.page(c.c.Get(s.SignInURL(idptest.DefaultRP)))
	if p.FormByID("aspnetForm") == nil || !strings.HasSuffix(p.URL.Path, "/FormsSignIn.aspx") {
		t.Fatalf("not the ASP.NET form: %q at %s", p.Title, p.URL)
	}
	p = c.post(s.URL()+"/adfs/ls/FormsSignIn.aspx", "ctl00%24ContentPlaceHolder1%24UsernameTextBox=CORP%5Calice&ctl00%24ContentPlaceHolder1%24PasswordTextBox=pw")
	if p.Status != http.StatusInternalServerError {
		t.Errorf("a post without the view state got %d %q", p.Status, p.Title)
	}
	if s.Logins() != 0 {
		t.Errorf("Logins = %d", s.Logins())
	}
}

func TestLatencyStopsWithTheClient(t *testing.T) {
	s := idptest.NewADFS(t, idptest.ADFSOptions{Users: users, Latency: time.Hour})
	c := newClient(t, s, false)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.SignInURL(idptest.DefaultRP), nil)
	if _, err := c.c.Do(req); err == nil {
		t.Fatal("a request to a stalled server succeeded")
	}
	// t.Cleanup closes the server; it would hang if the handler kept sleeping.
}
