package form

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
)

// FuzzRules checks that no page makes a rule's match panic, in any state
// of the walk, and that the last rule answers what no other does.
func FuzzRules(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.html")
	llng, _ := filepath.Glob("testdata/llng/*.html")
	for _, file := range append(files, llng...) {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
	}
	pageURL, _ := url.Parse("https://sso.example.com/a/login?x=1")
	d, err := New(Config{URL: "https://sso.example.com/start"}, defaultDeps())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, state uint8) {
		p, err := htmlform.Parse(body, pageURL, 200)
		if err != nil {
			return
		}
		w := &walk{d: d}
		if state&1 != 0 {
			w.lastSecret = "password"
		}
		if state&2 != 0 {
			w.passwordField = "password"
		}
		r, h := w.rule(p)
		if h == nil || r.name == "" {
			t.Fatalf("rule %q, hit %v", r.name, h)
		}
		rejectionMessage(p, h.form)
		messageCode(p)
	})
}

func defaultDeps() idp.Deps {
	c, _ := idp.NewHTTPClient(idp.HTTPOptions{})
	return idp.Deps{Client: c}
}
