package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testChild is the command exec runs in these tests (samlogin-testchild on
// PATH, see TestMain): "exit N" exits N; "wait" says ready once it watches
// Ctrl-C, then exits 42 at Ctrl-C, or 5 at the end of its input.
func testChild() {
	switch os.Args[1] {
	case "envformat":
		fmt.Println(strings.TrimSpace(envFormatDefault(os.Getenv) + " " + parentName()))
		os.Exit(0)
	case "exit":
		n, _ := strconv.Atoi(os.Args[2])
		os.Exit(n)
	case "wait":
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt)
		eof := make(chan struct{})
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(eof) }()
		fmt.Println("ready")
		select {
		case <-sigs:
			os.Exit(42)
		case <-eof:
			os.Exit(5)
		}
	}
	os.Exit(2)
}

// TestExecExitCode: exec returns its command's exit code.
func TestExecExitCode(t *testing.T) {
	for _, code := range []int{0, 1, 7, 255} {
		err := runForwarding(exec.Command("samlogin-testchild", "exit", strconv.Itoa(code)))
		got := 0
		var es *exitStatus
		if errors.As(err, &es) {
			got = es.code
		} else if err != nil {
			t.Fatal(err)
		}
		if got != code {
			t.Errorf("command exited %d; exec returned %d (%v)", code, got, err)
		}
	}
}

// TestForwardSignal: a Ctrl-C that samlogin receives reaches its command:
// on Unix samlogin sends it on (the command exits 42); on Windows the
// console gives it to every process on it, so samlogin sends nothing and
// the command runs on (5, at the end of its input).
func TestForwardSignal(t *testing.T) {
	c := exec.Command("samlogin-testchild", "wait")
	stdin, err := c.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("child said %q, %v", line, err)
	}
	if err := forwardSignal(c.Process, os.Interrupt); err != nil {
		t.Fatalf("forwardSignal: %v", err)
	}
	want := 42
	if runtime.GOOS == "windows" {
		want = 5
		stdin.Close() // nothing was sent: end it
	} else {
		// The signal ends it; the end of its input only bounds a failure.
		defer time.AfterFunc(30*time.Second, func() { stdin.Close() }).Stop()
	}
	err = c.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child: %v, want an exit code", err)
	}
	if got := commandExitCode(ee); got != want {
		t.Errorf("child exit %d, want %d", got, want)
	}
}

// TestShellCommand: --password-command's shell (/bin/sh, cmd.exe on
// Windows) runs a command line with spaces and quotes as typed.
func TestShellCommand(t *testing.T) {
	env := &Env{Stderr: io.Discard, Stdin: nil}
	pw, err := runPasswordCommand(t.Context(), env, `echo hunter2 "with space"`)
	if err != nil {
		t.Fatal(err)
	}
	if got := pw.Reveal(); got != `hunter2 "with space"` && got != `hunter2 with space` {
		t.Errorf("password %q", got)
	}
}
