package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlogin/samlogin/assertion"
)

func newParseCmd(env *Env) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "parse [FILE|-]",
		Short: "Show what a saved SAMLResponse says: who, which roles, until when",
		Long: `parse reads a SAMLResponse saved from a browser (raw or wrapped base64, a
URL-encoded form body, the HTML page that carries it, or the decoded XML) and
prints its issuer, subject, roles, session name and duration, and validity.
It needs no network. With no FILE, or with -, it reads stdin.`,
		Example: `  samlogin parse samlresponse.log
  samlogin parse --output table samlresponse.log
  samlogin parse --output json samlresponse.log | jq -r '.roles[].role_arn'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := "-"
			if len(args) == 1 {
				name = args[0]
			}
			a, err := readAssertion(cmd.Context(), env, name)
			if err != nil {
				return err
			}
			return printAssertion(env, a, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text, table or json")
	return cmd
}

// readAssertion reads and parses a saved SAMLResponse from a file or stdin.
func readAssertion(ctx context.Context, env *Env, name string) (*assertion.Assertion, error) {
	var open func() (io.ReadCloser, error)
	src := name
	if name == "-" || name == "" {
		src = "stdin"
		open = func() (io.ReadCloser, error) { return io.NopCloser(env.Stdin), nil }
		if env.StdinTTY {
			fmt.Fprintln(env.Stderr, "samlogin: reading a SAMLResponse from the terminal; paste it, then press Enter and Ctrl-D")
		}
	} else {
		// A named pipe (<(cmd), mkfifo) is a fine source, but its open
		// blocks until a writer comes: it is part of the read that a
		// signal or --timeout ends.
		open = func() (io.ReadCloser, error) { return os.Open(name) }
	}
	data, err := readAll(ctx, open, assertion.MaxInputSize+1)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) && pe.Op == "open" {
		return nil, fmt.Errorf("read assertion: %w", err) // the error names the file
	}
	if err != nil {
		return nil, fmt.Errorf("read assertion from %s: %w", src, err)
	}
	a, err := assertion.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	return a, nil
}

// readAll reads r to the end, or until ctx is done (Ctrl-C while a terminal
// read blocks: the read is abandoned, and the process exits right after).
func readAll(ctx context.Context, open func() (io.ReadCloser, error), limit int64) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		r, err := open()
		if err != nil {
			done <- result{nil, err}
			return
		}
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, limit))
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		return res.data, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func printAssertion(env *Env, a *assertion.Assertion, output string) error {
	now := env.Now()
	switch output {
	case "json":
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(a.Summary(now))
	case "table":
		if a.Expired(now) {
			fmt.Fprintf(env.Stderr, "samlogin: warning: this assertion expired %s; STS will refuse it\n", ago(now, a.NotOnOrAfter))
		}
		return rolesTable(env.Stdout, a.Roles)
	case "text", "":
		return printText(env.Stdout, a, now)
	}
	return usagef("--output %q: use text, table or json", output)
}

func rolesTable(w io.Writer, roles []assertion.Role) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tROLE\tPARTITION\tROLE ARN\tPRINCIPAL ARN")
	for _, r := range roles {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.AccountID, r.RoleName, r.Partition, r.RoleARN, r.PrincipalARN)
	}
	return tw.Flush()
}

func printText(w io.Writer, a *assertion.Assertion, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	row("issuer", a.Issuer)
	row("subject", a.Subject)
	row("destination", a.Destination)
	row("audience", a.Audience)
	row("status", a.Status)
	row("session name", a.SessionName)
	if a.SessionDuration > 0 {
		row("session duration", fmt.Sprintf("%s (%d s)", time.Duration(a.SessionDuration)*time.Second, a.SessionDuration))
	}
	row("source identity", a.SourceIdentity)
	signed := []string{}
	if a.ResponseSigned {
		signed = append(signed, "response")
	}
	if a.AssertionSigned {
		signed = append(signed, "assertion")
	}
	if len(signed) == 0 {
		signed = append(signed, "no")
	}
	row("signed", strings.Join(signed, ", "))
	if !a.NotBefore.IsZero() {
		row("not before", localTime(a.NotBefore))
	}
	if !a.NotOnOrAfter.IsZero() {
		state := "valid for " + left(a.NotOnOrAfter.Sub(now))
		if a.Expired(now) {
			state = "EXPIRED " + ago(now, a.NotOnOrAfter)
		}
		row("not on or after", localTime(a.NotOnOrAfter)+" ("+state+")")
	}
	if len(a.Tags) > 0 {
		var tags []string
		for k, v := range a.Tags {
			tags = append(tags, k+"="+v)
		}
		slices.Sort(tags)
		row("session tags", strings.Join(tags, ", "))
	}
	row("transitive tags", strings.Join(a.TransitiveTagKeys, ", "))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nroles (%d):\n", len(a.Roles))
	return rolesTable(w, a.Roles)
}
