// Package browser is the driver that signs in through the user's own
// Chromium-family browser (Chrome, Chromium, Edge, Brave) over the DevTools
// protocol: it opens the IdP's sign-in page in a window, lets the user sign
// in with whatever the IdP asks, intercepts the POST of the SAMLResponse to
// AWS's SAML endpoint before it is sent, and answers it with a local page.
//
// This is groundwork (issue 13, docs/design/browser-signin.md): the pure
// parts are here and tested — IsAWSSAML (which requests to take),
// Patterns (what to ask Chromium to pause), SAMLResponseFromForm (reading
// the intercepted body), DonePage (the local answer) and Finder (which
// browser to start). The DevTools session itself (chromedp) comes next.
package browser
