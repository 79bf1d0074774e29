//go:build unix

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// gone waits (bounded) until the process pid no longer exists.
func gone(t *testing.T, pidFile string) {
	t.Helper()
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the command wrote no pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	for range 500 {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	t.Errorf("process %d of the password command outlived it", pid)
}

// TestPasswordCommandBounded: a password command that never ends is killed
// with its whole process group at --timeout, and the error names the
// step and the bound, not the command's output.
func TestPasswordCommandBounded(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	env, _, _ := testEnv(t, "", map[string]string{})
	ctx, cancel := withTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := runPasswordCommand(ctx, env, "echo secret-output; sleep 1000 & echo $! > "+pidFile+"; wait")
	if err == nil || err.Error() != "--password-command did not finish within --timeout 300ms" {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) || exitCode(err) != exitError {
		t.Errorf("err = %v: not a deadline, or exit %d", err, exitCode(err))
	}
	gone(t, pidFile)
}

// TestPasswordCommandCancelled: Ctrl-C ends the command the same way, as a
// cancellation (exit 3).
func TestPasswordCommandCancelled(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	env, _, _ := testEnv(t, "", map[string]string{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for range 500 {
			if _, err := os.Stat(pidFile); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	_, err := runPasswordCommand(ctx, env, "sleep 1000 & echo $! > "+pidFile+"; wait")
	if exitCode(err) != exitCancelled {
		t.Fatalf("err = %v, exit %d; want a cancellation", err, exitCode(err))
	}
	gone(t, pidFile)
}

// TestPasswordCommandBackgroundChild: a command that prints the password
// and exits, leaving a child that keeps its stdout open, does not stall
// samlogin: the password is what it printed.
func TestPasswordCommandBackgroundChild(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	t.Cleanup(func() {
		if b, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	env, _, _ := testEnv(t, "", map[string]string{})
	ctx, cancel := withTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan struct{})
	var pw string
	var err error
	go func() {
		defer close(done)
		s, e := runPasswordCommand(ctx, env, "echo hunter2; sleep 1000 & echo $! > "+pidFile)
		pw, err = s.Reveal(), e
	}()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("runPasswordCommand waited for the background child")
	}
	if err != nil || pw != "hunter2" {
		t.Fatalf("password %q, err %v", pw, err)
	}
}
