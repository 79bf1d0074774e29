package main

import "testing"

func TestPickDriver(t *testing.T) {
	for _, tc := range []struct {
		so   signinOptions
		want string // row name, or the usage error
	}{
		{signinOptions{}, ""},
		{signinOptions{adfsHost: "adfs.example.com"}, "adfs"},
		{signinOptions{idpURL: "https://idp.example.com/start"}, "form"},
		{signinOptions{onelogin: oneLoginOptions{subdomain: "corp"}}, "onelogin"},
		{signinOptions{adfsHost: "a", idpURL: "https://b"}, "--adfs-host and --idp-url both given: use one"},
		{signinOptions{adfsHost: "a", onelogin: oneLoginOptions{subdomain: "corp"}}, "--adfs-host and --onelogin-subdomain both given: use one"},
	} {
		row, err := pickDriver(&tc.so)
		got := ""
		switch {
		case err != nil:
			got = err.Error()
			if exitCode(err) != exitUsage {
				t.Errorf("%q: exit %d, want 2", got, exitCode(err))
			}
		case row != nil:
			got = row.name
		}
		if got != tc.want {
			t.Errorf("pickDriver(%+v) = %q, want %q", tc.so, got, tc.want)
		}
	}
	for _, r := range drivers {
		if r.flag == "" || r.selected == nil || r.describe == nil || r.build == nil {
			t.Errorf("row %q lacks a field", r.name)
		}
		if rowsOfSetting(r.flag) == nil {
			t.Errorf("row %q: its flag belongs to no row", r.name)
		}
	}
}
