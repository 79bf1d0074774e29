package ini_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/awsconfig/ini"
)

// FuzzRoundTrip checks that a parsed file gives back its bytes, that Set
// then Get returns the value, that Set changes no other key the SDK would
// read, and that nothing panics. Seeds are in testdata/fuzz/FuzzRoundTrip.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("[default]\nregion = us-east-1\n"), "default", "region", "eu-west-1")
	f.Fuzz(func(t *testing.T, data []byte, section, key, value string) {
		file, err := ini.Parse(data)
		if err != nil {
			var pe *ini.ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Line > strings.Count(string(data), "\n")+1 {
				t.Fatalf("Parse error %v is not a ParseError with a line in range", err)
			}
			return
		}
		if got := file.Bytes(); string(got) != string(data) {
			t.Fatalf("round trip:\n got %q\nwant %q", got, data)
		}
		before := snapshot(file)
		if err := file.Set(section, key, value); err != nil {
			if string(file.Bytes()) != string(data) {
				t.Fatalf("failed Set changed the file")
			}
			return
		}
		if got, ok := file.Get(section, key); !ok || got != value {
			t.Fatalf("Get after Set = %q, %v; want %q", got, ok, value)
		}
		out := file.Bytes()
		again, err := ini.Parse(out)
		if err != nil {
			t.Fatalf("result of Set does not parse: %v\n%q", err, out)
		}
		if got, ok := again.Get(section, key); !ok || got != value {
			t.Fatalf("Get after re-parse = %q, %v; want %q", got, ok, value)
		}
		after := snapshot(again)
		target := ini.NormalizeSection(section) + "\x00" + strings.ToLower(key)
		for k, v := range before {
			if k == target {
				continue
			}
			if w, ok := after[k]; !ok || w != v {
				t.Fatalf("Set(%q, %q) changed %q: %q -> %q (present %v)\nin:  %q\nout: %q", section, key, k, v, w, ok, data, out)
			}
		}
		if len(after) > len(before)+1 {
			t.Fatalf("Set added more than one key")
		}
	})
}

// snapshot is what a reader sees: section\x00key -> value.
func snapshot(f *ini.File) map[string]string {
	m := map[string]string{}
	for _, s := range f.Sections() {
		for _, k := range f.Keys(s) {
			v, _ := f.Get(s, k)
			m[s+"\x00"+k] = v
		}
	}
	return m
}
