// Package lazyre compiles a regular expression on first use rather than at
// program start. samlogin starts once per AWS CLI call as a
// credential_process, and every package-level regexp.MustCompile would cost
// every one of those starts, used or not.
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr on its first call (panicking,
// as regexp.MustCompile does, if expr is invalid) and returns the same
// *regexp.Regexp on every call.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
