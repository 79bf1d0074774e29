package awsconfig_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/samlogin/samlogin/awsconfig"
	"github.com/samlogin/samlogin/awsconfig/ini"
	"github.com/samlogin/samlogin/internal/secret"
)

// helperEnv makes the test binary act as a separate writer process (see
// TestMain): "write" runs one WriteProfile, "rewrite" rewrites a file in a
// loop until killed.
const helperEnv = "SAMLOGIN_AWSCONFIG_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "write":
		os.Exit(helperWrite())
	case "rewrite":
		os.Exit(helperRewrite())
	default:
		fmt.Fprintln(os.Stderr, "unknown helper", os.Getenv(helperEnv))
		os.Exit(2)
	}
}

func helperWrite() int {
	p := awsconfig.Paths{Config: os.Getenv("HELPER_CONFIG"), Credentials: os.Getenv("HELPER_CREDENTIALS")}
	if err := awsconfig.WriteProfile(context.Background(), p, testWrite(os.Getenv("HELPER_PROFILE"))); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// helperRewrite sets the generation key of a large file to 1, 2, 3, ...
// printing each generation once it is written.
func helperRewrite() int {
	path := os.Getenv("HELPER_FILE")
	for gen := 1; ; gen++ {
		err := awsconfig.Update(path, func(f *ini.File) error {
			return f.Set(genSection, "x_generation", strconv.Itoa(gen))
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(gen)
	}
}

const genSection = "profile last"

// testWrite is the ProfileWrite the tests use for a profile.
func testWrite(profile string) awsconfig.ProfileWrite {
	return awsconfig.ProfileWrite{
		Profile:         profile,
		AccessKeyID:     "ASIA" + profile,
		SecretAccessKey: secret.New("secret-" + profile),
		SessionToken:    secret.New("token/" + profile + "+=="),
		Expiration:      time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600)),
		PrincipalARN:    "arn:aws:sts::123456789012:assumed-role/Admin/" + profile,
		Region:          "eu-west-1",
		Output:          "json",
		Settings:        map[string]string{"samlogin_url": "https://idp.example.com/sso", "samlogin_role_arn": "arn:aws:iam::123456789012:role/Admin"},
		Chains:          []awsconfig.Chain{{Name: profile + "-chain", RoleARN: "arn:aws:iam::210987654321:role/Other"}},
	}
}
