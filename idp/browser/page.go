package browser

// DoneTitle is the title of the page that answers the intercepted POST.
const DoneTitle = "samlogin: signed in"

// DonePage is the constant page that answers the intercepted POST. It
// loads nothing from the network (the icon is an inline data: URL, so no
// /favicon.ico is asked of AWS) and carries no part of the request.
const DonePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>` + DoneTitle + `</title>
<link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:4em auto;max-width:32em;padding:0 1em}</style>
</head><body>
<h1>Signed in</h1>
<p>samlogin has your sign-in; you can close this window.</p>
</body></html>
`

// DoneHeaders are the response headers sent with DonePage. The content
// security policy forbids every load but inline style and data: images, so
// the page stays off the network even if it is changed later.
var DoneHeaders = [][2]string{
	{"Content-Type", "text/html; charset=utf-8"},
	{"Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"},
	{"Cache-Control", "no-store"},
	{"Referrer-Policy", "no-referrer"},
}
