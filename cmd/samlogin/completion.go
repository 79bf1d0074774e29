package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/samlogin/samlogin/awsconfig"
)

// flagValues are the values the shells complete for a flag, by flag name,
// and for --output by command (parse has a table).
var flagValues = map[string][]string{
	"format":     {"bash", "env-no-export", "fish", "powershell", "cmd", "json"},
	"partition":  {"aws", "aws-us-gov", "aws-cn"},
	"aws-output": {"json", "text", "table", "yaml", "yaml-stream"},
	"output":     {"text", "json"},
}

var outputValues = map[string][]string{"parse": {"text", "table", "json"}}

// registerCompletions gives every command's --profile the profiles of the
// AWS files and its value flags their values (`completion`'s shells are
// its subcommands, which cobra completes).
// Only the cobra path calls it: credential-process's fast path never does.
func registerCompletions(root *cobra.Command, env *Env) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		fs := c.Flags()
		if fs.Lookup("profile") != nil {
			_ = c.RegisterFlagCompletionFunc("profile", func(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
				var out []cobra.Completion
				for _, p := range profileNames(env) {
					if strings.HasPrefix(p, prefix) {
						out = append(out, p)
					}
				}
				return out, cobra.ShellCompDirectiveNoFileComp
			})
		}
		for name, values := range flagValues {
			if fs.Lookup(name) == nil {
				continue
			}
			if name == "output" && outputValues[c.Name()] != nil {
				values = outputValues[c.Name()]
			}
			_ = c.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// profileNames lists the profiles of the AWS config and credentials files
// (sections "default" and "profile X" of the config, every section of the
// credentials), sorted, each once. An unreadable file adds none.
func profileNames(env *Env) []string {
	paths := awsconfig.DefaultPaths(env.Getenv, env.Home)
	var names []string
	if f, err := awsconfig.Read(paths.Config); err == nil {
		for _, s := range f.Sections() {
			if s == "default" {
				names = append(names, s)
			} else if p, ok := strings.CutPrefix(s, "profile "); ok {
				names = append(names, strings.TrimSpace(p))
			}
		}
	}
	if f, err := awsconfig.Read(paths.Credentials); err == nil {
		names = append(names, f.Sections()...)
	}
	slices.Sort(names)
	return slices.Compact(names)
}
