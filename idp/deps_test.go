package idp

import (
	"net/http"
	"strings"
	"testing"
)

func TestDepsComplete(t *testing.T) {
	if _, err := (Deps{}).Complete("adfs"); err == nil || !strings.HasPrefix(err.Error(), "adfs: no HTTP client") {
		t.Errorf("Complete without a client: %v, want the driver named", err)
	}
	d, err := (Deps{Client: &http.Client{}}).Complete("form")
	if err != nil {
		t.Fatal(err)
	}
	if d.Log == nil || d.Now == nil {
		t.Errorf("Complete left Log or Now nil: %+v", d)
	}
	d.Log.Info("a silent logger") // must not panic
	if d.Now().IsZero() {
		t.Error("Now is not the clock")
	}
}
