package adfs_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
	"github.com/samlogin/samlogin/idp/idptest"
	"github.com/samlogin/samlogin/internal/secret"
)

// ADFS answering the credentials' POST with a 307 to another origin: the
// client does not follow it, so the password never reaches that origin,
// whether it was given up front or typed at the sign-in form.
func TestADFS307ToAnotherOrigin(t *testing.T) {
	const pw = "hunter2-ADFS-Route"
	h := idptest.NewHostile(t, idptest.HostileOptions{})
	for _, upFront := range []bool{true, false} {
		h.Reset()
		p := &fakePrompt{secrets: []string{pw}}
		client, err := idp.NewHTTPClient(idp.HTTPOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := adfs.New(adfs.Config{Host: "http://" + h.IdPHost()}, idp.Deps{Client: client, Prompt: p})
		if err != nil {
			t.Fatal(err)
		}
		in := idp.LoginInput{Username: `CORP\alice`}
		if upFront {
			in.Password = secret.New(pw)
		}
		_, err = d.Login(t.Context(), in)
		if !errors.Is(err, idp.ErrBodyRedirect) || !strings.Contains(err.Error(), "HTTP 307") || !strings.Contains(err.Error(), "127.0.0.2") {
			t.Fatalf("up front %v: err = %v, want a 307 refusal naming 127.0.0.2", upFront, err)
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("the error holds the password: %v", err)
		}
		for _, r := range h.Requests() {
			if r.Server == "evil" {
				t.Errorf("up front %v: the other origin got %v", upFront, r)
			}
		}
		if n := len(h.Carrying(pw)); n != 1 {
			t.Errorf("up front %v: %d requests carried the password, want 1 (to the ADFS itself)", upFront, n)
		}
	}
}
