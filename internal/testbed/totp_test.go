package testbed

import (
	"encoding/base32"
	"testing"
	"time"
)

// The SHA-1 test vectors of RFC 6238, appendix B, cut to 6 digits.
func TestTOTP(t *testing.T) {
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	} {
		got, err := TOTP(secret, time.Unix(tc.unix, 0))
		if err != nil || got != tc.want {
			t.Errorf("TOTP at %d = %q, %v; want %q", tc.unix, got, err, tc.want)
		}
	}
	if _, err := TOTP("not base32!", time.Now()); err == nil {
		t.Error("TOTP accepted a secret that is not base32")
	}
}
