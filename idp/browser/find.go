package browser

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoBrowser is wrapped by Finder.Find when no candidate exists; the
// message names every browser looked for and SAMLOGIN_BROWSER.
var ErrNoBrowser = errors.New("no Chromium-family browser found")

// Finder finds the browser binary. Its fields are the system calls it
// makes, so tests give fakes; the zero value uses the real system.
type Finder struct {
	// LookPath finds a bare name on the PATH (exec.LookPath).
	LookPath func(file string) (string, error)
	// Stat checks an absolute candidate (os.Stat).
	Stat func(name string) (fs.FileInfo, error)
	// Getenv expands the folders of the candidate list (os.Getenv).
	Getenv func(key string) string
	// Candidates is the search list, in order. Nil means the list of this
	// OS (see candidates in locations_*.go).
	Candidates []string
}

// Find returns the browser to start: override when it is non-empty (a path
// or a PATH name, from SAMLOGIN_BROWSER), else the first candidate that
// exists.
func (f Finder) Find(override string) (string, error) {
	f = f.withDefaults()
	if override != "" {
		p, err := f.lookup(override)
		if err != nil {
			return "", fmt.Errorf("browser: SAMLOGIN_BROWSER %q: %w", override, err)
		}
		return p, nil
	}
	var tried []string
	for _, c := range f.list() {
		if p, err := f.lookup(c); err == nil {
			return p, nil
		}
		tried = append(tried, c)
	}
	return "", fmt.Errorf("browser: %w (looked for %s); set SAMLOGIN_BROWSER to the browser's path", ErrNoBrowser, strings.Join(tried, ", "))
}

func (f Finder) withDefaults() Finder {
	if f.LookPath == nil {
		f.LookPath = exec.LookPath
	}
	if f.Stat == nil {
		f.Stat = os.Stat
	}
	if f.Getenv == nil {
		f.Getenv = os.Getenv
	}
	return f
}

// list returns the candidates with ${VAR} expanded; a candidate whose
// variable is unset is dropped (it would otherwise name the root folder).
func (f Finder) list() []string {
	in := f.Candidates
	if in == nil {
		in = candidates
	}
	var out []string
	for _, c := range in {
		missing := false
		e := os.Expand(c, func(k string) string {
			v := f.Getenv(k)
			if v == "" {
				missing = true
			}
			return v
		})
		if !missing {
			out = append(out, e)
		}
	}
	return out
}

// lookup resolves a bare name through the PATH and checks that a path
// names a regular file.
func (f Finder) lookup(c string) (string, error) {
	if !strings.ContainsAny(c, `/\`) {
		return f.LookPath(c)
	}
	fi, err := f.Stat(c)
	if err != nil {
		return "", err
	}
	if fi.IsDir() {
		return "", fmt.Errorf("%s is a folder", filepath.Base(c))
	}
	return c, nil
}
