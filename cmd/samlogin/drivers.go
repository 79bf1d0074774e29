package main

import (
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
	// describe names the IdP as configured: the setting as given, which
	// keys the caches.
	describe func(so *signinOptions) string
	// build makes the driver; rp is the relying party (ADFS).
	build func(so *signinOptions, rp string, deps idp.Deps) (idp.Driver, error)
}

// drivers is the explicit table of drivers, in the order a row is looked
// up. Exactly one row's flag may be set.
var drivers = []driverRow{
	{
		name:     "adfs",
		flag:     "adfs-host",
		selected: func(so *signinOptions) bool { return so.adfsHost != "" },
		describe: func(so *signinOptions) string { return so.adfsHost },
		build: func(so *signinOptions, rp string, deps idp.Deps) (idp.Driver, error) {
			return adfs.New(adfs.Config{Host: so.adfsHost, LoginToRP: rp, AllowHosts: so.allowHosts}, deps)
		},
	},
	{
		name:     "form",
		flag:     "idp-url",
		selected: func(so *signinOptions) bool { return so.idpURL != "" },
		describe: func(so *signinOptions) string { return so.idpURL },
		build: func(so *signinOptions, rp string, deps idp.Deps) (idp.Driver, error) {
			return form.New(form.Config{URL: so.idpURL, AllowHosts: so.allowHosts}, deps)
		},
	},
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
