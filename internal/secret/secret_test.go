package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestStringNeverPrints(t *testing.T) {
	const clear = "hunter2-Sup3rSecret"
	s := New(clear)
	if s.Reveal() != clear {
		t.Fatalf("Reveal() = %q", s.Reveal())
	}
	type holder struct {
		Password String
		Ptr      *String
	}
	h := holder{Password: s, Ptr: &s}
	var out []string
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out = append(out, fmt.Sprintf(f, s), fmt.Sprintf(f, h))
	}
	j, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, string(j))
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "password", s, "holder", h)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "password", s)
	out = append(out, buf.String())
	for _, o := range out {
		if strings.Contains(o, clear) || strings.Contains(o, fmt.Sprintf("%x", clear)) {
			t.Errorf("secret leaked: %s", o)
		}
	}
	if !strings.Contains(fmt.Sprint(s), Redacted) {
		t.Errorf("fmt.Sprint = %q, want %q", fmt.Sprint(s), Redacted)
	}
}
