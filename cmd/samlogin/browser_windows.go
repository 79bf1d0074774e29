package main

// browserCommand opens u in the default browser: the URL protocol handler
// of the shell (what `start URL` does, without cmd.exe's parsing of the
// URL's & and ^).
func browserCommand(u string) []string {
	return []string{"rundll32", "url.dll,FileProtocolHandler", u}
}
