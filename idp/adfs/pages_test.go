package adfs

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samlogin/samlogin/idp/htmlform"
)

func parse(t *testing.T, body string) *htmlform.Page {
	t.Helper()
	u, _ := url.Parse("https://sts.corp.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices")
	p, err := htmlform.Parse([]byte(body), u, 200)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../idptest/testdata/" + name) // the captures idptest serves
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestClassify reads captured and hand-made pages the way the driver does.
func TestClassify(t *testing.T) {
	type got struct {
		Login, User, Pass, Button, Shape string
		LoginError                       string
		MFA                              bool
		Kind                             mfaKind
		Method, CodeField                string
		Options                          []option
		Error                            bool
	}
	tests := []struct {
		name string
		page string
		want got
	}{
		{
			name: "ADFS 2012 R2/2016 sign-in page (captured)", page: fixture(t, "adfs-login.html"),
			want: got{Login: "loginForm", User: "UserName", Pass: "Password", Shape: "adfs2012r2+"},
		},
		{
			name: "ADFS 2019 sign-in page (captured)", page: fixture(t, "adfs2019-login-templated.html"),
			want: got{Login: "loginForm", User: "UserName", Pass: "Password", Shape: "adfs2012r2+"},
		},
		{
			name: "RSA SecurID page (captured)", page: fixture(t, "adfs-rsa-passcode.html"),
			want: got{MFA: true, Kind: mfaCode, Method: "SecurIDAuthentication", CodeField: "Passcode"},
		},
		{
			name: "sign-in page with an error",
			page: strings.Replace(fixture(t, "adfs-login.html"), `<label id="errorText" for=""></label>`, `<label id="errorText" for="">Incorrect user ID or password.</label>`, 1),
			want: got{Login: "loginForm", User: "UserName", Pass: "Password", Shape: "adfs2012r2+", LoginError: "Incorrect user ID or password."},
		},
		{
			name: "ADFS 2.0 ASP.NET form",
			page: `<form id="aspnetForm" method="post"><input type="hidden" name="__VIEWSTATE" value="x"/>
				<input name="ctl00$ContentPlaceHolder1$UsernameTextBox" type="text"/>
				<input name="ctl00$ContentPlaceHolder1$PasswordTextBox" type="password"/>
				<span id="ctl00_ContentPlaceHolder1_ErrorTextLabel">The user name or password is incorrect.</span>
				<input type="submit" name="ctl00$ContentPlaceHolder1$SubmitButton" value="Sign In"/></form>`,
			want: got{Login: "aspnetForm", User: user20, Pass: pass20, Button: submit20, Shape: "adfs2.0", LoginError: "The user name or password is incorrect."},
		},
		{
			name: "verification code (Azure MFA OTP)",
			page: `<form id="loginForm" method="post"><input type="hidden" id="authMethod" name="AuthMethod" value="AzureMfaAuthentication"/>
				<input type="hidden" id="context" name="Context" value="c"/><input name="VerificationCode" id="verificationCodeInput" type="text"/></form>`,
			want: got{MFA: true, Kind: mfaCode, Method: "AzureMfaAuthentication", CodeField: "VerificationCode"},
		},
		{
			name: "single unknown field",
			page: `<form method="post"><input type="hidden" name="AuthMethod" value="SomeOtpAdapter"/>
				<input type="hidden" name="Context" value="c"/><input name="tokenValue" type="tel"/></form>`,
			want: got{MFA: true, Kind: mfaCode, Method: "SomeOtpAdapter", CodeField: "tokenValue"},
		},
		{
			name: "push",
			page: `<form id="loginForm" method="post"><input type="hidden" name="AuthMethod" value="AzureMfaServerAuthentication"/>
				<input type="hidden" name="Context" value="c"/></form><div id="validEntropyNumber">17</div>`,
			want: got{MFA: true, Kind: mfaPush, Method: "AzureMfaServerAuthentication"},
		},
		{
			name: "two fields of an unknown adapter",
			page: `<form method="post"><input type="hidden" name="AuthMethod" value="QuestionsAdapter"/>
				<input type="hidden" name="Context" value="c"/><input name="a1"/><input name="a2"/></form>`,
			want: got{MFA: true, Kind: mfaUnsupported, Method: "QuestionsAdapter"},
		},
		{
			name: "Duo",
			page: `<form id="duo_form" method="post"><input type="hidden" name="AuthMethod" value="DuoAdfsAdapter"/>
				<input type="hidden" name="Context" value="c"/></form><iframe id="duo_iframe"></iframe>`,
			want: got{MFA: true, Kind: mfaDuo, Method: "DuoAdfsAdapter"},
		},
		{
			name: "choice",
			page: `<div id="authOptions"><form id="options" method="post"><input id="optionSelection" type="hidden" name="AuthMethod"/>
				<input type="hidden" name="Context" value="c"/><div id="authOptionLinks">
				<a class="actionLink" href="#" id="x1" onclick="return SelectOption('AzureMfaAuthentication');">Azure  MFA</a>
				<a class="actionLink" href="#" id="CertificateAuthentication">Sign in using a certificate</a></div></form></div>`,
			want: got{MFA: true, Kind: mfaChoice, Options: []option{{"AzureMfaAuthentication", "Azure MFA"}, {"CertificateAuthentication", "Sign in using a certificate"}}},
		},
		{
			name: "error page",
			page: `<title>Sign In</title><div id="errorArea"><div id="openingMessage">An error occurred</div></div>`,
			want: got{Error: true},
		},
		{
			name: "unrelated page",
			page: `<title>Portal</title><p>Hello</p><form><input name="q"/></form>`,
			want: got{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parse(t, tt.page)
			var g got
			if m, ok := findMFA(p); ok {
				g.MFA, g.Kind, g.Method = true, m.kind(p), m.method
				if m.form != nil {
					g.CodeField = codeField(m.form)
				}
				if g.Kind == mfaChoice {
					g.Options = m.options
				}
			} else if lf, ok := findLogin(p); ok {
				g.Login, g.User, g.Pass, g.Shape = lf.form.ID, lf.user, lf.pass, lf.shape
				if lf.button != nil {
					g.Button = lf.button.Name
				}
				g.LoginError = loginError(p)
			} else {
				g.Error = isErrorPage(p)
			}
			if diff := cmp.Diff(tt.want, g, cmp.AllowUnexported(option{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorDetail(t *testing.T) {
	page := func(details string) string {
		return `<title>Sign In</title><div id="errorArea"><div id="openingMessage">An error occurred</div>
			<div id="errorMessage">An error occurred. Contact your administrator for more information.</div>
			<div>Activity ID: 00000000-0000-0000-b4c2-0080000000e5</div><div>Error details: ` + details + `</div><div>Node name: x</div></div>`
	}
	tests := []struct {
		name, page string
		start      bool
		want       string
	}{
		{"disabled", page("MSIS7065: There are no registered protocol handlers on path /adfs/ls/idpinitiatedsignon.aspx to process the incoming request."), true,
			"the IdP-initiated sign-on page is disabled on this ADFS (an administrator enables it with Set-AdfsProperties -EnableIdpInitiatedSignonPage $true) (Activity ID 00000000-0000-0000-b4c2-0080000000e5)"},
		{"unknown RP", page("MSIS7007: The requested relying party trust 'urn:x' is unspecified or unsupported."), true,
			`ADFS has no relying party trust "urn:amazon:webservices" (MSIS7007): check the relying party identifier (loginToRp) for this AWS partition (Activity ID 00000000-0000-0000-b4c2-0080000000e5)`},
		{"other MSIS", page("MSIS7012: An error occurred while processing the request. Contact your administrator for details. Node"), false,
			"ADFS says: An error occurred. Contact your administrator for more information. MSIS7012: An error occurred while processing the request. (Activity ID 00000000-0000-0000-b4c2-0080000000e5)"},
		{"no details on the first page", `<div id="errorArea"><div id="errorMessage">An error occurred. Contact your administrator for more information.</div></div>`, true,
			`ADFS says: An error occurred. Contact your administrator for more information.; the IdP-initiated sign-on page may be disabled (Set-AdfsProperties -EnableIdpInitiatedSignonPage $true) or the relying party "urn:amazon:webservices" unknown`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorDetail(parse(t, tt.page), DefaultRP, tt.start); got != tt.want {
				t.Errorf("errorDetail =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestMatchOption(t *testing.T) {
	opts := []option{{"AzureMfaAuthentication", "Azure Multi-Factor Authentication"}, {"SecurIDAuthentication", "RSA SecurID"}, {"CertificateAuthentication", "Sign in using a certificate"}}
	tests := map[string]string{
		"azuremfaauthentication": "AzureMfaAuthentication",
		"RSA SecurID":            "SecurIDAuthentication",
		"rsa":                    "SecurIDAuthentication",
		"certificate":            "CertificateAuthentication",
		"authentication":         "", // ambiguous
		"sms":                    "",
	}
	for in, want := range tests {
		got := ""
		if o := match(opts, in); o != nil {
			got = o.id
		}
		if got != want {
			t.Errorf("match(%q) = %q, want %q", in, got, want)
		}
	}
}
