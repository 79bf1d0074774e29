package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/awsconfig/ststest"
	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

// fakePrompter answers questions as a person at a terminal would, and
// records what it was asked.
type fakePrompter struct {
	answers map[string]string // question prefix → answer
	asked   []string
}

func (p *fakePrompter) answer(message string) (string, error) {
	p.asked = append(p.asked, message)
	for q, a := range p.answers {
		if strings.HasPrefix(message, q) {
			return a, nil
		}
	}
	return "", idp.ErrCancelled
}

func (p *fakePrompter) Input(m string) (string, error) { return p.answer(m) }
func (p *fakePrompter) Secret(m string) (secret.String, error) {
	a, err := p.answer(m)
	return secret.New(a), err
}
func (p *fakePrompter) Select(m string, options []string) (int, error) {
	a, err := p.answer(m)
	for i, o := range options {
		if err == nil && strings.Contains(o, a) {
			return i, nil
		}
	}
	return 0, idp.ErrCancelled
}

// TestPromptedAnswersAreRemembered signs in with the username, password and
// role given at prompts: the next login of the profile asks only for the
// password, as the README promises.
func TestPromptedAnswersAreRemembered(t *testing.T) {
	sts := ststest.New(t, ststest.Options{})
	adfs := idptest.NewADFS(t, idptest.ADFSOptions{Users: adfsUsers, SAMLResponse: freshAssertion, TLS: true})
	p := &fakePrompter{answers: map[string]string{
		"Username":     `CORP\alice`,
		"Password for": adfsUsers[`CORP\alice`],
		"Role":         "role/ReadOnly",
	}}
	env, _, errb := testEnv(t, "", map[string]string{"SAMLOGIN_NO_CACHE": "1"})
	env.Prompter = p
	args := []string{"--adfs-host", adfs.Host(), "--ca-bundle", adfs.CACertFile(), "--profile", "p", "--sts-endpoint", sts.URL()}
	if code := run(context.Background(), args, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if want := []string{"Username", `Password for CORP\alice at 127.0.0.1`, "Role to assume"}; strings.Join(p.asked, "|") != strings.Join(want, "|") {
		t.Errorf("asked %q, want %q", p.asked, want)
	}
	cfg, err := os.ReadFile(filepath.Join(env.Home, ".aws", "config"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{`samlogin_username = CORP\alice`, "samlogin_role_arn = arn:aws:iam::123456789012:role/ReadOnly"} {
		if !strings.Contains(string(cfg), line+"\n") {
			t.Errorf("config lacks %q:\n%s", line, cfg)
		}
	}
	// Again, by profile name alone: only the password is asked.
	p.asked = nil
	if code := run(context.Background(), []string{"--profile", "p", "--force"}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if want := []string{`Password for CORP\alice at 127.0.0.1`}; strings.Join(p.asked, "|") != strings.Join(want, "|") {
		t.Errorf("second login asked %q, want %q", p.asked, want)
	}
}
