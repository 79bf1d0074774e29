package htmlform

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLabels(t *testing.T) {
	p, err := Parse([]byte(`<form>
<button type="submit" name="sf" value="totp"><div><h4>TOTP</h4></div><img alt="totp2F"></button>
<button type="submit" name="sf" value="ext"><h4 trspan="ext2f"></h4></button>
<input type="submit" name="go" value="Go">
<label><input type="radio" name="m" value="a"> Authenticator  app</label>
<input type="radio" id="m-b" name="m" value="b"><label for="m-b">Text message</label>
<input type="radio" name="m" value="c">
</form>`), mustURL(t, "https://idp.example.com/"), 200)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range p.Forms[0].Inputs {
		got = append(got, in.Label)
	}
	// A button's text; a script-filled one is empty; an <input type=submit>
	// shows its value (Value, not Label); radios by the label around or for.
	want := []string{"TOTP", "", "", "Authenticator app", "Text message", ""}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("labels (-want +got):\n%s", d)
	}
}

func TestUnsupportedMFA(t *testing.T) {
	for _, tc := range []struct {
		name, url, page, want string
	}{
		{"duo host", "https://api-0123abcd.duosecurity.com/frame/frame/v4/auth/prompt?sid=x", `<title>Duo Security</title><div id="root"></div>`, MFADuo},
		{"duo host, any page", "https://API-1.DuoSecurity.com./x", `<form method="post"><input name="passcode"></form>`, MFADuo},
		{"redirect script", "", `<script>window.location="https://api-1.duosecurity.com/oauth/v1/authorize?x=1"</script>`, MFADuo},
		{"refresh to duo", "", `<meta http-equiv="refresh" content="0;url=https://api-1.duosecurity.com/oauth/v1/authorize">`, MFADuo},
		{"form to duo", "", `<form method="post" action="https://api-1.duosecurity.com/frame/web/v1/auth"><input type="hidden" name="tx" value="1"></form>`, MFADuo},
		{"iframe kind", "", `<iframe id="duo_iframe"></iframe>`, MFADuo},
		{"duo_ field", "", `<form method="post"><input type="hidden" name="duo_sig_request" value="TX|1"></form>`, MFADuo},
		{"duo help link on a login page", "", `<form method="post"><input name="u"><input type="password" name="p"></form><a href="https://api-1.duosecurity.com/">Duo</a>`, ""},
		{"not duo", "", `<a href="https://duosecurity.com.evil.example/">x</a><p>notduosecurity.com</p>`, ""},
		{"okta verify", "", `<div class="okta-verify-container">Waiting</div>`, MFAOktaVerify},
		{"okta verify scheme", "", `<a href="com-okta-authenticator:/deviceChallenge">Open</a>`, MFAOktaVerify},
		{"webauthn", "", `<form method="post"><input type="hidden" name="c" value=""></form><script>navigator.credentials.get({publicKey: o})</script>`, MFAWebAuthn},
		{"passkey autofill on a login page", "", `<form method="post"><input name="u"><input type="password" name="p"></form><script>navigator.credentials.get({mediation:"conditional"})</script>`, ""},
		{"plain login", "", `<form method="post"><input name="u"><input type="password" name="p"></form>`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := tc.url
			if u == "" {
				u = "https://sso.example.com/mfa"
			}
			p, err := Parse([]byte(tc.page), mustURL(t, u), 200)
			if err != nil {
				t.Fatal(err)
			}
			if got := UnsupportedMFA(p); got != tc.want {
				t.Errorf("UnsupportedMFA = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMetaRefresh(t *testing.T) {
	for _, tc := range []struct {
		equiv, content string
		delay          int
		ref            string
		ok             bool
	}{
		{"refresh", "0; url=/next", 0, "/next", true},
		{"Refresh", "5;URL='https://a.example/x?y=1'", 5, "https://a.example/x?y=1", true},
		{"refresh", `0, url="/n"`, 0, "/n", true},
		{"refresh", "3; /bare", 3, "/bare", true},
		{"refresh", "1.5; url=/f", 1, "/f", true},
		{"refresh", "30", 0, "", false},
		{"refresh", "x; url=/n", 0, "", false},
		{"refresh", "0; url=", 0, "", false},
		{"content-type", "0; url=/n", 0, "", false},
	} {
		d, ref, ok := MetaRefresh(tc.equiv, tc.content)
		if d != tc.delay || ref != tc.ref || ok != tc.ok {
			t.Errorf("MetaRefresh(%q, %q) = %d, %q, %v; want %d, %q, %v", tc.equiv, tc.content, d, ref, ok, tc.delay, tc.ref, tc.ok)
		}
	}
}
