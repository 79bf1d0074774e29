package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// valueFlags are the flags whose values the shells complete.
var valueFlags = []string{"format", "partition", "aws-output", "output"}

// flagValues are the values of a value flag of command cmd (a function, not
// a map: credential-process's fast path pays nothing for it).
func flagValues(cmd, flag string) []string {
	switch flag {
	case "format":
		return []string{"bash", "env-no-export", "fish", "powershell", "cmd", "json"}
	case "partition":
		return []string{"aws", "aws-us-gov", "aws-cn"}
	case "aws-output":
		return []string{"json", "text", "table", "yaml", "yaml-stream"}
	case "output":
		if cmd == "parse" {
			return []string{"text", "table", "json"}
		}
		return []string{"text", "json"}
	}
	return nil
}

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
		for _, name := range valueFlags {
			if fs.Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(flagValues(c.Name(), name), cobra.ShellCompDirectiveNoFileComp))
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// profileNames lists the profiles of the AWS config and credentials files,
// sorted (awsconfig.Store.Names). Unreadable files give none.
func profileNames(env *Env) []string {
	names, _ := newStore(env, &loginOptions{}).Names()
	slices.Sort(names)
	return names
}
