package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// credentialCacheFiles are the files where `samlogin credential-process`
// may keep a profile's credentials, under ~/.aws/samlogin/. status reads the
// expiry from them and logout removes them. The cache is written by the
// credential-process command; until it exists these files simply are not
// there.
func credentialCacheFiles(env *Env, profile string) []string {
	dir := filepath.Join(env.Home, ".aws", "samlogin")
	return []string{
		filepath.Join(dir, "cache", profile+".json"),
		filepath.Join(dir, "credentials", profile+".json"),
	}
}

// credentialCache reads the expiry of a profile's cached credentials: a
// JSON object with "Expiration" (the credential_process format) or
// "expiration", RFC 3339.
func credentialCache(env *Env) cacheReader {
	return func(profile string) (time.Time, bool) {
		for _, p := range credentialCacheFiles(env, profile) {
			b, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			var c struct {
				Expiration string `json:"Expiration"`
			}
			// encoding/json matches keys case-insensitively: "expiration" too.
			if json.Unmarshal(b, &c) != nil {
				continue
			}
			if t, err := time.Parse(time.RFC3339, c.Expiration); err == nil {
				return t, true
			}
		}
		return time.Time{}, false
	}
}

// removeCredentialCache removes a profile's cached credentials and reports
// the files it removed.
func removeCredentialCache(env *Env, profile string) ([]string, error) {
	var removed []string
	for _, p := range credentialCacheFiles(env, profile) {
		err := os.Remove(p)
		switch {
		case err == nil:
			removed = append(removed, p)
		case !os.IsNotExist(err):
			return removed, err
		}
	}
	return removed, nil
}
