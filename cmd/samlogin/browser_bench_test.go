package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samlogin/samlogin/assertion"
	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/browsertest"
	"github.com/samlogin/samlogin/internal/secret"
)

// BenchmarkBrowserSignIn signs in with --browser at the in-repo ADFS, the
// way the browser scripts do: the samlogin binary (built once) runs as a
// subprocess with --debug, its browser is the headless Chromium of
// internal/browsertest, and the harness's User types alice's name and
// password. Each line of samlogin's stderr is stamped with time.Now() as
// it arrives on the pipe. It reports, per sign-in:
//
//   - start-ms/op: from `browser: starting` to `browser: ready` (Chromium
//     started and its DevTools tab open);
//   - post-to-written-ms/op: from `browser: intercepted the post to AWS` to
//     `samlogin: profile bench: account ...`, which samlogin prints after
//     the profile is written;
//   - sts-ms/op: one AssumeRoleWithSAML call to the same test STS, made here
//     after each sign-in (untimed) with awsconfig.AssumeRoleWithSAML as
//     samlogin calls it (a fresh client and connection each time);
//   - ratio: post-to-written over sts-ms (1.0 would be a samlogin that
//     costs nothing beyond the STS call after the browser hands over);
//   - post-to-sts-ms/op: the part of post-to-written before samlogin starts
//     its STS call (`sts: AssumeRoleWithSAML`): answering the post and
//     closing the browser;
//   - rss-kb: samlogin's VmRSS (its own process, not Chromium) when it
//     prints "waiting for the sign-in", before the user types.
func BenchmarkBrowserSignIn(b *testing.B) {
	if testing.Short() {
		b.Skip("starts Chromium")
	}
	sts := ststest.New(b, ststest.Options{})
	adfs := idptest.NewADFS(b, idptest.ADFSOptions{Users: adfsUsers, SAMLResponse: freshAssertion, TLS: true})
	h := browsertest.New(b, browsertest.Options{TrustSPKI: []string{pemSPKI(b, adfs.CACertFile())}})
	bin := filepath.Join(b.TempDir(), "samlogin")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	// The one STS call, as samlogin makes it, with the role the sign-in
	// picks; one call before the timed ones warms this process up.
	role := assertion.Role{
		RoleARN:      "arn:aws:iam::123456789012:role/ReadOnly",
		PrincipalARN: "arn:aws:iam::123456789012:saml-provider/ADFS",
		Partition:    "aws",
	}
	callSTS := func() time.Duration {
		in := awsconfig.AssumeInput{
			RoleARN: role.RoleARN, PrincipalARN: role.PrincipalARN, Partition: role.Partition,
			Assertion: secret.New(freshAssertion(`CORP\alice`)), Endpoint: sts.URL(),
		}
		start := time.Now()
		if _, err := awsconfig.AssumeRoleWithSAML(context.Background(), in); err != nil {
			b.Fatalf("STS: %v", err)
		}
		return time.Since(start)
	}
	callSTS()

	var start, postToWritten, postToSTS, stsTook time.Duration
	var rss int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := browserSignIn(b, h, bin, adfs, sts.URL())
		b.StopTimer()
		start += r.start
		postToWritten += r.postToWritten
		postToSTS += r.postToSTS
		rss += r.rssKB
		stsTook += callSTS()
		b.StartTimer()
	}
	b.StopTimer()
	// Every sign-in called STS once, as did each call here.
	if want := 2*b.N + 1; sts.Count() != want {
		b.Fatalf("the test STS got %d requests, want %d", sts.Count(), want)
	}
	if hits := h.Trap.Hits(); len(hits) != 0 {
		b.Fatalf("the AWS trap got %q", hits)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(b.N) / float64(time.Millisecond) }
	b.ReportMetric(ms(start), "start-ms/op")
	b.ReportMetric(ms(postToWritten), "post-to-written-ms/op")
	b.ReportMetric(ms(stsTook), "sts-ms/op")
	b.ReportMetric(float64(postToWritten)/float64(stsTook), "ratio")
	b.ReportMetric(ms(postToSTS), "post-to-sts-ms/op")
	b.ReportMetric(float64(rss)/float64(b.N), "rss-kb")
}

// signInFigures are one browser sign-in's figures.
type signInFigures struct {
	start, postToWritten, postToSTS time.Duration
	rssKB                           int64
}

// stampedLine is a line of samlogin's stderr and when it arrived.
type stampedLine struct {
	text string
	at   time.Time
}

// browserSignIn runs one `samlogin --browser` in a fresh home folder, plays
// the user once samlogin waits for the sign-in, and times its stderr lines.
func browserSignIn(b *testing.B, h *browsertest.Harness, bin string, adfs *idptest.ADFS, stsURL string) signInFigures {
	b.Helper()
	home := b.TempDir()
	cmd := exec.Command(bin, "--adfs-host", adfs.Host(), "--browser", "--profile", "bench", "--role", "ReadOnly",
		"--sts-endpoint", stsURL, "--debug")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "SAMLOGIN_") && !strings.HasPrefix(kv, "HOME=") &&
			!strings.HasPrefix(kv, "DISPLAY=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "HOME="+home, "SAMLOGIN_BROWSER="+h.Wrapper, "DISPLAY=:bench",
		"SAMLOGIN_CA_BUNDLE="+adfs.CACertFile(), "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	lines := make(chan stampedLine, 256)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			lines <- stampedLine{sc.Text(), time.Now()}
		}
	}()
	var all []string
	timeout := time.After(90 * time.Second)
	// next reads lines up to the first that contains s.
	next := func(s string) time.Time {
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					_ = cmd.Wait()
					b.Fatalf("samlogin ended before %q (%v):\n%s", s, cmd.ProcessState, strings.Join(all, "\n"))
				}
				all = append(all, l.text)
				if strings.Contains(l.text, s) {
					return l.at
				}
			case <-timeout:
				_ = cmd.Process.Kill()
				b.Fatalf("no %q within 90s:\n%s", s, strings.Join(all, "\n"))
			}
		}
	}
	var f signInFigures
	started := next(`msg="browser: starting"`)
	f.start = next(`msg="browser: ready"`).Sub(started)
	next("samlogin: waiting for the sign-in in the browser window")
	f.rssKB = vmRSS(b, cmd.Process.Pid)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // the user's DevTools connection
	u := h.User(ctx, "https://"+adfs.Host(), 60*time.Second)
	u.Type("#userNameInput", `CORP\alice`)
	u.Type("#passwordInput", adfsUsers[`CORP\alice`])
	u.Click("#submitButton")

	post := next(`msg="browser: intercepted the post to AWS"`)
	f.postToSTS = next(`msg="sts: AssumeRoleWithSAML"`).Sub(post)
	f.postToWritten = next("samlogin: profile bench: account 123456789012, role ReadOnly").Sub(post)
	for l := range lines {
		all = append(all, l.text)
	}
	if err := cmd.Wait(); err != nil {
		b.Fatalf("samlogin: %v:\n%s", err, strings.Join(all, "\n"))
	}
	return f
}

// vmRSS is the resident memory of process pid, in kB (/proc/PID/status).
func vmRSS(b *testing.B, pid int) int64 {
	b.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatalf("samlogin's memory: %v", err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatalf("samlogin's memory: %q: %v", l, err)
			}
			return n
		}
	}
	b.Fatalf("samlogin's memory: no VmRSS in /proc/%d/status", pid)
	return 0
}
