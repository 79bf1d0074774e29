// Package kerberos gives the SPNEGO tokens ("Authorization: Negotiate ...")
// that the ADFS driver answers /adfs/ls/wia with, from the user's Kerberos
// ticket cache, through github.com/jcmturner/gokrb5/v8 (pure Go).
//
// gokrb5 v8.4.4 reads MIT "FILE:" ticket caches only: not KCM (KCM:), not
// the macOS API cache (API:), not a Windows logon session (no SSPI), and it
// sends no channel binding token (an ADFS that enforces Extended Protection
// for Authentication refuses the ticket). It panics on an empty (0-byte)
// cache file, so Open checks the file first.
package kerberos

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/iana/nametype"
	"github.com/jcmturner/gokrb5/v8/spnego"
	"github.com/jcmturner/gokrb5/v8/types"
)

// TokenSource gives the SPNEGO token for a service principal such as
// "HTTP/sts.corp.example.com". Tests stub it; Open gives the real one.
type TokenSource interface {
	// Token returns the raw SPNEGO token (the header carries it base64).
	Token(spn string) ([]byte, error)
}

// ErrNoTicket is matched (errors.Is) by a *NoTicketError.
var ErrNoTicket = errors.New("no usable Kerberos ticket")

// NoTicketError says that there is no usable ticket for Realm (which may
// be "" when neither the cache nor krb5.conf names one), and why.
type NoTicketError struct {
	Realm  string
	Reason string
}

func (e *NoTicketError) Error() string {
	realm := e.Realm
	if realm == "" {
		realm = "your realm"
	}
	return fmt.Sprintf("no Kerberos ticket for %s (%s): run kinit, or drop --kerberos to use the forms page", realm, e.Reason)
}

// Is makes errors.Is(err, ErrNoTicket) true.
func (e *NoTicketError) Is(target error) bool { return target == ErrNoTicket }

// Options says where the cache and the configuration are; cmd/samlogin
// fills them from KRB5CCNAME and KRB5_CONFIG (a driver reads no
// environment).
type Options struct {
	// CCache is the ticket cache: "FILE:/path", "/path"; other types
	// (KCM:, API:, KEYRING:, DIR:, MEMORY:) are refused.
	CCache string
	// Config is the krb5.conf path list (colon separated, as KRB5_CONFIG);
	// "" or unreadable files mean an empty configuration, which is enough
	// for a ticket cache that already holds the TGT when the KDC is found
	// by DNS, or the service ticket.
	Config string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultCCache is MIT's default cache for uid: /tmp/krb5cc_UID.
func DefaultCCache(uid int) string { return fmt.Sprintf("FILE:/tmp/krb5cc_%d", uid) }

// ccachePath returns the file of a FILE: cache name.
func ccachePath(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errors.New("no ticket cache named")
	}
	if i := strings.Index(name, ":"); i > 1 { // "C:\..." is a path
		typ, rest := strings.ToUpper(name[:i]), name[i+1:]
		if typ != "FILE" {
			return "", fmt.Errorf("ticket cache %s: type %s is not supported (gokrb5 reads FILE: caches only; set KRB5CCNAME=FILE:/tmp/krb5cc_$(id -u) and kinit again)", name, typ)
		}
		return rest, nil
	}
	return name, nil
}

// ccacheSource is the real TokenSource.
type ccacheSource struct {
	cl *client.Client
}

// Realm is the realm of a cache's principal, or of krb5.conf's default.
func realmOf(cfg *config.Config) string {
	if cfg != nil && cfg.LibDefaults.DefaultRealm != "" {
		return cfg.LibDefaults.DefaultRealm
	}
	return ""
}

// Open loads the ticket cache and returns a TokenSource, or a
// *NoTicketError when there is no usable TGT in it; other errors (an
// unsupported cache type) are returned as they are.
func Open(o Options) (TokenSource, string, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	cfg := loadConfig(o.Config)
	realm := realmOf(cfg)
	path, err := ccachePath(o.CCache)
	if err != nil {
		return nil, "", err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, "", &NoTicketError{Realm: realm, Reason: "no ticket cache " + path}
	}
	if fi.Size() == 0 { // gokrb5 panics on it
		return nil, "", &NoTicketError{Realm: realm, Reason: "ticket cache " + path + " is empty"}
	}
	cc, err := loadCCache(path)
	if err != nil {
		return nil, "", &NoTicketError{Realm: realm, Reason: "ticket cache " + path + ": " + err.Error()}
	}
	if r := cc.DefaultPrincipal.Realm; r != "" {
		realm = r
	}
	tgt, ok := cc.GetEntry(types.PrincipalName{NameType: nametype.KRB_NT_SRV_INST, NameString: []string{"krbtgt", realm}})
	if !ok {
		return nil, "", &NoTicketError{Realm: realm, Reason: "no ticket-granting ticket in " + path}
	}
	if !tgt.EndTime.IsZero() && !now().Before(tgt.EndTime) {
		return nil, "", &NoTicketError{Realm: realm, Reason: "the ticket expired at " + tgt.EndTime.UTC().Format(time.RFC3339)}
	}
	cl, err := client.NewFromCCache(cc, cfg, client.DisablePAFXFAST(true))
	if err != nil {
		return nil, "", &NoTicketError{Realm: realm, Reason: err.Error()}
	}
	user := cc.DefaultPrincipal.PrincipalName.PrincipalNameString() + "@" + realm
	return &ccacheSource{cl: cl}, user, nil
}

// loadCCache is credentials.LoadCCache with its panics (a truncated or
// corrupt file) turned into errors.
func loadCCache(path string) (cc *credentials.CCache, err error) {
	defer func() {
		if r := recover(); r != nil {
			cc, err = nil, fmt.Errorf("cannot read it (%v)", r)
		}
	}()
	return credentials.LoadCCache(path)
}

// loadConfig reads the first readable file of a KRB5_CONFIG list; with
// none, an empty configuration.
func loadConfig(list string) *config.Config {
	for _, p := range strings.Split(list, string(os.PathListSeparator)) {
		if p == "" {
			continue
		}
		if c, err := config.Load(p); err == nil {
			return c
		}
	}
	return config.New()
}

// Token asks the KDC for a service ticket to spn (unless the cache holds
// one) and wraps it in a SPNEGO NegTokenInit.
func (s *ccacheSource) Token(spn string) ([]byte, error) {
	sc := spnego.SPNEGOClient(s.cl, spn)
	if err := sc.AcquireCred(); err != nil {
		return nil, fmt.Errorf("kerberos: %w", err)
	}
	st, err := sc.InitSecContext()
	if err != nil {
		return nil, fmt.Errorf("kerberos: service ticket for %s: %w", spn, err)
	}
	b, err := st.Marshal()
	if err != nil {
		return nil, fmt.Errorf("kerberos: %w", err)
	}
	return b, nil
}

// Header is the Authorization header value for a token.
func Header(tok []byte) string { return "Negotiate " + base64.StdEncoding.EncodeToString(tok) }
