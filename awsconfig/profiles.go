package awsconfig

import (
	"context"
	"fmt"

	"github.com/samlogin/samlogin/awsconfig/ini"
)

// WriteProfiles writes several profiles (samlogin --all-roles) in one
// locked update of both files: each file is read, edited and replaced once,
// whatever the number of profiles. Every write is checked first; one that
// WriteProfile would refuse makes WriteProfiles write nothing. Two writes
// of the same profile are refused too.
func WriteProfiles(ctx context.Context, p Paths, ws []ProfileWrite) error {
	seen := make(map[string]bool, len(ws))
	for _, w := range ws {
		if err := checkWrite(w); err != nil {
			return err
		}
		if seen[w.Profile] {
			return fmt.Errorf("%w: profile %q is written twice", ErrInvalidProfile, w.Profile)
		}
		seen[w.Profile] = true
	}
	if len(ws) == 0 {
		return nil
	}
	return UpdateManyContext(ctx, []string{p.Config, p.Credentials}, func(files []*ini.File) error {
		for _, w := range ws {
			if err := applyWrite(files[0], files[1], w); err != nil {
				return err
			}
		}
		return nil
	})
}

// CheckProfileName reports whether name can be written as a profile: the
// same section in both files for every reader (no spaces, brackets, comment
// or control characters). The error wraps ErrInvalidProfile.
func CheckProfileName(name string) error { return checkName(name) }
