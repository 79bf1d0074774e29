package assertion

import (
	"fmt"
	"slices"
	"strings"
)

// Role is one role the assertion offers: the role to assume and the SAML
// provider (principal) that vouches for it.
type Role struct {
	RoleARN      string `json:"role_arn"`
	PrincipalARN string `json:"principal_arn"`
	AccountID    string `json:"account_id"`
	RoleName     string `json:"role_name"` // last path segment: "Admin" for role/path/Admin
	Partition    string `json:"partition"` // aws | aws-us-gov | aws-cn
}

// partitions are the AWS partitions a Role may be in.
var partitions = []string{"aws", "aws-us-gov", "aws-cn"}

// ARN is the parts of an IAM ARN this package validates.
type ARN struct {
	Partition string
	AccountID string
	Resource  string // after the account: "role/path/Name", "saml-provider/Name"
}

// parseIAMARN splits an IAM ARN arn:PARTITION:iam::ACCOUNT:RESOURCE and
// checks the partition and the 12-digit account id.
func parseIAMARN(arn string) (ARN, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ARN{}, fmt.Errorf("%q is not an arn (arn:PARTITION:iam::ACCOUNT:RESOURCE)", oneLine(arn, 120))
	}
	a := ARN{Partition: parts[1], AccountID: parts[4], Resource: parts[5]}
	switch {
	case !slices.Contains(partitions, a.Partition):
		return ARN{}, fmt.Errorf("%q has partition %q, not one of %s", oneLine(arn, 120), oneLine(a.Partition, 40), strings.Join(partitions, ", "))
	case parts[2] != "iam":
		return ARN{}, fmt.Errorf("%q is not an iam arn", oneLine(arn, 120))
	case parts[3] != "":
		return ARN{}, fmt.Errorf("%q has a region; iam arns have none", oneLine(arn, 120))
	case !isAccountID(a.AccountID):
		return ARN{}, fmt.Errorf("%q has account %q, not 12 digits", oneLine(arn, 120), oneLine(a.AccountID, 40))
	}
	return a, nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseRoleARN validates arn:PARTITION:iam::ACCOUNT:role/PATH/NAME and
// returns it as a Role with RoleARN, AccountID, RoleName and Partition set
// (PrincipalARN empty).
func ParseRoleARN(arn string) (Role, error) {
	a, err := parseIAMARN(arn)
	if err != nil {
		return Role{}, err
	}
	rest, ok := strings.CutPrefix(a.Resource, "role/")
	if !ok {
		return Role{}, fmt.Errorf("%q is not a role arn (…:role/NAME)", oneLine(arn, 120))
	}
	segs := strings.Split(rest, "/")
	for _, s := range segs[:len(segs)-1] {
		if s == "" || !validChars(s, isPathChar) {
			return Role{}, fmt.Errorf("%q has an invalid role path", oneLine(arn, 120))
		}
	}
	name := segs[len(segs)-1]
	if name == "" || len(name) > 64 || !validChars(name, isNameChar) {
		return Role{}, fmt.Errorf("%q has an invalid role name", oneLine(arn, 120))
	}
	return Role{RoleARN: arn, AccountID: a.AccountID, RoleName: name, Partition: a.Partition}, nil
}

// ParsePrincipalARN validates arn:PARTITION:iam::ACCOUNT:saml-provider/NAME.
func ParsePrincipalARN(arn string) (ARN, error) {
	a, err := parseIAMARN(arn)
	if err != nil {
		return ARN{}, err
	}
	name, ok := strings.CutPrefix(a.Resource, "saml-provider/")
	if !ok {
		return ARN{}, fmt.Errorf("%q is not a saml-provider arn (…:saml-provider/NAME)", oneLine(arn, 120))
	}
	if name == "" || len(name) > 128 || !validChars(name, isProviderChar) {
		return ARN{}, fmt.Errorf("%q has an invalid saml-provider name", oneLine(arn, 120))
	}
	return a, nil
}

// NewRole validates a role ARN and a SAML provider ARN and returns the Role.
// Both must be in the same partition.
func NewRole(roleARN, principalARN string) (Role, error) {
	r, err := ParseRoleARN(roleARN)
	if err != nil {
		return Role{}, err
	}
	p, err := ParsePrincipalARN(principalARN)
	if err != nil {
		return Role{}, err
	}
	if p.Partition != r.Partition {
		return Role{}, fmt.Errorf("the role (partition %q) and the saml provider (partition %q) must be in the same partition", r.Partition, p.Partition)
	}
	r.PrincipalARN = principalARN
	return r, nil
}

// ParseRolePair reads one value of the Role attribute: a role ARN and a
// SAML provider ARN separated by a comma, in either order, with optional
// whitespace around each. Errors are *RoleValueError.
func ParseRolePair(value string) (Role, error) {
	parts := strings.Split(value, ",")
	if len(parts) != 2 {
		return Role{}, &RoleValueError{Value: value, Reason: fmt.Sprintf("want two comma-separated arns, found %d part(s)", len(parts))}
	}
	x, y := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
	if isRoleResource(y) && !isRoleResource(x) {
		x, y = y, x
	}
	r, err := NewRole(x, y)
	if err != nil {
		return Role{}, &RoleValueError{Value: value, Reason: err.Error()}
	}
	return r, nil
}

// isRoleResource reports whether arn's resource starts with "role/".
func isRoleResource(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && strings.HasPrefix(parts[5], "role/")
}

func validChars(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// isNameChar: IAM role and SAML provider names, [\w+=,.@-].
func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("_+=,.@-", c) >= 0
}

// isProviderChar: SAML provider names, [\w._-].
func isProviderChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == '-'
}

// isPathChar: IAM path segments, printable ASCII except "/".
func isPathChar(c byte) bool { return c > ' ' && c < 0x7F && c != '/' }

// roleSet collects roles in order, dropping duplicates in linear time.
type roleSet struct {
	roles []Role
	seen  map[[2]string]struct{}
}

func (s *roleSet) add(value string) error {
	r, err := ParseRolePair(value)
	if err != nil {
		return err
	}
	if s.seen == nil {
		s.seen = make(map[[2]string]struct{})
	}
	k := [2]string{r.RoleARN, r.PrincipalARN}
	if _, dup := s.seen[k]; dup {
		return nil
	}
	s.seen[k] = struct{}{}
	s.roles = append(s.roles, r)
	return nil
}
