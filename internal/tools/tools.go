//go:build tools

// Package tools pins the module dependencies that the packages below are being written against.
package tools

import (
	_ "github.com/AlecAivazis/survey/v2"
	_ "github.com/PuerkitoBio/goquery"
	_ "github.com/aws/aws-sdk-go-v2/aws"
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/credentials"
	_ "github.com/aws/aws-sdk-go-v2/service/sts"
	_ "github.com/beevik/etree"
	_ "github.com/gofrs/flock"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/spf13/cobra"
	_ "golang.org/x/term"
)
