package main

import (
	"fmt"
	"unicode/utf8"

	"github.com/samlogin/samlogin/assertion"
)

// pickerWidth is the width of a role picker row: 80 columns less the
// picker's "> " mark.
const pickerWidth = 78

// maxNameWidth bounds the role name column, so that the ARN keeps room.
const maxNameWidth = 24

// roleOptions are the rows of the role picker, "ACCOUNT  NAME  ARN", each at
// most pickerWidth columns. A long name is cut at its end, a long ARN at its
// start: the end of the ARN (path and name) is what tells two roles apart.
func roleOptions(roles []assertion.Role) []string {
	nameW := 0
	for _, r := range roles {
		nameW = max(nameW, utf8.RuneCountInString(r.RoleName))
	}
	nameW = min(nameW, maxNameWidth)
	opts := make([]string, len(roles))
	for i, r := range roles {
		name := cutEnd(r.RoleName, nameW)
		head := fmt.Sprintf("%s  %s%*s  ", r.AccountID, name, nameW-utf8.RuneCountInString(name), "")
		opts[i] = head + cutStart(r.RoleARN, pickerWidth-utf8.RuneCountInString(head))
	}
	return opts
}

// cutEnd shortens s to n columns, marking the cut with "…".
func cutEnd(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:max(n-1, 0)]) + "…"
}

// cutStart shortens s to n columns from its start, marking the cut with "…".
func cutStart(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return "…" + string(r[len(r)-max(n-1, 0):])
}
