package prompt

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/samlogin/samlogin/internal/testtmp"
)

func TestConsoleNames(t *testing.T) {
	in, out := consoleNames()
	want := map[string][2]string{"windows": {"CONIN$", "CONOUT$"}}[runtime.GOOS]
	if want == [2]string{} {
		want = [2]string{"/dev/tty", "/dev/tty"}
	}
	if in != want[0] || out != want[1] {
		t.Errorf("consoleNames() = %s, %s; want %s, %s", in, out, want[0], want[1])
	}
}

// TestOpenConsole: one file when input and output are the same (/dev/tty),
// two otherwise (CONIN$, CONOUT$); the question goes to Out, the answer
// comes from In.
func TestOpenConsole(t *testing.T) {
	dir := testtmp.Dir(t)
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	for _, p := range []string{in, out} {
		if err := os.WriteFile(p, []byte("answer\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err := openConsole(in, in)
	if err != nil {
		t.Fatal(err)
	}
	if c.In != c.Out {
		t.Error("same name: two files opened")
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}

	c, err = openConsole(in, out)
	if err != nil {
		t.Fatal(err)
	}
	if c.In == c.Out || c.In.Name() != in || c.Out.Name() != out {
		t.Errorf("opened %s, %s; want %s, %s", c.In.Name(), c.Out.Name(), in, out)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}

	if _, err := openConsole(in, filepath.Join(dir, "missing", "out")); err == nil {
		t.Error("openConsole with a missing output: no error")
	}
}
