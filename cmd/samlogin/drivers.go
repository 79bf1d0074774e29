package main

import (
	"slices"

	"context"
	"strings"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/adfs"
	"github.com/samlogin/samlogin/idp/form"
)

// driverRow is one identity-provider driver: its name, the flag that
// selects it, and its constructor. Adding a driver is a new package and a
// new row in drivers.
type driverRow struct {
	name string
	// flag is the flag (without "--") that selects the row; selected
	// reports whether it is set.
	flag     string
	selected func(so *signinOptions) bool
	// settings are the flags that belong to the row besides flag (stored
	// with the profile; a stored one is not applied when another row's
	// flag is given now).
	settings []string
	// describe names the IdP as configured: the setting as given, which
	// keys the caches.
	describe func(so *signinOptions) string
	// build makes the driver; rp is the relying party (ADFS).
	build func(env *Env, so *signinOptions, rp string, deps idp.Deps) (idp.Driver, error)
	// prepare, when set, runs once before the sign-in: it reads what the
	// driver needs from outside besides the password (a client secret).
	prepare func(ctx context.Context, env *Env, so *signinOptions, p idp.Prompter) error
	// accepted, when set, runs after the IdP handed over a SAMLResponse.
	accepted func(env *Env, so *signinOptions)
	// browserURL, when set, is where a sign-in in the user's browser
	// (--browser) starts; a row without it cannot sign in there.
	browserURL func(so *signinOptions, rp string) (string, error)
}

// drivers is the explicit table of drivers, in the order a row is looked
// up. Exactly one row's flag may be set.
var drivers = []driverRow{
	{
		name:     "adfs",
		flag:     "adfs-host",
		settings: []string{"login-to-rp", "kerberos", "browser", "browser-profile"},
		selected: func(so *signinOptions) bool { return so.adfsHost != "" },
		describe: func(so *signinOptions) string { return so.adfsHost },
		build: func(env *Env, so *signinOptions, rp string, deps idp.Deps) (idp.Driver, error) {
			// --kerberos: the forms page is replaced by SPNEGO with the
			// user's ticket (--kerberos=auto: the forms page when there is
			// no usable ticket).
			krb, _, err := openKerberos(env, so)
			if err != nil && so.kerberos != "auto" {
				return nil, notUsage{err} // no ticket: the one line, exit 1
			}
			return adfs.New(adfs.Config{Host: so.adfsHost, LoginToRP: rp, AllowHosts: so.allowHosts,
				Kerberos: krb, KerberosAuto: so.kerberos == "auto"}, deps)
		},
		browserURL: func(so *signinOptions, rp string) (string, error) {
			u, err := adfs.SignInURL(so.adfsHost, rp)
			if err != nil {
				return "", err
			}
			return u.String(), nil
		},
	},
	{
		name:     "form",
		flag:     "idp-url",
		settings: []string{"browser", "browser-profile"},
		selected: func(so *signinOptions) bool { return so.idpURL != "" },
		describe: func(so *signinOptions) string { return so.idpURL },
		build: func(_ *Env, so *signinOptions, rp string, deps idp.Deps) (idp.Driver, error) {
			return form.New(form.Config{URL: so.idpURL, AllowHosts: so.allowHosts}, deps)
		},
		browserURL: func(so *signinOptions, _ string) (string, error) { return so.idpURL, nil },
	},
	{
		name:     "onelogin",
		flag:     "onelogin-subdomain",
		settings: []string{"onelogin-app-id", "onelogin-region", "onelogin-api-url", "onelogin-client-id", "onelogin-client-secret-command"},
		selected: func(so *signinOptions) bool { return so.onelogin.subdomain != "" },
		describe: func(so *signinOptions) string { return so.onelogin.describe() },
		build:    buildOneLogin,
		prepare:  prepareOneLogin,
		accepted: acceptedOneLogin,
	},
}

// notUsage marks an error of a driver's constructor that is not a mistake
// in the flags (a missing Kerberos ticket): signIn returns it as it is,
// where a constructor's other errors are usage errors.
type notUsage struct{ error }

func (e notUsage) Unwrap() error { return e.error }

// idpFlags names the flags that choose a driver, for messages:
// "--adfs-host, --idp-url, --onelogin-subdomain".
func idpFlags() string {
	names := make([]string, len(drivers))
	for i, r := range drivers {
		names[i] = "--" + r.flag
	}
	return strings.Join(names, ", ")
}

// rowsOfSetting are the rows a flag belongs to (one, or several for a
// setting such as --browser that more than one driver has), or nil.
func rowsOfSetting(flag string) []*driverRow {
	var rs []*driverRow
	for i := range drivers {
		if drivers[i].flag == flag || slices.Contains(drivers[i].settings, flag) {
			rs = append(rs, &drivers[i])
		}
	}
	return rs
}

// otherRowGiven reports whether the flag of a row other than rs was given
// on the command line (or in the environment) now.
func otherRowGiven(changed func(string) bool, rs ...*driverRow) bool {
	for i := range drivers {
		if !slices.Contains(rs, &drivers[i]) && changed(drivers[i].flag) {
			return true
		}
	}
	return false
}

// pickDriver returns the row whose flag is set: nil when none is, a usage
// error when several are.
func pickDriver(so *signinOptions) (*driverRow, error) {
	var got []*driverRow
	for i := range drivers {
		if drivers[i].selected(so) {
			got = append(got, &drivers[i])
		}
	}
	switch len(got) {
	case 0:
		return nil, nil
	case 1:
		return got[0], nil
	}
	flags := make([]string, len(got))
	for i, r := range got {
		flags[i] = "--" + r.flag
	}
	return nil, usagef("%s both given: use one", strings.Join(flags, " and "))
}

// defaultDriver is the row used when no IdP flag is set: the generic form
// driver, whose constructor names what is missing.
func defaultDriver() *driverRow {
	for i := range drivers {
		if drivers[i].name == "form" {
			return &drivers[i]
		}
	}
	return &drivers[len(drivers)-1]
}
