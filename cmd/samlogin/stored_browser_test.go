package main

import (
	"maps"
	"testing"

	"github.com/spf13/pflag"
)

// TestApplyStoredBrowserAcrossIdPs: --browser and --browser-profile belong
// to the stored IdP. Given another IdP now, they are neither applied nor
// kept: settingsToStore removes them (empty values). The same IdP again
// keeps them.
func TestApplyStoredBrowserAcrossIdPs(t *testing.T) {
	adfsStored := map[string]string{
		"samlogin_adfs_host": "adfs.corp.example.com", "samlogin_browser": "true",
		"samlogin_browser_profile": "/home/u/adfs-browser", "samlogin_username": "alice@corp",
	}
	formStored := map[string]string{
		"samlogin_idp_url": "https://sso.corp.example.com/login", "samlogin_browser": "true",
		"samlogin_browser_profile": "/home/u/form-browser",
	}
	for _, c := range []struct {
		name   string
		stored map[string]string
		args   []string
		// wantOn, wantDir: the flags after applyStored; wantKept: what
		// settingsToStore says of the two keys.
		wantOn, wantDir string
		wantKept        map[string]string
	}{
		{"adfs to form", adfsStored, []string{"--idp-url", "https://portal.example.com/"}, "false", "",
			map[string]string{"samlogin_browser": "", "samlogin_browser_profile": ""}},
		{"form to adfs", formStored, []string{"--adfs-host", "adfs.other.example.com"}, "false", "",
			map[string]string{"samlogin_browser": "", "samlogin_browser_profile": ""}},
		{"adfs to onelogin", adfsStored, []string{"--onelogin-subdomain", "corp", "--onelogin-app-id", "1"}, "false", "",
			map[string]string{"samlogin_browser": "", "samlogin_browser_profile": ""}},
		{"adfs again", adfsStored, []string{"--adfs-host", "adfs.corp.example.com"}, "true", "/home/u/adfs-browser",
			map[string]string{"samlogin_browser": "true", "samlogin_browser_profile": "/home/u/adfs-browser"}},
		{"form by profile alone", formStored, nil, "true", "/home/u/form-browser",
			map[string]string{"samlogin_browser": "true", "samlogin_browser_profile": "/home/u/form-browser"}},
		{"adfs, another IdP with --browser now", adfsStored, []string{"--idp-url", "https://portal.example.com/", "--browser"}, "true", "",
			map[string]string{"samlogin_browser": "true", "samlogin_browser_profile": ""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("samlogin", pflag.ContinueOnError)
			addLoginFlags(fs, &loginOptions{})
			if err := fs.Parse(c.args); err != nil {
				t.Fatal(err)
			}
			if err := applyStored(fs, maps.Clone(c.stored)); err != nil {
				t.Fatal(err)
			}
			if got := fs.Lookup("browser").Value.String(); got != c.wantOn {
				t.Errorf("--browser = %s, want %s", got, c.wantOn)
			}
			if got := fs.Lookup("browser-profile").Value.String(); got != c.wantDir {
				t.Errorf("--browser-profile = %q, want %q", got, c.wantDir)
			}
			out := settingsToStore(fs)
			for k, want := range c.wantKept {
				if got, ok := out[k]; !ok || got != want {
					t.Errorf("settingsToStore()[%s] = %q (present %v), want %q", k, got, ok, want)
				}
			}
		})
	}
}

// TestApplyStoredBrowserProfile: a stored --browser-profile is not applied
// when --browser is off now, and the profile then drops it; an attached
// browser (--browser-url now) ignores it, and the profile keeps it.
func TestApplyStoredBrowserProfile(t *testing.T) {
	stored := map[string]string{
		"samlogin_idp_url": "https://sso.corp.example.com/login", "samlogin_browser": "true",
		"samlogin_browser_profile": "/home/u/form-browser",
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--browser-url", "http://127.0.0.1:9222"}, "/home/u/form-browser"},
		{[]string{"--browser=false"}, ""},
	} {
		fs := pflag.NewFlagSet("samlogin", pflag.ContinueOnError)
		addLoginFlags(fs, &loginOptions{})
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		if err := applyStored(fs, stored); err != nil {
			t.Fatal(err)
		}
		if got := fs.Lookup("browser-profile").Value.String(); got != c.want {
			t.Errorf("%q: --browser-profile = %q, want %q", c.args, got, c.want)
		}
		if got, ok := settingsToStore(fs)["samlogin_browser_profile"]; !ok || got != c.want {
			t.Errorf("%q: settingsToStore()[samlogin_browser_profile] = %q (present %v), want %q", c.args, got, ok, c.want)
		}
	}
}

// TestLastBrowserSignInKey: the IdP's last browser sign-in is the kept
// sign-in of no user at the IdP and relying party, the one key that
// signInCached keeps and logout drops.
func TestLastBrowserSignInKey(t *testing.T) {
	so := &signinOptions{adfsHost: "adfs.corp.example.com", username: "alice@corp"}
	last, err := lastBrowserSignInKey(so)
	if err != nil {
		t.Fatal(err)
	}
	byUser, _ := assertionCacheKey(so)
	so.username = ""
	noUser, _ := assertionCacheKey(so)
	if last != noUser || last == byUser {
		t.Errorf("lastBrowserSignInKey = %q, want the key of no user %q (not the user's %q)", last, noUser, byUser)
	}
}
