package adfs

import (
	"context"
	"fmt"
	"strings"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
	"github.com/samlogin/samlogin/internal/secret"
)

// mfa answers an additional-authentication page.
func (s *session) mfa(ctx context.Context, p *htmlform.Page, m *mfaPage) (*htmlform.Page, error) {
	switch k := m.kind(p); k {
	case mfaDuo:
		s.log("additional authentication", "kind", "duo", "auth_method", m.method)
		return nil, duoError(p, orUnknown(m.method))
	case mfaChoice:
		return s.choose(ctx, p, m)
	case mfaCode:
		return s.code(ctx, p, m)
	case mfaPush:
		return s.push(ctx, p, m)
	default:
		s.log("additional authentication", "kind", "unsupported", "auth_method", m.method)
		return nil, fmt.Errorf("adfs: additional authentication: %w: AuthMethod %s (page %q has no code field and does not wait for an approval)", idp.ErrUnsupportedMFA, orUnknown(m.method), p.Title)
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// choose picks one of the methods a page offers: in.MFAMethod (the
// AuthMethod name or a word of its label), the only one, or the user's pick.
func (s *session) choose(ctx context.Context, p *htmlform.Page, m *mfaPage) (*htmlform.Page, error) {
	if s.chosen {
		return nil, s.pageError(p, "the page to choose an authentication method came back after a method was chosen")
	}
	if m.choice == nil || len(m.options) == 0 {
		return nil, s.pageError(p, "an additional-authentication page without a method to choose")
	}
	labels := make([]string, len(m.options))
	for i, o := range m.options {
		labels[i] = o.label
	}
	var pick *option
	switch want := strings.TrimSpace(s.in.MFAMethod); {
	case want != "":
		pick = match(m.options, want)
		if pick == nil {
			return nil, fmt.Errorf("adfs: %s: %w", stepChoose, &idp.InputError{Msg: fmt.Sprintf(
				"--mfa-method %q matches none of the methods this ADFS offers: %s", idp.CleanTextN(want, 60), describe(m.options))})
		}
	case len(m.options) == 1:
		pick = &m.options[0]
	default:
		if s.d.deps.Prompt == nil {
			return nil, fmt.Errorf("adfs: %s: %w: the IdP offers %s", stepChoose, idp.ErrNoPrompt, describe(m.options))
		}
		i, err := s.d.deps.Prompt.Select("Additional authentication method", labels)
		if err != nil {
			return nil, fmt.Errorf("adfs: %s: %w", stepChoose, err)
		}
		if i < 0 || i >= len(m.options) {
			return nil, fmt.Errorf("adfs: %s: no method chosen", stepChoose)
		}
		pick = &m.options[i]
	}
	s.log("choose method", "auth_method", pick.id, "offered", describe(m.options))
	s.chosen = true
	v := m.choice.Values()
	v.Set("AuthMethod", pick.id)
	return s.submit(ctx, stepChoose, m.choice, v)
}

// match finds the option whose id or label equals want, else the only one
// whose id or label contains it (case-insensitive).
func match(opts []option, want string) *option {
	w := strings.ToLower(want)
	for i, o := range opts {
		if strings.ToLower(o.id) == w || strings.ToLower(o.label) == w {
			return &opts[i]
		}
	}
	var found *option
	for i, o := range opts {
		if strings.Contains(strings.ToLower(o.id), w) || strings.Contains(strings.ToLower(o.label), w) {
			if found != nil {
				return nil // ambiguous
			}
			found = &opts[i]
		}
	}
	return found
}

func describe(opts []option) string {
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = fmt.Sprintf("%q (%s)", o.label, o.id)
	}
	return strings.Join(parts, ", ")
}

// code sends a verification code. A code from in.MFACode is sent once; a
// rejected one is final. Codes typed at the prompt get MaxCodeTries.
func (s *session) code(ctx context.Context, p *htmlform.Page, m *mfaPage) (*htmlform.Page, error) {
	for try := 1; ; try++ {
		field := codeField(m.form)
		if err := htmlform.CheckSecret(s.d.route, m.form, "verification code"); err != nil {
			return nil, fmt.Errorf("adfs: %s: %w", stepCode, err)
		}
		code, given, err := s.nextCode()
		if err != nil {
			return nil, err
		}
		v := m.form.Values()
		v.Set(field, code.Reveal())
		if b := namedButton(m.form, ""); b != nil {
			v.Set(b.Name, b.Value)
		}
		s.log("submit code", "auth_method", m.method, "field", field, "try", try, "from_input", given)
		np, err := s.submitSecret(ctx, stepCode, m.form, v, "verification code")
		if err != nil {
			return nil, err
		}
		if _, _, ok := np.SAMLResponse(); ok {
			return np, nil
		}
		nm, ok := findMFA(np)
		msg := mfaError(np)
		if !ok || nm.form == nil || nm.method != m.method || codeField(nm.form) == "" || msg == "" {
			return np, nil // another page: the caller reads it
		}
		if given || try >= MaxCodeTries {
			return nil, fmt.Errorf("adfs: %s: %w", stepCode, &idp.RejectedError{Kind: idp.ErrMFARejected, Message: msg})
		}
		s.d.deps.Say("%s", msg)
		p, m = np, nm
	}
}

// nextCode is in.MFACode the first time, then a prompt.
func (s *session) nextCode() (code secret.String, given bool, err error) {
	if !s.in.MFACode.Empty() && !s.codeUsed {
		s.codeUsed = true
		return s.in.MFACode, true, nil
	}
	if s.d.deps.Prompt == nil {
		return secret.String{}, false, fmt.Errorf("adfs: %s: %w: a verification code is needed", stepCode, idp.ErrNoPrompt)
	}
	c, err := s.d.deps.Prompt.Secret("Verification code")
	if err != nil {
		return secret.String{}, false, fmt.Errorf("adfs: %s: %w", stepCode, err)
	}
	c = secret.New(strings.TrimSpace(c.Reveal()))
	if c.Empty() {
		return secret.String{}, false, fmt.Errorf("adfs: %s: no verification code given", stepCode)
	}
	return c, false, nil
}

// push polls a page that waits for an approval elsewhere (Azure MFA) by
// re-submitting its form, as the page's script does, until the SAMLResponse
// arrives, the page shows an error, or in.MFATimeout passes on deps.Now.
func (s *session) push(ctx context.Context, p *htmlform.Page, m *mfaPage) (*htmlform.Page, error) {
	timeout := s.in.MFATimeout
	if timeout <= 0 {
		timeout = DefaultMFATimeout
	}
	deadline := s.d.deps.Now().Add(timeout)
	number := ""
	announce := func(p *htmlform.Page, first bool) {
		n := p.TextSnippet("#validEntropyNumber")
		switch {
		case n != "" && n != number:
			number = n
			s.d.deps.Say("Approve the sign-in request in Microsoft Authenticator: enter the number %s (waiting up to %s)", n, timeout)
		case first && n == "":
			s.d.deps.Say("Approve the sign-in request on your phone (waiting up to %s)", timeout)
		}
	}
	announce(p, true)
	s.log("wait for approval", "auth_method", m.method, "timeout", timeout, "number_shown", number != "")
	for poll := 1; ; poll++ {
		np, err := s.submit(ctx, stepPush, m.form, m.form.Values())
		if err != nil {
			return nil, err
		}
		if _, _, ok := np.SAMLResponse(); ok {
			s.log("approved", "polls", poll)
			return np, nil
		}
		nm, ok := findMFA(np)
		if !ok || nm.form == nil || nm.method != m.method || nm.kind(np) != mfaPush {
			return np, nil // another page: the caller reads it
		}
		if msg := mfaError(np); msg != "" {
			return nil, fmt.Errorf("adfs: %s: %w", stepPush, &idp.RejectedError{Kind: idp.ErrMFARejected, Message: msg})
		}
		announce(np, false)
		if !s.d.deps.Now().Before(deadline) {
			s.log("approval timed out", "polls", poll)
			return nil, fmt.Errorf("adfs: %s: %w (%s, %d polls)", stepPush, idp.ErrMFATimeout, timeout, poll)
		}
		if err := sleep(ctx, s.d.cfg.PollInterval); err != nil {
			return nil, fmt.Errorf("adfs: %s: %w", stepPush, err)
		}
		m = nm
	}
}
