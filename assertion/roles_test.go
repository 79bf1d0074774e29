package assertion

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseRoleARN(t *testing.T) {
	tests := []struct {
		arn     string
		want    Role
		wantErr bool
	}{
		{arn: "arn:aws:iam::123456789012:role/Admin", want: Role{RoleARN: "arn:aws:iam::123456789012:role/Admin", AccountID: "123456789012", RoleName: "Admin", Partition: "aws"}},
		{arn: "arn:aws-us-gov:iam::123456789012:role/path/to/Ops", want: Role{RoleARN: "arn:aws-us-gov:iam::123456789012:role/path/to/Ops", AccountID: "123456789012", RoleName: "Ops", Partition: "aws-us-gov"}},
		{arn: "arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f_g-h", want: Role{RoleARN: "arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f_g-h", AccountID: "123456789012", RoleName: "a+b=c,d.e@f_g-h", Partition: "aws-cn"}},
		{arn: "arn:aws:iam::123456789012:saml-provider/P", wantErr: true},
		{arn: "arn:aws:iam::123456789012:user/Admin", wantErr: true},
		{arn: "arn:aws:iam::123456789012:role/" + string(make([]byte, 65)), wantErr: true},
		{arn: "arn:aws:iam::1234567890123:role/A", wantErr: true},
		{arn: "arn:aws:iam::12345678901a:role/A", wantErr: true},
		{arn: "arn:aws:iam::123456789012", wantErr: true},
		{arn: " arn:aws:iam::123456789012:role/A", wantErr: true},
		{arn: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseRoleARN(tt.arn)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseRoleARN(%q) err = %v, wantErr %v", tt.arn, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseRoleARN(%q) (-want +got):\n%s", tt.arn, diff)
		}
	}
}

func TestParseRolePairOrderAndWhitespace(t *testing.T) {
	want := Role{
		RoleARN:      "arn:aws-us-gov:iam::123456789012:role/Admin",
		PrincipalARN: "arn:aws-us-gov:iam::123456789012:saml-provider/ADFS",
		AccountID:    "123456789012", RoleName: "Admin", Partition: "aws-us-gov",
	}
	for _, v := range []string{
		want.RoleARN + "," + want.PrincipalARN,
		want.PrincipalARN + "," + want.RoleARN,
		"  " + want.PrincipalARN + "\t,\r\n " + want.RoleARN + "\n",
	} {
		got, err := ParseRolePair(v)
		if err != nil {
			t.Fatalf("ParseRolePair(%q): %v", v, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseRolePair(%q) (-want +got):\n%s", v, diff)
		}
	}
}

func TestMatchRoles(t *testing.T) {
	a := &Assertion{Roles: []Role{
		role("arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::123456789012:saml-provider/P", "123456789012", "Admin", "aws"),
		role("arn:aws:iam::123456789012:role/AdminReadOnly", "arn:aws:iam::123456789012:saml-provider/P", "123456789012", "AdminReadOnly", "aws"),
		role("arn:aws:iam::210987654321:role/ops/Admin", "arn:aws:iam::210987654321:saml-provider/P", "210987654321", "Admin", "aws"),
		role("arn:aws:iam::210987654321:role/Deploy", "arn:aws:iam::210987654321:saml-provider/P", "210987654321", "Deploy", "aws"),
	}}
	names := func(rs []Role) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.RoleARN)
		}
		return out
	}
	r := names(a.Roles)
	tests := []struct {
		pattern string
		want    []string
	}{
		{"admin", []string{r[0], r[2]}},                  // exact names win over the substring AdminReadOnly
		{"210987654321", []string{r[2], r[3]}},           // account id
		{"readonly", []string{r[1]}},                     // substring, case-insensitive
		{"ops/", []string{r[2]}},                         // substring of the path
		{"  DEPLOY ", []string{r[3]}},                    // trimmed
		{"arn:aws:iam::123456789012:role/Admin", r[0:1]}, // whole ARN is exact, not also AdminReadOnly
		{"", r},
		{"nothing", nil},
	}
	for _, tt := range tests {
		got := names(a.MatchRoles(tt.pattern))
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("MatchRoles(%q) (-want +got):\n%s", tt.pattern, diff)
		}
	}

	if got, ok := a.Role(r[3]); !ok || got.RoleName != "Deploy" {
		t.Errorf("Role(%q) = %+v, %v", r[3], got, ok)
	}
	if _, ok := a.Role("arn:aws:iam::210987654321:role/Nope"); ok {
		t.Error("Role found a role that is not there")
	}
}
