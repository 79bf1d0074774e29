package ini_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/awsconfig/ini"
)

// GenConfig returns a config file of n profiles, each with a role, a source
// profile, a region and a comment.
func GenConfig(n int) []byte {
	var b strings.Builder
	b.WriteString("[default]\nregion = us-east-1\n")
	for i := range n {
		fmt.Fprintf(&b, "\n# profile %d\n[profile p%d]\nrole_arn = arn:aws:iam::123456789012:role/Role%d\nsource_profile = default\nregion = eu-west-1\n", i, i, i)
	}
	return []byte(b.String())
}

func benchUpdate(b *testing.B, n int) {
	data := GenConfig(n)
	section := fmt.Sprintf("profile p%d", n/2)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := ini.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.Set(section, "region", "ap-south-1"); err != nil {
			b.Fatal(err)
		}
		if len(f.Bytes()) == 0 {
			b.Fatal("empty")
		}
	}
}

func BenchmarkUpdateProfile1k(b *testing.B)  { benchUpdate(b, 1000) }
func BenchmarkUpdateProfile10k(b *testing.B) { benchUpdate(b, 10000) }
