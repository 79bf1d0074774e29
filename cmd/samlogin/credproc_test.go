package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"

	"github.com/samlogin/samlogin/internal/testtmp"
)

// Roles of the test users' assertions.
const (
	cpAdmin    = "arn:aws:iam::123456789012:role/Admin"
	cpReadOnly = "arn:aws:iam::123456789012:role/ReadOnly"
	cpProvider = "arn:aws:iam::123456789012:saml-provider/ADFS"
)

// credProcPeers are the servers the credential-process scripts sign in
// at: an ADFS over TLS that counts password posts per user, and the strict
// test STS.
type credProcPeers struct {
	adfs *idptest.ADFS
	sts  *ststest.Server
}

func newCredProcPeers(t *testing.T, users map[string]string) *credProcPeers {
	return &credProcPeers{
		adfs: idptest.NewADFS(t, idptest.ADFSOptions{
			Users: users,
			TLS:   true,
			// "Keep me signed in" lasts an hour (only a sign-in that posts
			// Kmsi=true gets the cookie: --remember-session).
			KMSILifetime: time.Hour,
			SAMLResponse: func(user string) string {
				return ststest.Assertion(ststest.AssertionOptions{
					Roles:        []string{cpAdmin + "," + cpProvider, cpReadOnly + "," + cpProvider},
					SessionName:  strings.ToLower(strings.TrimPrefix(user, `CORP\`)),
					NotOnOrAfter: time.Now().Add(5 * time.Minute),
				})
			},
		}),
		sts: ststest.New(t, ststest.Options{}),
	}
}

// TestCredentialProcessScripts runs testdata/credproc: credential-process,
// exec and env end to end, with the aws CLI where the machine has it.
func TestCredentialProcessScripts(t *testing.T) {
	users := map[string]string{}
	for _, u := range []string{"alice", "bob", "carol", "dave", "erin", "frank"} {
		users[`CORP\`+u] = u + "-pw"
	}
	peers := newCredProcPeers(t, users)
	whoami := newWhoAmI(t)
	role := ststest.NewRoleSTS(t, nil)
	params := scriptParams("testdata/credproc", map[string]string{
		"ROLE_STS_URL": role.URL(),
		"STS_URL":      peers.sts.URL(),
		"ADFS_HOST":    peers.adfs.Host(),
		"ADFS_CA":      peers.adfs.CACertFile(),
		"WHOAMI_URL":   whoami.URL,
		"ADMIN":        cpAdmin,
		"READONLY":     cpReadOnly,
	})
	for name, cmd := range map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// signins USER N: the ADFS received N password posts for USER.
		"signins": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: signins USER N")
			}
			want, err := strconv.Atoi(args[1])
			ts.Check(err)
			if got := peers.adfs.PasswordPosts(args[0]); got != want {
				ts.Fatalf("%s signed in %d times, want %d", args[0], got, want)
			}
		},
		// kmsi N: the ADFS issued N SAMLResponses to a kept session.
		"kmsi": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 1 {
				ts.Fatalf("usage: kmsi N")
			}
			want, err := strconv.Atoi(args[0])
			ts.Check(err)
			if got := peers.adfs.KMSILogins(); got != want {
				ts.Fatalf("%d sign-ins through a kept session, want %d", got, want)
			}
		},
		// revoke: the ADFS forgets every kept session.
		"revoke": func(ts *testscript.TestScript, neg bool, args []string) {
			peers.adfs.RevokeSessions()
		},
		// mode PATH PERM: the file or folder has this permission.
		"mode": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: mode PATH PERM")
			}
			paths, _ := filepath.Glob(ts.MkAbs(args[0]))
			if len(paths) == 0 {
				ts.Fatalf("%s: no such file", args[0])
			}
			for _, p := range paths {
				fi, err := os.Stat(p)
				ts.Check(err)
				if got := fmt.Sprintf("%#o", fi.Mode().Perm()); got != args[1] {
					ts.Fatalf("%s: mode %s, want %s", p, got, args[1])
				}
			}
		},
	} {
		params.Cmds[name] = cmd
	}
	testscript.Run(t, params)
}

// newWhoAmI is a fake of the STS calls the aws CLI makes with the
// credentials samlogin hands it: GetCallerIdentity answers with the access
// key the request was signed with (as UserId), and AssumeRole (a chained
// profile) answers with keys named after the signing key, so that a script
// can see which credentials each call used.
func newWhoAmI(t *testing.T) *httptest.Server {
	re := regexp.MustCompile(`Credential=([A-Z0-9]+)/`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		m := re.FindStringSubmatch(r.Header.Get("Authorization"))
		if m == nil || r.Header.Get("X-Amz-Security-Token") == "" {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>unsigned, or no session token</Message></Error><RequestId>1</RequestId></ErrorResponse>`)
			return
		}
		key := m[1]
		w.Header().Set("Content-Type", "text/xml")
		switch r.Form.Get("Action") {
		case "GetCallerIdentity":
			fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/Caller/x</Arn><UserId>%s</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, key)
		case "AssumeRole":
			fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIACHAINED%s</AccessKeyId><SecretAccessKey>chained-secret</SecretAccessKey><SessionToken>chained-token</SessionToken><Expiration>%s</Expiration></Credentials><AssumedRoleUser><Arn>%s/x</Arn><AssumedRoleId>AROACHAINED:x</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>3</RequestId></ResponseMetadata></AssumeRoleResponse>`,
				key[len(key)-6:], time.Now().Add(time.Hour).UTC().Format(time.RFC3339), strings.Replace(strings.Replace(r.Form.Get("RoleArn"), ":iam:", ":sts:", 1), ":role/", ":assumed-role/", 1))
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>%s</Message></Error><RequestId>4</RequestId></ErrorResponse>`, r.Form.Get("Action"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestCredentialProcessSingleFlight: 30 credential-process processes at
// once with an expired cache (Terraform does this) make exactly one
// sign-in; all 30 print the same credentials, and the cache file is whole.
func TestCredentialProcessSingleFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 30 processes")
	}
	bin, err := exec.LookPath("samlogin") // the test binary, set up by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	peers := newCredProcPeers(t, map[string]string{`CORP\alice`: "alice-pw"})
	home := testtmp.Dir(t)
	configFile := filepath.Join(home, ".aws", "config")
	if err := os.MkdirAll(filepath.Dir(configFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(configFile, []byte(fmt.Sprintf(`[profile tf]
region = eu-west-1
samlogin_adfs_host = %s
samlogin_ca_bundle = %s
samlogin_username = CORP\alice
samlogin_role_arn = %s
samlogin_sts_endpoint = %s
credential_process = %s credential-process --profile tf
`, peers.adfs.Host(), peers.adfs.CACertFile(), cpAdmin, peers.sts.URL(), bin)), 0o600); err != nil {
		t.Fatal(err)
	}
	// An expired entry for the same key: the cache is stale, not empty.
	key := awsconfig.CacheKey{IdP: peers.adfs.Host(), Username: `CORP\alice`, RoleARN: cpAdmin}
	cache := &awsconfig.CredentialCache{Dir: awsconfig.CacheDir(home), Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }}
	if err := cache.Store(key, &awsconfig.Credentials{AccessKeyID: "ASIAEXPIRED", SecretAccessKey: secret.New("s"),
		SessionToken: secret.New("t"), Expiration: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}

	const n = 30
	outs := make([][]byte, n)
	errs := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			cmd := exec.Command(bin, "credential-process", "--profile", "tf")
			cmd.Env = []string{"HOME=" + home, "USERPROFILE=" + home, "SYSTEMROOT=" + os.Getenv("SYSTEMROOT"), "PATH=" + os.Getenv("PATH"), "SAMLOGIN_PASSWORD=alice-pw", "SAMLOGIN_NO_PROMPT=true"}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			outs[i] = out
			if err != nil {
				errs[i] = fmt.Sprintf("%v: %s", err, stderr.String())
			}
		})
	}
	wg.Wait()

	if got := peers.adfs.PasswordPosts(`CORP\alice`); got != 1 {
		t.Errorf("%d sign-ins, want exactly 1", got)
	}
	if got := peers.sts.Count(); got != 1 {
		t.Errorf("%d STS calls, want 1", got)
	}
	for i := range n {
		if errs[i] != "" {
			t.Errorf("process %d: %s", i, errs[i])
			continue
		}
		if !bytes.Equal(outs[i], outs[0]) {
			t.Errorf("process %d printed\n%s\nprocess 0 printed\n%s", i, outs[i], outs[0])
		}
	}
	var pc awsconfig.ProcessCredentials
	if err := json.Unmarshal(outs[0], &pc); err != nil || pc.Version != 1 || pc.AccessKeyID == "ASIAEXPIRED" || !strings.HasPrefix(pc.AccessKeyID, "ASIA") {
		t.Fatalf("output %q: %v", outs[0], err)
	}
	got := (&awsconfig.CredentialCache{Dir: awsconfig.CacheDir(home)}).Load(key)
	if got == nil || got.AccessKeyID != pc.AccessKeyID || got.SessionToken.Reveal() != pc.SessionToken {
		t.Errorf("cache holds %+v, processes printed %s", got, pc.AccessKeyID)
	}
	files, _ := filepath.Glob(filepath.Join(awsconfig.CacheDir(home), "*"))
	for _, f := range files {
		if strings.Contains(filepath.Base(f), ".samlogin-tmp-") {
			t.Errorf("temporary file left: %s", f)
		}
	}
}

// TestCredentialProcessSingleFlightKeptSession: with a kept IdP session
// (--remember-session), 30 credential-process processes after expiry make
// one walk with the kept session: no password anywhere, one SAMLResponse
// through the KMSI cookie, one STS call.
func TestCredentialProcessSingleFlightKeptSession(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 30 processes")
	}
	bin, err := exec.LookPath("samlogin") // the test binary, set up by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	peers := newCredProcPeers(t, map[string]string{`CORP\alice`: "alice-pw"})
	home := testtmp.Dir(t)
	configFile := filepath.Join(home, ".aws", "config")
	if err := os.MkdirAll(filepath.Dir(configFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(configFile, []byte(fmt.Sprintf(`[profile tf]
region = eu-west-1
samlogin_adfs_host = %s
samlogin_ca_bundle = %s
samlogin_username = CORP\alice
samlogin_role_arn = %s
samlogin_sts_endpoint = %s
samlogin_remember_session = true
credential_process = %s credential-process --profile tf
`, peers.adfs.Host(), peers.adfs.CACertFile(), cpAdmin, peers.sts.URL(), bin)), 0o600); err != nil {
		t.Fatal(err)
	}
	baseEnv := []string{"HOME=" + home, "USERPROFILE=" + home, "SYSTEMROOT=" + os.Getenv("SYSTEMROOT"), "PATH=" + os.Getenv("PATH"),
		"SAMLOGIN_NO_PROMPT=true", "SAMLOGIN_NO_CACHE=true"}
	// The morning's sign-in, with the password.
	first := exec.Command(bin, "credential-process", "--profile", "tf")
	first.Env = append(baseEnv, "SAMLOGIN_PASSWORD=alice-pw")
	if out, err := first.CombinedOutput(); err != nil {
		t.Fatalf("first sign-in: %v: %s", err, out)
	}
	if got := peers.adfs.PasswordPosts(`CORP\alice`); got != 1 {
		t.Fatalf("%d password posts after the first sign-in, want 1", got)
	}
	// An hour later the credentials have expired.
	key := awsconfig.CacheKey{IdP: peers.adfs.Host(), Username: `CORP\alice`, RoleARN: cpAdmin}
	cache := &awsconfig.CredentialCache{Dir: awsconfig.CacheDir(home), Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }}
	if err := cache.Store(key, &awsconfig.Credentials{AccessKeyID: "ASIAEXPIRED", SecretAccessKey: secret.New("s"),
		SessionToken: secret.New("t"), Expiration: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}

	const n = 30
	outs := make([][]byte, n)
	errs := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			cmd := exec.Command(bin, "credential-process", "--profile", "tf")
			cmd.Env = baseEnv // no password: only the kept session can sign in
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			outs[i] = out
			if err != nil {
				errs[i] = fmt.Sprintf("%v: %s", err, stderr.String())
			}
		})
	}
	wg.Wait()

	if got := peers.adfs.PasswordPosts(`CORP\alice`); got != 1 {
		t.Errorf("%d password posts, want still 1", got)
	}
	if got := peers.adfs.KMSILogins(); got != 1 {
		t.Errorf("%d walks with the kept session, want exactly 1", got)
	}
	if got := peers.sts.Count(); got != 2 {
		t.Errorf("%d STS calls, want 2 (the first sign-in, the refresh)", got)
	}
	for i := range n {
		if errs[i] != "" {
			t.Errorf("process %d: %s", i, errs[i])
			continue
		}
		if !bytes.Equal(outs[i], outs[0]) {
			t.Errorf("process %d printed\n%s\nprocess 0 printed\n%s", i, outs[i], outs[0])
		}
	}
	if bytes.Contains(outs[0], []byte("ASIAEXPIRED")) {
		t.Errorf("expired keys handed out: %s", outs[0])
	}
}
