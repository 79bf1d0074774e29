package adfs

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/samlogin/samlogin/idp/htmlform"
)

// FuzzClassify feeds arbitrary pages (the IdP's answer is untrusted input)
// through everything the driver reads off a page: it must never panic.
func FuzzClassify(f *testing.F) {
	files, _ := filepath.Glob("../idptest/testdata/*.html") // the captures idptest serves
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<form><input type=hidden name=AuthMethod><input type=hidden name=Context value=c></form><a class=actionLink onclick="SelectOption('')">x</a>`))
	f.Add([]byte(`<div id=errorArea>Activity ID: 00000000-0000-0000-0000-000000000000 MSIS7065</div>`))
	u, _ := url.Parse("https://sts.example.com/adfs/ls/IdpInitiatedSignOn.aspx")
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := htmlform.Parse(body, u, 200)
		if err != nil {
			return
		}
		p.SAMLResponse()
		if m, ok := findMFA(p); ok {
			m.kind(p)
			if m.form != nil {
				codeField(m.form)
			}
			match(m.options, "a")
		}
		if lf, ok := findLogin(p); ok {
			v := lf.form.Values()
			v.Set(lf.pass, "x")
		}
		loginError(p)
		mfaError(p)
		if isErrorPage(p) {
			errorDetail(p, DefaultRP, true)
		}
	})
}
