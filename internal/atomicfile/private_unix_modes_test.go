//go:build unix

package atomicfile

import (
	"io/fs"
	"testing"
)

func TestOpenToOthers(t *testing.T) {
	for m, want := range map[uint32]bool{0o600: false, 0o700: false, 0o640: true, 0o604: true, 0o666: true} {
		if got := OpenToOthers(fs.FileMode(m)); got != want {
			t.Errorf("OpenToOthers(%#o) = %v, want %v", m, got, want)
		}
	}
}
