package browser

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"
)

// fakeSystem is a file system and PATH for Finder.
type fakeSystem struct {
	path  map[string]string // bare name → resolved path
	files map[string]bool   // absolute path → is a folder
	env   map[string]string
}

func (s fakeSystem) finder(cands ...string) Finder {
	return Finder{
		LookPath: func(f string) (string, error) {
			if p, ok := s.path[f]; ok {
				return p, nil
			}
			return "", errors.New("not on PATH")
		},
		Stat: func(n string) (fs.FileInfo, error) {
			dir, ok := s.files[n]
			if !ok {
				return nil, fs.ErrNotExist
			}
			return fakeInfo{dir}, nil
		},
		Getenv:     func(k string) string { return s.env[k] },
		Candidates: cands,
	}
}

type fakeInfo struct{ dir bool }

func (i fakeInfo) Name() string       { return "x" }
func (i fakeInfo) Size() int64        { return 0 }
func (i fakeInfo) Mode() fs.FileMode  { return 0o755 }
func (i fakeInfo) ModTime() time.Time { return time.Time{} }
func (i fakeInfo) IsDir() bool        { return i.dir }
func (i fakeInfo) Sys() any           { return nil }

func TestFinderOrder(t *testing.T) {
	sys := fakeSystem{
		path:  map[string]string{"chromium": "/usr/bin/chromium"},
		files: map[string]bool{"/opt/edge/msedge": false},
	}
	got, err := sys.finder("google-chrome", "chromium", "/opt/edge/msedge").Find("")
	if err != nil || got != "/usr/bin/chromium" {
		t.Fatalf("Find = %q, %v; want /usr/bin/chromium", got, err)
	}
	got, err = sys.finder("google-chrome", "/opt/edge/msedge", "chromium").Find("")
	if err != nil || got != "/opt/edge/msedge" {
		t.Fatalf("Find = %q, %v; want /opt/edge/msedge", got, err)
	}
}

func TestFinderOverrideWins(t *testing.T) {
	sys := fakeSystem{
		path:  map[string]string{"chromium": "/usr/bin/chromium", "vivaldi": "/usr/bin/vivaldi"},
		files: map[string]bool{"/home/u/chrome/chrome": false},
	}
	f := sys.finder("chromium")
	for override, want := range map[string]string{"vivaldi": "/usr/bin/vivaldi", "/home/u/chrome/chrome": "/home/u/chrome/chrome"} {
		if got, err := f.Find(override); err != nil || got != want {
			t.Errorf("Find(%q) = %q, %v; want %q", override, got, err, want)
		}
	}
	_, err := f.Find("/nope/chrome")
	if err == nil || !strings.Contains(err.Error(), "SAMLOGIN_BROWSER") || errors.Is(err, ErrNoBrowser) {
		t.Errorf("Find(missing override) = %v; want an error naming SAMLOGIN_BROWSER, not a fallback", err)
	}
}

func TestFinderNoneNamesEveryCandidate(t *testing.T) {
	sys := fakeSystem{files: map[string]bool{"/opt/chrome": true}} // a folder is no browser
	_, err := sys.finder("google-chrome", "chromium", "/opt/chrome").Find("")
	if !errors.Is(err, ErrNoBrowser) {
		t.Fatalf("err = %v, want ErrNoBrowser", err)
	}
	for _, s := range []string{"google-chrome", "chromium", "/opt/chrome", "SAMLOGIN_BROWSER"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %s", err, s)
		}
	}
	if strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("error is more than one line: %q", err)
	}
}

func TestFinderExpandsEnv(t *testing.T) {
	sys := fakeSystem{
		files: map[string]bool{`C:\PF86\Edge\msedge.exe`: false},
		env:   map[string]string{"ProgramFiles(x86)": `C:\PF86`},
	}
	got, err := sys.finder(`${LocalAppData}\Chrome\chrome.exe`, `${ProgramFiles(x86)}\Edge\msedge.exe`).Find("")
	if err != nil || got != `C:\PF86\Edge\msedge.exe` {
		t.Fatalf("Find = %q, %v", got, err)
	}
	_, err = sys.finder(`${LocalAppData}\Chrome\chrome.exe`).Find("")
	if err == nil || strings.Contains(err.Error(), `\Chrome\chrome.exe`) {
		// A candidate whose folder variable is unset is not tried at all.
		t.Errorf("err = %v", err)
	}
}

func TestCandidatesThisOS(t *testing.T) {
	if len(candidates) == 0 {
		t.Fatal("no candidates for this OS")
	}
	// The real search runs without panicking; whether it finds a browser
	// depends on the machine.
	if _, err := (Finder{Getenv: os.Getenv}).Find(""); err != nil && !errors.Is(err, ErrNoBrowser) {
		t.Errorf("Find on this machine: %v", err)
	}
}
