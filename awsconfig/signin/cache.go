package signin

import (
	"encoding/json"
	"time"

	"github.com/samlogin/samlogin/internal/atomicfile"
)

// DefaultTTL is how long a learnt alias is trusted.
const DefaultTTL = 24 * time.Hour

// AliasCache keeps account aliases in a JSON file (~/.aws/samlogin/aliases.json)
// so that the sign-in page is asked at most once a day per account. The file
// holds no secret; it is still written 0600 in a 0700 folder, like every
// file samlogin creates.
type AliasCache struct {
	Path string
	Now  func() time.Time // nil: time.Now
	TTL  time.Duration    // 0: DefaultTTL
}

type cacheFile struct {
	Accounts map[string]cacheEntry `json:"accounts"`
}

type cacheEntry struct {
	Alias   string    `json:"alias"` // "" for an account without an alias
	Fetched time.Time `json:"fetched"`
}

func (c *AliasCache) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

func (c *AliasCache) ttl() time.Duration {
	if c.TTL <= 0 {
		return DefaultTTL
	}
	return c.TTL
}

func (c *AliasCache) read() cacheFile {
	var f cacheFile
	b, err := atomicfile.ReadRegular(c.Path) // a pipe or folder here is a miss, not a hang
	if err == nil {
		_ = json.Unmarshal(b, &f) // a damaged cache is an empty one
	}
	if f.Accounts == nil {
		f.Accounts = map[string]cacheEntry{}
	}
	return f
}

// Load returns the aliases learnt within the TTL: account id → alias ("" for
// an account known to have none). A missing or damaged file is empty.
func (c *AliasCache) Load() map[string]string {
	now := c.now()
	out := map[string]string{}
	for id, e := range c.read().Accounts {
		if age := now.Sub(e.Fetched); age >= 0 && age < c.ttl() {
			out[id] = e.Alias
		}
	}
	return out
}

// Store merges learnt aliases into the file, dropping expired entries. It
// writes a temporary file and renames it, so a reader never sees half a
// file; two samlogin processes storing at once lose at most one's entries,
// which are learnt again next time.
func (c *AliasCache) Store(aliases map[string]string) error {
	now := c.now()
	f := c.read()
	for id, e := range f.Accounts {
		if now.Sub(e.Fetched) >= c.ttl() {
			delete(f.Accounts, id)
		}
	}
	for id, a := range aliases {
		f.Accounts[id] = cacheEntry{Alias: a, Fetched: now.UTC()}
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(c.Path, append(b, '\n'), 0o600)
}
