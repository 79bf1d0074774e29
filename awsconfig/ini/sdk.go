package ini

import "strings"

// The functions in this file follow aws-sdk-go-v2's config/internal/ini
// (tokenize.go, strings.go) so that this package reads a line as the SDK
// does. Keep them in step with it.

func isLineComment(line string) bool {
	trimmed := strings.TrimLeft(line, " \t")
	return strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";")
}

// asSection reads " [ type name ] ; comment" as "type name".
func asSection(line string) (string, bool) {
	r, _, _ := strings.Cut(line, "#")
	r, _, _ = strings.Cut(r, ";")
	r = strings.TrimSpace(r)
	if !isBracketed(r) || len(r) < 2 {
		return "", false
	}
	return NormalizeSection(r[1 : len(r)-1]), true
}

// asProperty reads a line that does not start with a space or tab.
func asProperty(line string) (key, value string, ok bool) {
	t := strings.TrimRight(trimPropertyComment(line), " \t")
	k, v, ok := splitProperty(t)
	if !ok {
		return "", "", false
	}
	return strings.ToLower(k), unquote(v), true
}

func trimPropertyComment(s string) string {
	r, _, _ := strings.Cut(s, " #")
	r, _, _ = strings.Cut(r, " ;")
	r, _, _ = strings.Cut(r, "\t#")
	r, _, _ = strings.Cut(r, "\t;")
	return r
}

// sepIndex returns the index of the '=' (or, when it comes first, ':') that
// separates key and value, or -1.
func sepIndex(s string) int {
	e := strings.IndexByte(s, '=')
	c := strings.IndexByte(s, ':')
	if e == -1 || c != -1 && c < e {
		return c
	}
	return e
}

func splitProperty(s string) (string, string, bool) {
	i := sepIndex(s)
	if i < 0 {
		return "", "", false
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:]), true
}

// splitProfile splits "type name" at the first run of spaces or tabs.
func splitProfile(s string) (string, string) {
	var first int
	for i, r := range s {
		if isLineSpace(byte(r)) && r < 0x80 {
			if first == 0 {
				first = i
			}
		} else if first != 0 {
			return s[:first], s[i:]
		}
	}
	if first == 0 {
		return "", s
	}
	return "", ""
}

func isLineSpace(b byte) bool { return b == ' ' || b == '\t' }

// unquote strips matching quotes. (The SDK slices out of range on a lone
// quote character; this returns it unchanged.)
func unquote(s string) string {
	if len(s) >= 2 && (isSingleQuoted(s) || isDoubleQuoted(s)) {
		return s[1 : len(s)-1]
	}
	return s
}

func isSingleQuoted(s string) bool { return strings.HasPrefix(s, "'") && strings.HasSuffix(s, "'") }
func isDoubleQuoted(s string) bool { return strings.HasPrefix(s, `"`) && strings.HasSuffix(s, `"`) }
func isBracketed(s string) bool    { return strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") }
