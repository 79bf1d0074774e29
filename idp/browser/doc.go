// Package browser is the driver that signs in through the user's own
// Chromium-family browser (Chrome, Chromium, Edge, Brave) over the DevTools
// protocol (chromedp): it opens the IdP's sign-in page in a window, lets
// the user sign in with whatever the IdP asks, and answers locally every
// request with a body that a page of that browser sends to an AWS sign-in
// host (TakesRequest), taking the SAMLResponse from it: the assertion never
// leaves the machine. The browser then closes in the background (Wait).
//
// The parts: Finder (which browser to start), Patterns and TakesRequest
// (what Chromium pauses and what samlogin answers), SAMLResponseFromForm
// (reading the body), DonePage (the local answer), the attach address
// check (resolveAttach) and the --browser-profile folder check
// (prepareProfile). docs/design/browser-signin.md has the design and what
// running it taught.
package browser
