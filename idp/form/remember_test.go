package form

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/internal/secret"
)

// rememberLoginPage is a portal sign-in form with a "remember me" box
// (SimpleSAMLphp's remember_me, when its rememberme option is on) and a
// "remember my username" box, which is not a session.
const rememberLoginPage = `<!DOCTYPE html><html><head><title>Enter your username and password</title></head><body>
<form action="/login" method="post">
<input type="text" name="username" id="username">
<input type="password" name="password" id="password">
<input type="checkbox" id="remember_username" name="remember_username" value="Yes"><label for="remember_username">Remember my username</label>
<input type="checkbox" id="remember_me" name="remember_me" value="Yes"><label for="remember_me">Remember me</label>
<input type="hidden" name="AuthState" value="st">
<button type="submit">Login</button>
</form></body></html>`

func TestRememberBoxTicked(t *testing.T) {
	for _, remember := range []bool{false, true} {
		t.Run(fmt.Sprint("remember=", remember), func(t *testing.T) {
			var mu sync.Mutex
			var posted url.Values
			srv, _ := pageServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				if r.Method == http.MethodPost {
					_ = r.ParseForm()
					mu.Lock()
					posted = r.PostForm
					mu.Unlock()
					fmt.Fprint(w, readTestdata(t, "ssp-saml-post-alice.html"))
					return
				}
				fmt.Fprint(w, rememberLoginPage)
			})
			d := newDriver(t, Config{URL: srv.URL + "/start"}, &fakePrompter{}, nil)
			if _, err := d.Login(context.Background(), idp.LoginInput{Username: "alice", Password: secret.New("alice-pass"), RememberSession: remember}); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if got := posted.Get("remember_me"); (got == "Yes") != remember {
				t.Errorf("remember_me = %q with RememberSession %v", got, remember)
			}
			if posted.Has("remember_username") {
				t.Errorf("remember_username ticked: %v", posted)
			}
		})
	}
}

// TestLazyPasswordSource: the password source is asked only when a form
// appears, and a walk that needs none never calls it.
func TestLazyPasswordSource(t *testing.T) {
	var noForm atomic.Bool
	srv, _ := pageServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.Method == http.MethodPost || noForm.Load() {
			fmt.Fprint(w, readTestdata(t, "ssp-saml-post-alice.html"))
			return
		}
		fmt.Fprint(w, rememberLoginPage)
	})
	d := newDriver(t, Config{URL: srv.URL + "/start"}, &fakePrompter{}, nil)
	calls := 0
	in := idp.LoginInput{Username: "alice", PasswordSource: func(context.Context) (secret.String, error) {
		calls++
		return secret.New("alice-pass"), nil
	}}
	if _, err := d.Login(context.Background(), in); err != nil || calls != 1 {
		t.Fatalf("with a form: err %v, %d calls, want 1", err, calls)
	}
	noForm.Store(true)
	if _, err := d.Login(context.Background(), in); err != nil || calls != 1 {
		t.Fatalf("without a form: err %v, %d calls, want none more", err, calls)
	}
}
