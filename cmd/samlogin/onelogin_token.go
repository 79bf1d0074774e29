package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/internal/atomicfile"
	"github.com/samlogin/samlogin/internal/secret"
)

// oneLoginTokens keeps a OneLogin API access token (valid 10 h) between
// runs, 0600 under ~/.aws/samlogin, one file per API host and client id,
// so that a sign-in costs one request less. It implements
// onelogin.TokenCache; a file that cannot be read or written is ignored
// (the driver asks for a new token).
type oneLoginTokens struct {
	dir     string
	apiHost string
}

type oneLoginTokenFile struct {
	AccessToken string    `json:"access_token"`
	Expires     time.Time `json:"expires"`
}

func newOneLoginTokens(env *Env, apiHost string) *oneLoginTokens {
	if env.Home == "" {
		return nil
	}
	return &oneLoginTokens{dir: awsconfig.StateDir(env.Home), apiHost: apiHost}
}

func (c *oneLoginTokens) path(clientID string) string {
	sum := sha256.Sum256([]byte(c.apiHost + "\n" + clientID))
	return filepath.Join(c.dir, "onelogin-token-"+hex.EncodeToString(sum[:8])+".json")
}

func (c *oneLoginTokens) Get(clientID string) (secret.String, time.Time) {
	data, err := atomicfile.ReadRegular(c.path(clientID))
	if err != nil {
		return secret.String{}, time.Time{}
	}
	var f oneLoginTokenFile
	if json.Unmarshal(data, &f) != nil {
		return secret.String{}, time.Time{}
	}
	return secret.New(f.AccessToken), f.Expires
}

func (c *oneLoginTokens) Put(clientID string, tok secret.String, expires time.Time) {
	p := c.path(clientID)
	if tok.Empty() {
		_ = os.Remove(p)
		return
	}
	data, err := json.Marshal(oneLoginTokenFile{AccessToken: tok.Reveal(), Expires: expires.UTC()})
	if err != nil {
		return
	}
	if os.MkdirAll(c.dir, atomicfile.PrivateDir) != nil {
		return
	}
	_ = atomicfile.Write(p, data, atomicfile.Private)
}
