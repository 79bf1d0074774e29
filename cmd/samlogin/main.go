// Command samlogin signs in to AWS through a SAML identity provider (ADFS or
// any SAML portal) and writes temporary credentials to the AWS CLI's files.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], systemEnv())
	stop()
	os.Exit(code)
}
