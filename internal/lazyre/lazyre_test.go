package lazyre

import "testing"

func TestNew(t *testing.T) {
	re := New(`^a+b$`)
	if !re().MatchString("aab") || re().MatchString("ba") {
		t.Fatal("wrong matches")
	}
	if re() != re() {
		t.Fatal("compiled twice")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("an invalid expression did not panic on use")
		}
	}()
	New(`(`)()
}
