package main

import (
	"time"

	"github.com/samlogin/samlogin/awsconfig"
)

// statusFixture is one managed profile in the shape kind names: valid (an
// hour left), expired (two hours ago), none (no credentials), cp
// (credential_process).
func statusFixture(kind string, now time.Time) []awsconfig.Managed {
	m := awsconfig.Managed{Name: "p", Settings: map[string]string{"samlogin_role_arn": "arn:aws:iam::123456789012:role/Admin"}}
	switch kind {
	case "valid":
		m.HasCredentials, m.Expires = true, now.Add(time.Hour)
	case "expired":
		m.HasCredentials, m.Expires = true, now.Add(-2*time.Hour)
	case "cp":
		m.CredentialProcess = "samlogin credential-process --profile p"
	}
	return []awsconfig.Managed{m}
}
