package awsconfig_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/ini"
)

func genConfig(n int) []byte {
	var b strings.Builder
	b.WriteString("[default]\nregion = us-east-1\n")
	for i := range n {
		fmt.Fprintf(&b, "\n# profile %d\n[profile p%d]\nrole_arn = arn:aws:iam::123456789012:role/Role%d\nsource_profile = default\nregion = eu-west-1\n", i, i, i)
	}
	return []byte(b.String())
}

// benchUpdateFile is the whole Update: lock, read, parse, edit, temp file,
// fsync, rename, fsync of the folder. It alternates two values so every
// iteration writes.
func benchUpdateFile(b *testing.B, n int) {
	path := filepath.Join(b.TempDir(), "config")
	data := genConfig(n)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	section := fmt.Sprintf("profile p%d", n/2)
	values := [2]string{"ap-south-1", "eu-central-1"}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if err := awsconfig.Update(path, func(f *ini.File) error { return f.Set(section, "region", values[i%2]) }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdateFile1k(b *testing.B)  { benchUpdateFile(b, 1000) }
func BenchmarkUpdateFile10k(b *testing.B) { benchUpdateFile(b, 10000) }
