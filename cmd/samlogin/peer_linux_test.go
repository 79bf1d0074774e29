package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/samlogin/samlogin/internal/secret"
)

// peerUID finds this process's own end of a loopback connection.
func TestPeerUIDOwnConnection(t *testing.T) {
	for _, network := range []string{"tcp4", "tcp6"} {
		addr := "127.0.0.1:0"
		if network == "tcp6" {
			addr = "[::1]:0"
		}
		ln, err := net.Listen(network, addr)
		if err != nil {
			t.Logf("skipped %s: %v", network, err)
			continue
		}
		c, err := net.Dial(network, ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		s, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		uid, ok := peerUID(s.LocalAddr(), s.RemoteAddr())
		if !ok || uid != os.Geteuid() {
			t.Errorf("%s: peerUID = %d, %v; want %d", network, uid, ok, os.Geteuid())
		}
		c.Close()
		s.Close()
		ln.Close()
	}
}

// Another user's process that fetches the console page (it read the URL
// off the opener's command line) gets a 404; the user's browser still gets
// the page, and the refusal is remembered for a warning.
func TestConsolePageRefusesOtherUsers(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if os.Geteuid() != 0 || err != nil {
		t.Skip("skipped: needs root (to run a fetch as uid 65534) and curl; run the tests as root to check it")
	}
	rs, err := serveRedirect(secret.New("https://signin.aws.amazon.com/federation?Action=login&SigninToken=LIVE-TOKEN"))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	cmd := exec.Command(curl, "--noproxy", "*", "-s", "-o", "/dev/null", "-w", "%{http_code}", rs.URL().Reveal())
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "404" {
		t.Fatalf("uid 65534 got HTTP %s, want 404", out)
	}
	if got := rs.Refused(); len(got) != 1 || got[0] != 65534 {
		t.Errorf("Refused() = %v, want [65534]", got)
	}
	out, err = exec.Command(curl, "--noproxy", "*", "-s", "-o", "/dev/null", "-w", "%{http_code}", rs.URL().Reveal()).Output()
	if err != nil || string(out) != "200" {
		t.Fatalf("the user's own fetch: HTTP %s, %v; want 200", out, err)
	}
	if err := rs.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}
