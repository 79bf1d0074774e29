package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/samlogin/samlogin/assertion"
)

func TestRoleOptions(t *testing.T) {
	role := func(account, path, name string) assertion.Role {
		return assertion.Role{AccountID: account, RoleName: name, RoleARN: "arn:aws:iam::" + account + ":role/" + path + name}
	}
	short := []assertion.Role{role("123456789012", "", "Admin"), role("210987654321", "", "ReadOnly")}
	got := roleOptions(short)
	want := []string{
		"123456789012  Admin     arn:aws:iam::123456789012:role/Admin",
		"210987654321  ReadOnly  arn:aws:iam::210987654321:role/ReadOnly",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("short roles:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Long names and paths: every row fits, and two roles that differ only
	// at the end of a long path stay apart.
	long := []assertion.Role{
		role("123456789012", "engineering/platform/production/", "PlatformEngineeringAdministratorAccess"),
		role("123456789012", "engineering/platform/production/", "PlatformEngineeringReadOnlyAccess"),
		role("123456789012", "", "Admin"),
	}
	got = roleOptions(long)
	for _, row := range got {
		if n := utf8.RuneCountInString(row); n > pickerWidth {
			t.Errorf("row of %d columns (want at most %d): %q", n, pickerWidth, row)
		}
	}
	if got[0] == got[1] {
		t.Errorf("two roles, one row: %q", got[0])
	}
	for i, suffix := range []string{"EngineeringAdministratorAccess", "EngineeringReadOnlyAccess", "role/Admin"} {
		if !strings.HasSuffix(got[i], suffix) {
			t.Errorf("row %d = %q: the end of the ARN is cut", i, got[i])
		}
	}
	if want := "123456789012  PlatformEngineeringAdmi…  …"; !strings.HasPrefix(got[0], want) {
		t.Errorf("row 0 = %q, want it to start %q", got[0], want)
	}
	if want := "123456789012  Admin                     arn:aws:iam::123456789012:role/Admin"; got[2] != want {
		t.Errorf("row 2 = %q, want %q", got[2], want)
	}
}
