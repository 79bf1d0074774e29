package main

// browserCommand opens u in the default browser: macOS's open.
func browserCommand(u string) []string { return []string{"open", u} }
