package main

import (
	"time"

	"github.com/samlogin/samlogin/awsconfig"
)

// statusFixture is one managed profile in the shape kind names: valid (an
// hour left), expired (two hours ago), none (no credentials), cp
// (credential_process, with cached credentials valid for cached, or none
// when cached is 0).
func statusFixture(kind string, now time.Time, cached time.Duration) []*awsconfig.Profile {
	p := &awsconfig.Profile{Name: "p", Exists: true, Managed: true, Source: awsconfig.SourceNone,
		Identity: awsconfig.Identity{RoleARN: "arn:aws:iam::123456789012:role/Admin"}}
	switch kind {
	case "valid":
		p.Source, p.Credentials = awsconfig.SourceFile, &awsconfig.Credentials{Expiration: now.Add(time.Hour)}
	case "expired":
		p.Source, p.Credentials = awsconfig.SourceFile, &awsconfig.Credentials{Expiration: now.Add(-2 * time.Hour)}
	case "cp":
		p.Source = awsconfig.SourceProcess
		if cached != 0 {
			p.Credentials = &awsconfig.Credentials{Expiration: now.Add(cached)}
		}
	}
	return []*awsconfig.Profile{p}
}
