package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// Roles of the --all-roles scripts. roleBroken is refused by $STS_FLAKY_URL.
const (
	roleBroken = "arn:aws:iam::123456789012:role/Broken"
)

// multiPeers are the servers of the --all-roles, alias and assertion-cache
// scripts; the script commands below read their counters.
var multiPeers struct {
	cacheADFS *idptest.ADFS
	mu        sync.Mutex
	pagePosts map[string]int // sign-in page POSTs by path
}

// startAllRolesPeers starts: an STS that refuses roleBroken
// (STS_FLAKY_URL), an ADFS that releases three roles (CACHE_ADFS_HOST, users
// CORP\carol and CORP\dave, password CACHE_PASSWORD), and a fake AWS sign-in
// page (SIGNIN_URL) that answers /legacy and /nextjs with the captured
// pages, /garbage with noise.
func startAllRolesPeers(t *testing.T) map[string]string {
	flaky := ststest.New(t, ststest.Options{Fail: func(r ststest.Request) *ststest.Fault {
		if r.RoleARN == roleBroken {
			return ststest.FaultFor("AccessDenied")
		}
		return nil
	}})
	var password string
	multiPeers.cacheADFS, password = newCacheADFS(t)
	multiPeers.pagePosts = map[string]int{}
	pages := map[string][]byte{"/garbage": []byte("<html><body>\x00\x01 nothing here</body></html>")}
	for path, file := range map[string]string{"/legacy": "aws-saml-rolechooser-legacy.html", "/nextjs": "aws-saml-rolechooser-nextjs.html"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "awsconfig", "signin", "testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		pages[path] = b
	}
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		multiPeers.mu.Lock()
		multiPeers.pagePosts[r.URL.Path]++
		multiPeers.mu.Unlock()
		// The real page wants a form POST with a SAMLResponse.
		if r.Method != http.MethodPost || r.ParseForm() != nil || r.PostForm.Get("SAMLResponse") == "" {
			http.Error(w, "want a POSTed SAMLResponse", http.StatusBadRequest)
			return
		}
		if _, err := assertion.Parse([]byte(r.PostForm.Get("SAMLResponse"))); err != nil {
			http.Error(w, "not an assertion", http.StatusBadRequest)
			return
		}
		b, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(page.Close)
	return map[string]string{
		"STS_FLAKY_URL":   flaky.URL(),
		"CACHE_ADFS_HOST": multiPeers.cacheADFS.Host(),
		"CACHE_ADFS_CA":   multiPeers.cacheADFS.CACertFile(),
		"CACHE_PASSWORD":  password,
		"SIGNIN_URL":      page.URL,
	}
}

// newCacheADFS starts an ADFS that releases three roles to CORP\carol and
// CORP\dave, and returns it with their password.
func newCacheADFS(t testing.TB) (*idptest.ADFS, string) {
	const pw = "carol-Pa55!"
	return idptest.NewADFS(t, idptest.ADFSOptions{Users: map[string]string{`CORP\carol`: pw, `CORP\dave`: pw}, TLS: true,
		SAMLResponse: func(string) string {
			now := time.Now()
			return ststest.Assertion(ststest.AssertionOptions{IssueInstant: now, NotOnOrAfter: now.Add(5 * time.Minute), Roles: []string{
				roleAdmin, roleReadOnly, "arn:aws:iam::210987654321:role/Dev,arn:aws:iam::210987654321:saml-provider/ADFS",
			}})
		}}), pw
}

// signins USER N checks that the cache ADFS received N password posts from
// USER (each script uses its own user: scripts run in parallel).
func cmdSignins(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: signins USER N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	if got := multiPeers.cacheADFS.PasswordPosts(args[0]); got != want {
		ts.Fatalf("%s signed in %d times, want %d", args[0], got, want)
	}
}

// pageposts PATH N checks that the fake sign-in page got N requests at PATH.
func cmdPagePosts(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: pageposts PATH N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	multiPeers.mu.Lock()
	got := multiPeers.pagePosts[args[0]]
	multiPeers.mu.Unlock()
	if got != want {
		ts.Fatalf("sign-in page %s: %d requests, want %d", args[0], got, want)
	}
}

func TestProfileName(t *testing.T) {
	r := assertion.Role{AccountID: "123456789012", RoleName: "Dev=Ops", Partition: "aws"}
	for _, tc := range []struct{ tmpl, alias, want string }{
		{"{account}-{role}", "", "123456789012-Dev_Ops"},
		{"{alias}-{role}", "", "123456789012-Dev_Ops"},
		{"{alias}/{role}@{partition}", "prod", "prod/Dev_Ops@aws"},
	} {
		if got := profileName(tc.tmpl, r, tc.alias); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.tmpl, got, tc.want)
		}
	}
	for tmpl, ok := range map[string]bool{"{account}-{role}": true, "{alias}": true, "fixed": false, "{account}-{rolename}": false, "{role}": true} {
		if err := checkTemplate(tmpl); (err == nil) != ok {
			t.Errorf("checkTemplate(%q) = %v", tmpl, err)
		}
	}
}

// TestAllRolesAssertionCacheClock: the cached assertion is not used once
// the (injected) clock passes NotOnOrAfter minus the margin.
func TestAllRolesAssertionCacheClock(t *testing.T) {
	adfs, password := newCacheADFS(t)
	sts := ststest.New(t, ststest.Options{})
	home := testtmp.Dir(t)
	now := time.Now()
	clock := func() time.Time { return now }
	vars := map[string]string{"SAMLOGIN_PASSWORD": password}
	login := func() string {
		env, _, stderr := testEnv(t, "", vars)
		env.Home, env.Now = home, clock
		code := run(context.Background(), []string{"--adfs-host", adfs.Host(), "--ca-bundle", adfs.CACertFile(),
			"--username", `CORP\dave`, "--all-roles", "--sts-endpoint", sts.URL()}, env)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return stderr.String()
	}
	login()
	if n := adfs.PasswordPosts(`CORP\dave`); n != 1 {
		t.Fatalf("sign-ins: %d", n)
	}
	// The cache file is 0600 in a 0700 folder.
	dir := filepath.Join(home, ".aws", "samlogin")
	files, _ := filepath.Glob(filepath.Join(dir, "assertion-*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	for p, want := range map[string]os.FileMode{dir: os.ModeDir | 0o700, files[0]: 0o600} {
		if fi, err := os.Stat(p); err != nil || unixModes && fi.Mode() != want {
			t.Errorf("%s: %v %v", p, fi.Mode(), err)
		}
	}
	now = now.Add(4 * time.Minute)
	if s := login(); !strings.Contains(s, "reusing the sign-in") {
		t.Errorf("4 minutes later: no reuse:\n%s", s)
	}
	if n := adfs.PasswordPosts(`CORP\dave`); n != 1 {
		t.Errorf("sign-ins after 4 minutes: %d, want 1", n)
	}
	now = now.Add(40 * time.Second) // 20 s before NotOnOrAfter: inside the margin
	if s := login(); strings.Contains(s, "reusing the sign-in") {
		t.Errorf("reused inside the margin:\n%s", s)
	}
	if n := adfs.PasswordPosts(`CORP\dave`); n != 2 {
		t.Errorf("sign-ins after 4m40s: %d, want 2", n)
	}
}

// TestAllRolesBounded: 20 roles through a proxy that counts the STS calls
// in flight: never more than allRolesParallel, and more than one (they do
// overlap). In --debug mode, no secret reaches stderr.
func TestAllRolesBounded(t *testing.T) {
	sts := ststest.New(t, ststest.Options{Latency: 20 * time.Millisecond})
	target, _ := url.Parse(sts.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	inFlight, most := 0, 0
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		defer func() { mu.Lock(); inFlight--; mu.Unlock() }()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	roles := make([]string, 20)
	for i := range roles {
		roles[i] = fmt.Sprintf("arn:aws:iam::123456789012:role/R%02d,arn:aws:iam::123456789012:saml-provider/ADFS", i)
	}
	now := time.Now()
	saml := ststest.Assertion(ststest.AssertionOptions{IssueInstant: now, NotOnOrAfter: now.Add(5 * time.Minute), Roles: roles})
	file := filepath.Join(testtmp.Dir(t), "saml.b64")
	if err := os.WriteFile(file, []byte(saml), 0o600); err != nil {
		t.Fatal(err)
	}
	env, stdout, stderr := testEnv(t, "", map[string]string{})
	if code := run(context.Background(), []string{"--assertion-file", file, "--all-roles", "--debug", "-o", "json",
		"--sts-endpoint", front.URL}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got := sts.Count(); got != 20 {
		t.Errorf("STS calls: %d, want 20", got)
	}
	if most > allRolesParallel || most < 2 {
		t.Errorf("at most %d calls in flight, want 2..%d", most, allRolesParallel)
	}
	out := stdout.String() + stderr.String()
	for _, s := range []string{saml[:200], ststest.SecretAccessKey(1), ststest.SessionToken(1)[:40]} {
		if strings.Contains(out, s) {
			t.Errorf("a secret leaked: %.20s...", s)
		}
	}
	if !strings.Contains(stdout.String(), `"profile": "123456789012-R19"`) {
		t.Errorf("stdout: %s", stdout)
	}
}

// BenchmarkAllRoles50: 50 roles, each STS call 100 ms slower. It reports
// the wall time of `samlogin --all-roles` as a ratio to one login of one
// role (ratio/op): with 8 calls at a time, about ceil(50/8) = 7, not 50.
func BenchmarkAllRoles50(b *testing.B) {
	const n = 50
	sts := ststest.New(b, ststest.Options{Latency: 100 * time.Millisecond})
	roles := make([]string, n)
	for i := range roles {
		acct := fmt.Sprintf("1000000000%02d", i)
		roles[i] = fmt.Sprintf("arn:aws:iam::%s:role/Role%02d,arn:aws:iam::%s:saml-provider/ADFS", acct, i, acct)
	}
	dir := b.TempDir()
	write := func(name string, roles []string) string {
		p := filepath.Join(dir, name)
		now := time.Now()
		o := ststest.AssertionOptions{IssueInstant: now, NotOnOrAfter: now.Add(5 * time.Minute), Roles: roles}
		if err := os.WriteFile(p, []byte(ststest.Assertion(o)), 0o600); err != nil {
			b.Fatal(err)
		}
		return p
	}
	all, one := write("all.b64", roles), write("one.b64", roles[:1])
	if fi, _ := os.Stat(all); fi.Size() > assertion.MaxEncodedSize {
		b.Fatalf("50-role assertion is %d chars, over the cap", fi.Size())
	}
	login := func(args ...string) time.Duration {
		env, _, stderr := testEnv(b, "", map[string]string{})
		start := time.Now()
		if code := run(context.Background(), append(args, "--sts-endpoint", sts.URL(), "--no-prompt"), env); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr)
		}
		return time.Since(start)
	}
	var tAll, tOne time.Duration
	for b.Loop() {
		tOne += login("--assertion-file", one, "--profile", "one")
		tAll += login("--assertion-file", all, "--all-roles")
	}
	b.ReportMetric(float64(tAll)/float64(tOne), "ratio")
	b.ReportMetric(float64(tAll.Milliseconds())/float64(b.N), "ms-all/op")
	b.ReportMetric(float64(tOne.Milliseconds())/float64(b.N), "ms-one/op")
}
