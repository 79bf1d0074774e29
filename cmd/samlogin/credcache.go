package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/samlogin/samlogin/awsconfig"
)

// samlogin's credential cache (written by `samlogin credential-process`):
// one JSON file per identity provider, user and role in
// ~/.aws/samlogin/credentials/, named by a hash of the three. status and
// logout find a profile's entries by reading the fields each entry records,
// so they need not know how the name is made.
//
// The writer of this cache was being built at the same time as status and
// logout; until it lands, the folder does not exist and these functions
// find nothing.

// cacheEntry is the part of a cache file status and logout read. It holds
// no secret (the keys in the file are not decoded).
type cacheEntry struct {
	Expiration string `json:"Expiration"`
	IdP        string `json:"samlogin_idp"`
	Username   string `json:"samlogin_username"`
	RoleARN    string `json:"samlogin_role_arn"`
}

// profileCacheFiles returns the cache files of the profile with these
// settings: the entries for its role, IdP and user.
func profileCacheFiles(env *Env, settings map[string]string) ([]string, []cacheEntry) {
	role := settings["samlogin_role_arn"]
	if role == "" {
		return nil, nil
	}
	names, _ := filepath.Glob(filepath.Join(awsconfig.CacheDir(env.Home), "*.json"))
	var files []string
	var entries []cacheEntry
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		var e cacheEntry
		if json.Unmarshal(b, &e) != nil || e.RoleARN != role {
			continue
		}
		if u := settings["samlogin_username"]; u != "" && !strings.EqualFold(u, e.Username) {
			continue
		}
		if idp := idpOf(settings); idp != "" && e.IdP != "" && !strings.Contains(e.IdP, idp) && !strings.Contains(idp, e.IdP) {
			continue
		}
		files, entries = append(files, name), append(entries, e)
	}
	return files, entries
}

// credentialCache reads the latest expiry cached for a profile.
func credentialCache(env *Env) cacheReader {
	return func(settings map[string]string) (time.Time, bool) {
		_, entries := profileCacheFiles(env, settings)
		var latest time.Time
		for _, e := range entries {
			if t, err := time.Parse(time.RFC3339, e.Expiration); err == nil && t.After(latest) {
				latest = t
			}
		}
		return latest, !latest.IsZero()
	}
}

// removeCredentialCache removes the cache entries of a profile and reports
// the files it removed.
func removeCredentialCache(env *Env, settings map[string]string) ([]string, error) {
	files, _ := profileCacheFiles(env, settings)
	var removed []string
	for _, p := range files {
		err := os.Remove(p)
		switch {
		case err == nil:
			removed = append(removed, p)
		case !errors.Is(err, fs.ErrNotExist):
			return removed, err
		}
	}
	return removed, nil
}
