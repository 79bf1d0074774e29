package idptest

import (
	"embed"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
)

//go:embed testdata/*.html
var captured embed.FS

func fixture(name string) string {
	b, err := captured.ReadFile("testdata/" + name)
	if err != nil {
		panic(err) // embedded at build time
	}
	return string(b)
}

var (
	login2016 = fixture("adfs-login.html")
	login2019 = fixture("adfs2019-login-templated.html")
	rsaPage   = fixture("adfs-rsa-passcode.html")

	contextInput = regexp.MustCompile(`(<input id="context" type="hidden" name="Context" value=")[^"]*(")`)
)

func writeHTML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// action is the URL ADFS 2012 R2+ puts in its forms: the sign-in path with
// the request's query and a client-request-id.
func action(r *http.Request) string {
	q := r.URL.Query()
	q.Del("client-request-id")
	return signInPath + "?" + q.Encode() + "&client-request-id=" + strings.ToUpper(token(4)) + "-0000-4000-8000-" + strings.ToUpper(token(6))
}

// loginPage serves the captured sign-in page of the generation, with the
// user name filled in and msg in #errorText.
func (s *ADFS) loginPage(w http.ResponseWriter, r *http.Request, user, msg string) {
	http.SetCookie(w, &http.Cookie{Name: "idptest-visited", Value: s.visitCookie, Path: "/adfs", Secure: s.o.TLS})
	act := html.EscapeString(action(r))
	var page string
	switch s.o.Generation {
	case ADFS2019:
		page = strings.ReplaceAll(login2019, "{{.UrlPost}}", act)
		page = strings.ReplaceAll(page, "{{.UserName}}", html.EscapeString(user))
		page = strings.Replace(page, `<span id="errorText" for="" aria-live="assertive" role="alert"></span>`,
			`<span id="errorText" for="" aria-live="assertive" role="alert">`+html.EscapeString(msg)+`</span>`, 1)
	default:
		page = strings.ReplaceAll(login2016, `action="https://id.example.com/adfs/ls/idpinitiatedsignon"`, `action="`+act+`"`)
		page = strings.Replace(page, `name="UserName" type="email" value=""`, `name="UserName" type="email" value="`+html.EscapeString(user)+`"`, 1)
		page = strings.Replace(page, `<label id="errorText" for=""></label>`, `<label id="errorText" for="">`+html.EscapeString(msg)+`</label>`, 1)
	}
	// Real ADFS defines Login.submitLoginRequest in a script the capture
	// left out; a browser (the browser sign-in tests) needs it to sign in.
	page = strings.Replace(page, "</body>", loginScript+"</body>", 1)
	writeHTML(w, http.StatusOK, page)
}

// loginScript is ADFS's Login.submitLoginRequest, which posts #loginForm.
const loginScript = `<script type="text/javascript">var Login = {submitLoginRequest: function () { document.forms['loginForm'].submit(); return false; }};</script>`

// frame wraps content in the page layout ADFS 2012 R2+ uses.
func frame(title, content string) string {
	return `<!DOCTYPE html>
<html lang="en-US">
    <head>
        <meta http-equiv="X-UA-Compatible" content="IE=edge"/>
        <meta http-equiv="content-type" content="text/html;charset=UTF-8" />
        <meta http-equiv="cache-control" content="no-cache,no-store"/>
        <title>` + html.EscapeString(title) + `</title>
    </head>
    <body dir="ltr" class="body">
    <div id="fullPage">
        <div id="contentWrapper" class="float">
            <div id="content">
                <div id="header"><img class="logoImage" src="/adfs/portal/logo/logo.png" alt="Example"/></div>
                <div id="workArea">
` + content + `
                </div>
            </div>
            <div id="footer"><div id="footerLinks" class="floatReverse"><div><span id="copyright">&#169; 2016 Microsoft</span></div></div></div>
        </div>
    </div>
    </body>
</html>
`
}

// optionsForm is the #options form every ADFS 2012 R2+ page carries, for
// switching methods; links is the HTML of its option links.
func optionsForm(act, context, links string) string {
	ctx := ""
	if context != "" {
		ctx = `<input id="context" type="hidden" name="Context" value="` + html.EscapeString(context) + `" />`
	}
	return `      <div id="authOptions">
        <form id="options" method="post" action="` + html.EscapeString(act) + `">
            <script type="text/javascript">
                function SelectOption(option) {
                    var i = document.getElementById('optionSelection');
                    i.value = option;
                    document.forms['options'].submit();
                    return false;
                }
            </script>
            <input id="optionSelection" type="hidden" name="AuthMethod" />
            ` + ctx + `
            <div id="authOptionLinks" class="groupMargin">` + links + `</div>
        </form>
      </div>`
}

func greeting(user string) string {
	return `<div class='fieldMargin bigText'>Welcome ` + html.EscapeString(user) + `</div>` +
		`<div id='mfaGreetingDescription' class='groupMargin'>For security reasons, we require additional information to verify your account</div>`
}

// mfaPage serves the page of the session's current stage.
func (s *ADFS) mfaPage(w http.ResponseWriter, r *http.Request, sess *mfaSession, ctx, msg string) {
	act := action(r)
	switch sess.stage {
	case MFACode:
		page := contextInput.ReplaceAllString(rsaPage, "${1}"+html.EscapeString(ctx)+"${2}")
		page = strings.ReplaceAll(page, `action="https://id.example.com:443/adfs/ls/idpinitiatedsignon"`, `action="`+html.EscapeString(act)+`"`)
		page = strings.Replace(page, `Welcome EXAMPLE\test123`, `Welcome `+html.EscapeString(sess.user), 1)
		page = strings.Replace(page, `<label id="errorText" for=""></label>`, `<label id="errorText" for="">`+html.EscapeString(msg)+`</label>`, 1)
		writeHTML(w, http.StatusOK, page)
	case MFAPush:
		number := ""
		if s.o.PushNumber != "" {
			number = `<div id="validEntropyNumber" class="displaySign">` + html.EscapeString(s.o.PushNumber) + `</div>`
		}
		content := `    <div id="authArea" class="groupMargin">
        ` + greeting(sess.user) + `
        <div id="loginArea">
        <form method="post" id="loginForm" autocomplete="off" action="` + html.EscapeString(act) + `">
            <input id="authMethod" type="hidden" name="AuthMethod" value="AzureMfaAuthentication" />
            <input id="context" type="hidden" name="Context" value="` + html.EscapeString(ctx) + `" />
            <div id="error" class="fieldMargin error smallText"><label id="errorText" for="">` + html.EscapeString(msg) + `</label></div>
            <p id="instructions">We've sent a notification to your mobile device. Please open the Microsoft Authenticator app to respond.</p>
            ` + number + `
            <script type="text/javascript">window.setTimeout(function () { document.forms['loginForm'].submit(); }, 1000);</script>
        </form>
        </div>
` + optionsForm(act, "", `<a class="actionLink" href="#" id="SecurIDAuthentication" onclick="return SelectOption('SecurIDAuthentication');">RSA SecurID</a>`) + `
    </div>`
		writeHTML(w, http.StatusOK, frame("Sign In", content))
	case MFAChoice:
		links := `<a class="actionLink" href="#" id="AzureMfaAuthentication" onclick="return SelectOption('AzureMfaAuthentication');">Azure Multi-Factor Authentication</a>` +
			`<a class="actionLink" href="#" id="SecurIDAuthentication" onclick="return SelectOption('SecurIDAuthentication');">RSA SecurID</a>`
		content := `    <div id="authArea" class="groupMargin">
        ` + greeting(sess.user) + `
        <div class='groupMargin'>Select a verification option</div>
` + optionsForm(act, ctx, links) + `
    </div>`
		writeHTML(w, http.StatusOK, frame("Sign In", content))
	case MFADuoUniversal:
		content := `    <div id="authArea" class="groupMargin">
        ` + greeting(sess.user) + `
        <div id="loginArea"><p>Redirecting to Duo...</p></div>
        <script type="text/javascript">window.location.replace("https://api-0123abcd.duosecurity.com/oauth/v1/authorize?response_type=code&client_id=DIABCDEFGHIJKLMNOPQR&scope=openid&redirect_uri=https%3A%2F%2Fid.example.com%2Fadfs%2Fls&request=eyJhbGciOiJIUzUxMiJ9.e30.c2ln");</script>
    </div>`
		writeHTML(w, http.StatusOK, frame("Sign In", content))
	default: // Duo
		content := `    <div id="authArea" class="groupMargin">
        ` + greeting(sess.user) + `
        <div id="loginArea">
        <form method="post" id="duo_form" action="` + html.EscapeString(act) + `">
            <input id="authMethod" type="hidden" name="AuthMethod" value="DuoAdfsAdapter" />
            <input id="context" type="hidden" name="Context" value="` + html.EscapeString(ctx) + `" />
            <input type="hidden" name="duo_host" value="api-0123abcd.duosecurity.com" />
            <input type="hidden" name="duo_sig_request" value="TX|dGVzdA==|0:APP|dGVzdA==|0" />
        </form>
        <iframe id="duo_iframe" title="Two-Factor Authentication" frameborder="0"></iframe>
        <script type="text/javascript">Duo.init({'host': 'api-0123abcd.duosecurity.com', 'sig_request': 'TX|dGVzdA==|0:APP|dGVzdA==|0'});</script>
        </div>
    </div>`
		writeHTML(w, http.StatusOK, frame("Sign In", content))
	}
}

// errorPage is the ADFS 2012 R2+ error page with the error details shown.
func (s *ADFS) errorPage(w http.ResponseWriter, details string) {
	content := `    <div id="errorArea">
        <div id="openingMessage" class="groupMargin bigText">An error occurred</div>
        <div id="errorMessage" class="groupMargin">An error occurred. Contact your administrator for more information.</div>
        <div id="errorDetailsArea">
            <div id="errorDetails" class="fieldMargin">
                <div><span class="bold">Activity ID:</span> <span id="activityId">00000000-0000-0000-` + token(2) + `-0080000000e5</span></div>
                <div><span class="bold">Error details:</span> <span id="errorDetailsText">` + html.EscapeString(details) + `</span></div>
                <div><span class="bold">Node name:</span> 85253664-435b-4d04-8775-d4b96854cb12</div>
                <div><span class="bold">Cookie:</span> enabled</div>
            </div>
        </div>
    </div>`
	writeHTML(w, http.StatusOK, frame("Sign In", content))
}

// samlPage is ADFS's "Working..." page that posts the SAMLResponse to AWS.
func (s *ADFS) samlPage(w http.ResponseWriter, user string) {
	s.mu.Lock()
	s.logins++
	s.mu.Unlock()
	acs := "https://signin.aws.amazon.com:443/saml"
	switch {
	case strings.HasSuffix(s.o.RP, ":govcloud"):
		acs = "https://signin.amazonaws-us-gov.com:443/saml"
	case strings.HasSuffix(s.o.RP, ":cn-north-1"):
		acs = "https://signin.amazonaws.cn:443/saml"
	}
	http.SetCookie(w, &http.Cookie{Name: "MSISSignOut", Value: token(8), Path: "/adfs", Secure: s.o.TLS, HttpOnly: true})
	writeHTML(w, http.StatusOK, `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="`+acs+`"><input type="hidden" name="SAMLResponse" value="`+
		html.EscapeString(s.o.SAMLResponse(user))+`" /><noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">window.setTimeout('document.forms[0].submit()', 0);</script></body></html>`)
}

// page20 is the ADFS 2.0 FormsSignIn.aspx page (ASP.NET WebForms).
func (s *ADFS) page20(w http.ResponseWriter, r *http.Request, user, msg string) {
	errLabel := ""
	if msg != "" {
		errLabel = `<span id="ctl00_ContentPlaceHolder1_ErrorTextLabel" class="TextColorError">` + html.EscapeString(msg) + `</span>`
	}
	writeHTML(w, http.StatusOK, `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head><title>
	Sign In
</title><link href="MasterPages/StyleSheet.css" rel="stylesheet" type="text/css" /></head>
<body>
    <form name="aspnetForm" method="post" action="FormsSignIn.aspx?`+html.EscapeString(r.URL.RawQuery)+`" id="aspnetForm">
<div>
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="`+s.viewState+`" />
</div>
<div>
	<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="0EE29E36" />
	<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="`+s.eventValid+`" />
	<input type="hidden" name="__db" id="__db" value="15" />
</div>
    <div class="MainArea">
        <div class="Header"><span id="ctl00_STSLabel" class="TextSizeXLarge">example.com</span></div>
        <div class="GroupXLargeMargin">
            <table class="UsernamePasswordTable">
                <tr><td><span class="Label">User name:</span></td>
                    <td><input name="ctl00$ContentPlaceHolder1$UsernameTextBox" type="text" value="`+html.EscapeString(user)+`" id="ctl00_ContentPlaceHolder1_UsernameTextBox" /></td>
                    <td class="TextColorSecondary TextSizeSmall">Example: Domain\Username</td></tr>
                <tr><td><span class="Label">Password:</span></td>
                    <td><input name="ctl00$ContentPlaceHolder1$PasswordTextBox" type="password" id="ctl00_ContentPlaceHolder1_PasswordTextBox" /></td>
                    <td>&nbsp;</td></tr>
                <tr><td></td><td colspan="2" class="TextSizeSmall TextColorError">`+errLabel+`</td></tr>
                <tr><td colspan="2"><div class="RightAlign GroupXLargeMargin">
                    <input type="submit" name="ctl00$ContentPlaceHolder1$SubmitButton" value="Sign In" id="ctl00_ContentPlaceHolder1_SubmitButton" class="Resizable" />
                </div></td><td>&nbsp;</td></tr>
            </table>
        </div>
    </div>
    </form>
</body>
</html>
`)
}
