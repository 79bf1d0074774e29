package htmlform

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// FuzzParse checks that no page makes Parse or the form helpers panic.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.html")
	adfs, _ := filepath.Glob("../idptest/testdata/*.html")
	files = append(files, adfs...)
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	pageURL, _ := url.Parse("https://idp.example.com/a/login?x=1")
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Parse(body, pageURL, 200)
		if err != nil {
			return
		}
		p.SAMLResponse()
		p.FormWithPassword()
		p.TextSnippet("#errorText")
		UnsupportedMFA(p)
		p.Doc.Find("meta[http-equiv]").Each(func(_ int, m *goquery.Selection) {
			MetaRefresh(m.AttrOr("http-equiv", ""), m.AttrOr("content", ""))
		})
		for _, form := range p.Forms {
			form.Values()
			form.IsAutoSubmit()
			form.VisibleTextInputs()
			if form.Method != "GET" && form.Method != "POST" {
				t.Errorf("Method = %q", form.Method)
			}
		}
	})
}
