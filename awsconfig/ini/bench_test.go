package ini_test

import (
	"fmt"
	"runtime"
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

// benchParseMemory parses data and reports the bytes allocated per input
// byte: the parser's memory must stay a small multiple of the file.
func benchParseMemory(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for b.Loop() {
		f, err := ini.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.Set("profile x", "region", "eu-west-1"); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&ms1)
	perOp := float64(ms1.TotalAlloc-ms0.TotalAlloc) / float64(b.N)
	b.ReportMetric(perOp/float64(len(data)), "bytes/input-byte")
}

// 4 MiB of blank lines: today's worst case (one line per byte).
func BenchmarkParseBlankLines(b *testing.B) {
	benchParseMemory(b, []byte(strings.Repeat("\n", 4<<20)))
}

// 4 MiB of blank and comment lines, alternating.
func BenchmarkParseCommentLines(b *testing.B) {
	benchParseMemory(b, []byte(strings.Repeat("#\n\n", (4<<20)/3)))
}

// A file of many short keys.
func BenchmarkParseKeyLines(b *testing.B) {
	benchParseMemory(b, []byte("[profile x]\n"+strings.Repeat("a=b\n", (4<<20)/4)))
}
