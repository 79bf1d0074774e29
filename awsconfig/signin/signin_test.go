package signin_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samlogin/samlogin/awsconfig/signin"
	"github.com/samlogin/samlogin/internal/secret"

	"github.com/samlogin/samlogin/internal/testtmp"
)

var fixtureAccounts = map[string]string{"012345678901": "testaccount1", "987654321987": ""}

func TestParseAccountsFixtures(t *testing.T) {
	for _, name := range []string{"aws-saml-rolechooser-legacy.html", "aws-saml-rolechooser-nextjs.html"} {
		t.Run(name, func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := signin.ParseAccounts(page)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(fixtureAccounts, got); diff != "" {
				t.Errorf("accounts (-want +got):\n%s", diff)
			}
		})
	}
}

func nextPage(json string) string {
	return `<html><head><meta name="data" content="` + base64.StdEncoding.EncodeToString([]byte(json)) + `"></head></html>`
}

func TestParseAccounts(t *testing.T) {
	for name, tc := range map[string]struct {
		page string
		want map[string]string
	}{
		"legacy entity":   {`<div class="saml-account-name">Account: a&amp;b (111111111111)</div><div class="saml-account-name">Account: prod-1 (222222222222)</div>`, map[string]string{"111111111111": "", "222222222222": "prod-1"}},
		"legacy no alias": {`<div class="saml-account-name">Account: 333333333333</div>`, map[string]string{"333333333333": ""}},
		"next foreign":    {nextPage(`{"roles_accounts":{"dev (444444444444)":["arn:aws:iam::444444444444:role/R"]},"foreign_accounts":{"555555555555":[]},"invalid_accounts":{}}`), map[string]string{"444444444444": "dev", "555555555555": ""}},
		"next odd alias":  {nextPage(`{"roles_accounts":{"<script> (666666666666)":[]}}`), map[string]string{"666666666666": ""}},
		"short id":        {`<div class="saml-account-name">Account: x (1234)</div>`, nil},
		"garbage":         {"\x00\xffnot html at all", nil},
		"bad base64":      {`<meta name="data" content="!!!">`, nil},
		"bad json":        {nextPage(`{"roles_accounts": [1,2]}`), nil},
		"console":         {`<html><title>AWS Management Console</title></html>`, nil},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := signin.ParseAccounts([]byte(tc.page))
			if tc.want == nil {
				if !errors.Is(err, signin.ErrNoAccounts) {
					t.Errorf("got %v, %v; want ErrNoAccounts", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestURL(t *testing.T) {
	for p, want := range map[string]string{
		"":           "https://signin.aws.amazon.com/saml",
		"aws":        "https://signin.aws.amazon.com/saml",
		"aws-us-gov": "https://signin.amazonaws-us-gov.com/saml",
		"aws-cn":     "https://signin.amazonaws.cn/saml",
	} {
		if got := signin.URL(p); got != want {
			t.Errorf("URL(%q) = %s, want %s", p, got, want)
		}
	}
}

func TestFetch(t *testing.T) {
	page, err := os.ReadFile("testdata/aws-saml-rolechooser-legacy.html")
	if err != nil {
		t.Fatal(err)
	}
	var gotForm url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "want a form POST", http.StatusBadRequest)
			return
		}
		r.ParseForm()
		gotForm = r.PostForm
		switch r.URL.Path {
		case "/saml":
			w.Write(page)
		case "/redirect":
			http.Redirect(w, r, "/saml", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	got, err := signin.Fetch(ctx, srv.Client(), srv.URL+"/saml", secret.New("PHNhbWw+"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fixtureAccounts, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if gotForm.Get("SAMLResponse") != "PHNhbWw+" || !gotForm.Has("RelayState") {
		t.Errorf("form sent = %v", gotForm)
	}
	if _, err := signin.Fetch(ctx, srv.Client(), srv.URL+"/redirect", secret.New("x")); err == nil || !regexp.MustCompile(`302`).MatchString(err.Error()) {
		t.Errorf("redirect: err = %v, want the 302 reported, not followed", err)
	}
	if _, err := signin.Fetch(ctx, srv.Client(), srv.URL+"/nope", secret.New("x")); err == nil {
		t.Error("404: no error")
	}
}

func TestFetchNeverLeaksAssertion(t *testing.T) {
	_, err := signin.Fetch(context.Background(), http.DefaultClient, "http://127.0.0.1:1/saml", secret.New("SECRETASSERTION"))
	if err == nil || regexp.MustCompile("SECRETASSERTION").MatchString(err.Error()) {
		t.Errorf("err = %v", err)
	}
}

func TestAliasCache(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	dir := filepath.Join(testtmp.Dir(t), "samlogin")
	c := &signin.AliasCache{Path: filepath.Join(dir, "aliases.json"), Now: func() time.Time { return now }}
	if got := c.Load(); len(got) != 0 {
		t.Errorf("empty cache: %v", got)
	}
	if err := c.Store(map[string]string{"111111111111": "one", "222222222222": ""}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, c.Path: 0o600} {
		if fi, err := os.Stat(path); err != nil || unixModes && fi.Mode() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode(), err, want)
		}
	}
	now = now.Add(23 * time.Hour)
	if err := c.Store(map[string]string{"333333333333": "three"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"111111111111": "one", "222222222222": "", "333333333333": "three"}, c.Load()); diff != "" {
		t.Errorf("after 23h (-want +got):\n%s", diff)
	}
	now = now.Add(2 * time.Hour) // the first two are 25 h old
	if diff := cmp.Diff(map[string]string{"333333333333": "three"}, c.Load()); diff != "" {
		t.Errorf("after 25h (-want +got):\n%s", diff)
	}
	if err := os.WriteFile(c.Path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := c.Load(); len(got) != 0 {
		t.Errorf("damaged file: %v", got)
	}
	if err := c.Store(map[string]string{"111111111111": "one"}); err != nil {
		t.Fatalf("store over a damaged file: %v", err)
	}
	b, _ := io.ReadAll(must(os.Open(c.Path)))
	if !regexp.MustCompile(`"111111111111"`).Match(b) {
		t.Errorf("file: %s", b)
	}
}

func must(f *os.File, err error) *os.File {
	if err != nil {
		panic(err)
	}
	return f
}

func BenchmarkParseAccounts(b *testing.B) {
	page, _ := os.ReadFile("testdata/aws-saml-rolechooser-legacy.html")
	for b.Loop() {
		signin.ParseAccounts(page)
	}
}
