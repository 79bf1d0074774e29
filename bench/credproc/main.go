// Command credproc measures the cache hit of `samlogin credential-process`
// against a hello-world Go binary built the same way (-trimpath -ldflags
// "-s -w"), in the same run: wall time per process start (median, p90) and
// peak resident memory.
//
//	go run ./bench/credproc [-n 300]
//
// Peak memory is read from /usr/bin/time -f %M when it is installed (a
// process started by Go inherits the parent's high-water mark through
// vfork, so rusage from exec.Cmd overstates a small child).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/internal/secret"
)

func main() {
	n := flag.Int("n", 300, "runs of each binary")
	flag.Parse()
	if err := bench(*n); err != nil {
		fmt.Fprintln(os.Stderr, "credproc:", err)
		os.Exit(1)
	}
}

func bench(n int) error {
	dir, err := os.MkdirTemp("", "samlogin-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	hello := filepath.Join(dir, "hello", "main.go")
	_ = os.MkdirAll(filepath.Dir(hello), 0o700)
	if err := os.WriteFile(hello, []byte("package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello\\n\") }\n"), 0o600); err != nil {
		return err
	}
	helloBin, samloginBin := filepath.Join(dir, "hello-bin"), filepath.Join(dir, "samlogin")
	if err := build(filepath.Dir(hello), helloBin, true); err != nil {
		return err
	}
	if err := build("./cmd/samlogin", samloginBin, false); err != nil {
		return err
	}

	// A profile set up for credential_process, and a valid cache entry.
	home := filepath.Join(dir, "home")
	cfg := filepath.Join(home, ".aws", "config")
	_ = os.MkdirAll(filepath.Dir(cfg), 0o700)
	if err := os.WriteFile(cfg, []byte(`[default]
region = eu-west-1

[profile bench]
region = eu-west-1
samlogin_adfs_host = adfs.corp.example
samlogin_username = CORP\alice
samlogin_role_arn = arn:aws:iam::123456789012:role/Admin
samlogin_credential_process = true
credential_process = `+samloginBin+` credential-process --profile bench
`), 0o600); err != nil {
		return err
	}
	c := &awsconfig.CredentialCache{Dir: awsconfig.CacheDir(home)}
	if err := c.Store(awsconfig.CacheKey{IdP: "adfs.corp.example", Username: `CORP\alice`, RoleARN: "arn:aws:iam::123456789012:role/Admin"},
		&awsconfig.Credentials{AccessKeyID: "ASIABENCH", SecretAccessKey: secret.New(strings.Repeat("s", 40)),
			SessionToken: secret.New(strings.Repeat("t", 800)), Expiration: time.Now().Add(time.Hour)}); err != nil {
		return err
	}
	env := []string{"HOME=" + home, "PATH=/usr/bin:/bin"}

	cmds := []struct {
		name string
		args []string
	}{
		{"hello world", []string{helloBin}},
		{"samlogin --version", []string{samloginBin, "--version"}},
		{"samlogin credential-process (cache hit)", []string{samloginBin, "credential-process", "--profile", "bench"}},
	}
	// Check the cache hit really is one.
	out, err := run(cmds[2].args, env)
	if err != nil || !bytes.Contains(out, []byte(`"AccessKeyId":"ASIABENCH"`)) {
		return fmt.Errorf("credential-process: %v: %s", err, out)
	}

	walls := make([][]time.Duration, len(cmds))
	for range n { // interleaved, so that load on the machine hits all alike
		for j, c := range cmds {
			t := time.Now()
			if _, err := run(c.args, env); err != nil {
				return err
			}
			walls[j] = append(walls[j], time.Since(t))
		}
	}
	fmt.Printf("%d runs each, %s\n\n", n, time.Now().Format(time.RFC3339))
	fmt.Printf("%-42s %10s %10s %10s %12s\n", "", "median", "p90", "min", "peak RSS")
	base := median(walls[0])
	for j, c := range cmds {
		rss := peakRSS(c.args, env)
		w := walls[j]
		fmt.Printf("%-42s %10s %10s %10s %12s   %.2fx hello\n", c.name, round(median(w)), round(pct(w, 90)), round(slices.Min(w)), rss, float64(median(w))/float64(base))
	}
	return nil
}

func build(pkg, out string, hello bool) error {
	target := pkg
	if hello {
		target = "."
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, target)
	// Both static, as release builds are (make build too): no dynamic
	// loader at start-up.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if hello {
		cmd.Dir = pkg
		cmd.Env = append(cmd.Env, "GO111MODULE=off")
	}
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

func run(args, env []string) ([]byte, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	return cmd.Output()
}

// peakRSS is the largest maximum resident set of 20 runs, from
// /usr/bin/time.
func peakRSS(args, env []string) string {
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return "n/a"
	}
	peak := 0
	for range 20 {
		cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M"}, args...)...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if cmd.Run() != nil {
			return "error"
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if kb, err := strconv.Atoi(lines[len(lines)-1]); err == nil && kb > peak {
			peak = kb
		}
	}
	return fmt.Sprintf("%.1f MiB", float64(peak)/1024)
}

func median(d []time.Duration) time.Duration { return pct(d, 50) }

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

func round(d time.Duration) string { return d.Round(10 * time.Microsecond).String() }
