package main

import (
	"errors"
	"os"

	"github.com/spf13/pflag"

	"github.com/samlogin/samlogin/idp/kerberos"
)

// kerberosFlag is --kerberos[=true|false|auto].
type kerberosFlag struct{ v *string }

func (k kerberosFlag) String() string {
	if k.v == nil || *k.v == "" {
		return "false"
	}
	return *k.v
}
func (k kerberosFlag) Type() string { return "true|false|auto" }
func (k kerberosFlag) Set(s string) error {
	switch s {
	case "true", "false", "auto":
		*k.v = s
		return nil
	case "1", "yes":
		*k.v = "true"
		return nil
	case "0", "no", "":
		*k.v = "false"
		return nil
	}
	return errors.New("use true, false or auto")
}

func addKerberosFlag(fs *pflag.FlagSet, so *signinOptions) {
	fs.Var(kerberosFlag{&so.kerberos}, "kerberos", "sign in to ADFS with Kerberos (SPNEGO) from the ticket cache (KRB5CCNAME, after kinit; KRB5_CONFIG) instead of the forms page; auto: use the forms page when there is no usable ticket (stored with the profile)")
	fs.Lookup("kerberos").NoOptDefVal = "true"
}

// kerberosOn reports whether --kerberos is true or auto (with --adfs-host).
func (so *signinOptions) kerberosOn() bool {
	return so.adfsHost != "" && (so.kerberos == "true" || so.kerberos == "auto")
}

// openKerberos opens the user's ticket cache for --kerberos: the token
// source and the cache's principal (user@REALM). With --kerberos=auto the
// caller goes on without a source (the forms page) when it fails.
func openKerberos(env *Env, so *signinOptions) (kerberos.TokenSource, string, error) {
	if !so.kerberosOn() {
		return nil, "", nil
	}
	cc := env.Getenv("KRB5CCNAME")
	if cc == "" {
		cc = kerberos.DefaultCCache(os.Getuid())
	}
	cfg := env.Getenv("KRB5_CONFIG")
	if cfg == "" {
		cfg = "/etc/krb5.conf"
	}
	return kerberos.Open(kerberos.Options{CCache: cc, Config: cfg, Now: env.Now})
}

// kerberosNote is why --kerberos=auto used the forms page, without the
// advice meant for --kerberos=true.
func kerberosNote(err error) string {
	var nt *kerberos.NoTicketError
	if errors.As(err, &nt) {
		realm := nt.Realm
		if realm == "" {
			realm = "your realm"
		}
		return "no Kerberos ticket for " + realm + " (" + nt.Reason + ")"
	}
	return err.Error()
}
