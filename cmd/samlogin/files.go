package main

import (
	"context"
	"fmt"

	"github.com/samlogin/samlogin/awsconfig"
)

// guardFiles prepares ctx and the user's folders for a command: what
// samlogin changes on its own (a file or folder mode it makes private) is
// said once on stderr, and samlogin's folder (~/.aws/samlogin) is checked
// before any command writes there: another user's folder, or a link to
// one, is refused; the user's own one open to others is made 0700.
func guardFiles(ctx context.Context, env *Env) (context.Context, error) {
	ctx = awsconfig.WithNotices(ctx, func(m string) { fmt.Fprintf(env.Stderr, "samlogin: %s\n", m) })
	if env.Home == "" {
		return ctx, nil
	}
	return ctx, awsconfig.CheckStateDir(ctx, env.Home)
}
