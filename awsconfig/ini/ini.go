// Package ini edits AWS shared config and credentials files without
// disturbing the bytes it does not own.
//
// A File is a list of lines, each keeping its original bytes and line ending
// ("\n", "\r\n" or none on a last line). Bytes of an unmodified File are the
// input, always. Set, Delete and DeleteSection change only the lines of the
// key or section they name.
//
// Lines are read the way aws-sdk-go-v2's config loader reads them
// (config/internal/ini), so that Get returns what the SDK would see:
//
//   - a line is split on "\n" only; a "\r" before it is trimmed as space;
//   - blank lines and lines whose first non-space byte is '#' or ';' are
//     comments;
//   - "[ type   name ] ; comment" is the section "type name" (the whitespace
//     between the first word and the rest becomes one space, the name is
//     trimmed); section names are case-sensitive;
//   - "key = value" (or "key: value") is a key; keys are case-insensitive;
//     an inline comment starts at " #", " ;", "\t#" or "\t;", so "a#b" is a
//     value and "a #b" is "a"; a value wrapped in matching quotes is read
//     without them;
//   - an indented "key = value" line after a key whose value is empty
//     ("s3 =") belongs to that key's nested block and is not a key of the
//     section; after a key with a value it is a key of the section;
//   - any other indented line continues the value of the key above it;
//   - keys before the first section are ignored, as the SDK ignores them.
//
// A line that is none of these is a *ParseError: the SDK would silently skip
// it, and an editor that does not understand a line should not rewrite the
// file around it.
//
// Duplicate sections are merged by the SDK, the later key winning. Get
// follows that rule; Set edits the line the SDK reads (the last definition of
// the key) and appends a new key to the last occurrence of the section, so
// that what Set writes is what readers see.
package ini

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseError is returned by Parse for a line that is not a section header,
// a key, a comment, a blank line or a continuation.
type ParseError struct {
	Line   int    // 1-based line number
	Text   string // the line, without its line ending
	Reason string
}

func (e *ParseError) Error() string {
	// The text is shortened: a stray line in a credentials file may be a
	// pasted secret.
	t := e.Text
	if utf8.RuneCountInString(t) > 24 {
		t = string([]rune(t)[:20]) + "..."
	}
	return fmt.Sprintf("line %d: %s, found %q", e.Line, e.Reason, t)
}

type kind uint8

const (
	kindBlank   kind = iota
	kindComment      // whole-line comment
	kindSection      // [section]
	kindKey          // a key of the current section, as the SDK sees it
	kindNested       // indented key = value inside a nested block ("s3 =")
	kindCont         // continuation of the value above
)

type line struct {
	text  string // original bytes, including the line ending
	kind  kind
	sect  string // the section this line is in ("" before any section)
	name  string // kindSection: section name; kindKey, kindNested: lower-case key
	value string // kindKey: the value the SDK reads from this line alone
	owner int    // kindNested, kindCont: index of the key line above, or -1
}

// content is the line as the SDK sees it: without "\n", with any "\r".
func (l *line) content() string { return strings.TrimSuffix(l.text, "\n") }

// eol is the line's ending.
func (l *line) eol() string {
	switch {
	case strings.HasSuffix(l.text, "\r\n"):
		return "\r\n"
	case strings.HasSuffix(l.text, "\n"):
		return "\n"
	}
	return ""
}

// File is a parsed config or credentials file. The zero value is an empty
// file.
type File struct {
	lines []line
}

// Parse splits data into lines and classifies them. The returned error is a
// *ParseError naming the first line that cannot be read.
func Parse(data []byte) (*File, error) {
	s := string(data)
	// A run of blank and comment lines is one entry: nothing edits inside
	// it, and a file of a million blank lines must not cost a million
	// entries (80 bytes each). Counting the entries
	// first sizes the slice exactly: memory stays proportional to the bytes.
	n := 0
	splitRuns(s, func(string, kind) { n++ })
	// Room for the lines one Set adds (a blank line, a section, a key), so
	// that an edit does not copy every entry.
	f := &File{lines: make([]line, 0, n+3)}
	splitRuns(s, func(t string, k kind) { f.lines = append(f.lines, line{text: t, kind: k}) })
	if err := f.analyze(); err != nil {
		return nil, err
	}
	return f, nil
}

// splitRuns calls fn with each line of s, a run of blank and comment
// lines being one call: of kind kindBlank when all its lines are blank,
// else kindComment.
func splitRuns(s string, fn func(text string, k kind)) {
	start, pos, run := 0, 0, kind(255) // the open entry is s[start:pos], of kind run
	for pos < len(s) {
		i := strings.IndexByte(s[pos:], '\n')
		if i < 0 {
			i = len(s) - pos - 1
		}
		c := strings.TrimSuffix(s[pos:pos+i+1], "\n")
		k := kindKey // anything that is not part of a run
		switch {
		case strings.TrimSpace(c) == "":
			k = kindBlank
		case isLineComment(c):
			k = kindComment
		}
		switch {
		case pos > start && isTrivia(k) && isTrivia(run):
			run = max(run, k) // kindComment once a comment joins
		default:
			if pos > start {
				fn(s[start:pos], run)
			}
			start, run = pos, k
		}
		pos += i + 1
	}
	if pos > start {
		fn(s[start:pos], run)
	}
}

func isTrivia(k kind) bool { return k == kindBlank || k == kindComment }

// isRun reports whether text holds more than one line (a run of blank and
// comment lines): its kind is the one Parse gave it.
func isRun(text string) bool {
	i := strings.IndexByte(text, '\n')
	return i >= 0 && i < len(text)-1
}

// endsBlank reports whether the last line of entry i is a blank line.
func (f *File) endsBlank(i int) bool {
	l := &f.lines[i]
	if l.kind != kindBlank && l.kind != kindComment {
		return false
	}
	t := strings.TrimSuffix(l.text, "\n")
	return strings.TrimSpace(t[strings.LastIndexByte(t, '\n')+1:]) == ""
}

// splitBlankEdge splits the run at i so that its leading (lead) or
// trailing blank lines become an entry of their own, and reports whether
// it split (the entries after i then move by one).
func (f *File) splitBlankEdge(i int, lead bool) bool {
	l := f.lines[i]
	if l.kind != kindComment || !isRun(l.text) {
		return false
	}
	lines := strings.SplitAfter(l.text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	cut := 0 // lines[:cut] and lines[cut:] become the two entries
	if lead {
		for cut < len(lines) && blank(lines[cut]) {
			cut++
		}
	} else {
		cut = len(lines)
		for cut > 0 && blank(lines[cut-1]) {
			cut--
		}
	}
	if cut == 0 || cut == len(lines) {
		return false
	}
	at := len(strings.Join(lines[:cut], ""))
	first, second := line{text: l.text[:at], kind: kindComment}, line{text: l.text[at:], kind: kindComment}
	if lead {
		first.kind = kindBlank
	} else {
		second.kind = kindBlank
	}
	f.lines = slices.Insert(f.lines, i+1, second)
	f.lines[i] = first
	return true
}

// analyze classifies every line, following the SDK's tokenizer and parser.
func (f *File) analyze() error {
	sect := ""
	ckey := -1 // current key line: the target of nested and continuation lines
	ckeyEmpty := false
	lineNo := 1 // of the entry's first line
	for i := range f.lines {
		l := &f.lines[i]
		c := l.content()
		l.sect, l.owner, l.name, l.value = sect, -1, "", ""
		n := lineNo
		lineNo += strings.Count(l.text, "\n")
		switch {
		case isRun(l.text):
			// a run of blank and comment lines: kind as Parse found it
		case strings.TrimSpace(c) == "":
			l.kind = kindBlank
		case isLineComment(c):
			l.kind = kindComment
		default:
			if name, ok := asSection(c); ok {
				l.kind, l.name = kindSection, name
				sect, ckey = name, -1
				l.sect = name
				continue
			}
			if !isLineSpace(c[0]) {
				k, v, ok := asProperty(c)
				if !ok {
					return &ParseError{Line: n, Text: strings.TrimSuffix(c, "\r"), Reason: "expected [section] or key = value"}
				}
				l.kind, l.name, l.value = kindKey, k, v
				if sect != "" {
					ckey, ckeyEmpty = i, v == ""
					if k == "" {
						ckey = -1
					}
				}
				continue
			}
			k, v, ok := splitProperty(strings.TrimLeft(c, " \t"))
			switch {
			case ok && (ckey < 0 || !ckeyEmpty):
				// The SDK reads an indented key after a key with a value
				// (or with no key above) as a key of the section.
				v = strings.TrimSpace(trimPropertyComment(unquote(v)))
				l.kind, l.name, l.value = kindKey, strings.ToLower(k), v
				if sect != "" {
					ckey, ckeyEmpty = i, v == ""
					if k == "" {
						ckey = -1
					}
				}
			case ok:
				l.kind, l.name, l.owner = kindNested, strings.ToLower(k), ckey
			default:
				l.kind, l.owner = kindCont, ckey
			}
		}
	}
	return nil
}

// Bytes returns the file's contents.
func (f *File) Bytes() []byte {
	n := 0
	for i := range f.lines {
		n += len(f.lines[i].text)
	}
	b := make([]byte, 0, n)
	for i := range f.lines {
		b = append(b, f.lines[i].text...)
	}
	return b
}

// Sections returns the names of the sections in the order they first appear,
// each once, as the SDK names them ("default", "profile x", "sso-session y",
// "services z").
func (f *File) Sections() []string {
	var names []string
	seen := map[string]bool{}
	for i := range f.lines {
		if l := &f.lines[i]; l.kind == kindSection && !seen[l.name] {
			seen[l.name] = true
			names = append(names, l.name)
		}
	}
	return names
}

// HasSection reports whether the section appears in the file. The name is
// matched as the SDK matches it, so "profile  x " finds "[ profile x ]".
func (f *File) HasSection(name string) bool {
	name = NormalizeSection(name)
	for i := range f.lines {
		if l := &f.lines[i]; l.kind == kindSection && l.name == name {
			return true
		}
	}
	return false
}

// Get returns the value the SDK reads for key in section: the last
// definition, across duplicate sections, with continuation lines joined by
// "\n". A key with a nested block ("s3 =") has the value "".
func (f *File) Get(section, key string) (string, bool) {
	i := f.lastKey(NormalizeSection(section), strings.ToLower(key))
	if i < 0 {
		return "", false
	}
	v := f.lines[i].value
	if v == "" {
		return v, true
	}
	for j := i + 1; j < len(f.lines); j++ {
		l := &f.lines[j]
		if l.kind == kindCont && l.owner == i {
			v += "\n" + strings.TrimLeft(l.content(), " \t")
		} else if l.kind != kindBlank && l.kind != kindComment {
			break
		}
	}
	return v, true
}

// Keys returns the lower-case keys of section in the order they first
// appear, each once. Keys inside nested blocks are not included.
func (f *File) Keys(section string) []string {
	section = NormalizeSection(section)
	if section == "" {
		return nil
	}
	var keys []string
	seen := map[string]bool{}
	for i := range f.lines {
		l := &f.lines[i]
		if l.kind == kindKey && l.sect == section && !seen[l.name] {
			seen[l.name] = true
			keys = append(keys, l.name)
		}
	}
	return keys
}

func (f *File) lastKey(section, key string) int {
	if section == "" {
		return -1
	}
	for i := len(f.lines) - 1; i >= 0; i-- {
		l := &f.lines[i]
		if l.kind == kindKey && l.sect == section && l.name == key {
			return i
		}
	}
	return -1
}

// itemEnd returns the index after the last line that belongs to the key on
// line i: its nested block or continuation lines.
func (f *File) itemEnd(i int) int {
	end := i + 1
	for j := i + 1; j < len(f.lines); j++ {
		l := &f.lines[j]
		switch {
		case (l.kind == kindNested || l.kind == kindCont) && l.owner == i:
			end = j + 1
		case l.kind == kindBlank || l.kind == kindComment:
		default:
			return end
		}
	}
	return end
}

// nextSignificant returns the index of the first line at or after i that is
// not blank or a comment, or len(f.lines).
func (f *File) nextSignificant(i int) int {
	for ; i < len(f.lines); i++ {
		if k := f.lines[i].kind; k != kindBlank && k != kindComment {
			return i
		}
	}
	return i
}

// Errors returned by Set for values it refuses to write.
var (
	ErrSection = errors.New("invalid section name")
	ErrKey     = errors.New("invalid key")
	ErrValue   = errors.New("invalid value")
)

// Set gives key the value in section.
//
// An existing key is edited in place on the line the SDK reads (its last
// definition), keeping the key's spelling, the spacing around '=', any
// inline comment and the line ending; a nested block or continuation lines
// under it are removed, being part of the old value. A new key is added
// after the last key of the section's last occurrence, before the blank and
// comment lines that precede the next section. A new section is added at
// the end of the file after one blank line, using the file's line ending.
//
// Set refuses (with ErrSection, ErrKey or ErrValue) what the SDK would not
// read back unchanged: a value with a line break or other control
// character, leading or trailing space, a " #" or " ;" comment marker, a
// leading '#' or ';', or wrapping quotes. Error messages never contain the
// value, which may be a secret.
func (f *File) Set(section, key, value string) error {
	section = NormalizeSection(section)
	if err := validSection(section); err != nil {
		return err
	}
	if err := validKey(key); err != nil {
		return err
	}
	if err := validValue(value); err != nil {
		return fmt.Errorf("%w for key %q: %s", ErrValue, key, err)
	}
	lkey := strings.ToLower(key)

	if i := f.lastKey(section, lkey); i >= 0 {
		old := &f.lines[i]
		end := f.itemEnd(i)
		if value == "" && old.value != "" {
			// An empty value turns the indented keys after it into a
			// nested block; refuse rather than change their meaning.
			if n := f.nextSignificant(end); n < len(f.lines) && f.lines[n].kind == kindKey && isLineSpace(f.lines[n].text[0]) {
				return fmt.Errorf("%w for key %q: an empty value would nest the indented keys below it", ErrValue, key)
			}
		}
		text := replaceValue(old.content(), old.eol(), key, value)
		f.lines = slices.Replace(f.lines, i, end, line{text: text})
		return f.mustAnalyze()
	}

	sep := " = "
	at := -1 // insert after this line
	for i := len(f.lines) - 1; i >= 0; i-- {
		l := &f.lines[i]
		if l.kind == kindSection && l.name == section {
			at = i
			for j := i + 1; j < len(f.lines) && f.lines[j].kind != kindSection; j++ {
				switch f.lines[j].kind {
				case kindKey:
					if s, ok := keySeparator(f.lines[j].content()); ok {
						sep = s
					}
					at = j
				case kindNested, kindCont:
					at = j
				}
			}
			break
		}
	}
	if at >= 0 {
		eol := f.terminate(at)
		ins := line{text: key + sep + value + eol}
		f.lines = slices.Insert(f.lines, at+1, ins)
		return f.mustAnalyze()
	}

	eol := f.style()
	if n := len(f.lines); n > 0 {
		f.terminate(n - 1)
		if !f.endsBlank(n - 1) {
			f.lines = append(f.lines, line{text: eol})
		}
	}
	f.lines = append(f.lines, line{text: "[" + section + "]" + eol}, line{text: key + sep + value + eol})
	return f.mustAnalyze()
}

// mustAnalyze re-reads the lines after an edit. Edits write only lines that
// parse, so an error here is a bug.
func (f *File) mustAnalyze() error {
	if err := f.analyze(); err != nil {
		return fmt.Errorf("ini: internal error: edit produced an unreadable file: %w", err)
	}
	return nil
}

// terminate gives line i a line ending if it has none and returns the
// ending new lines after it should use.
func (f *File) terminate(i int) string {
	l := &f.lines[i]
	if eol := l.eol(); eol != "" {
		return eol
	}
	eol := f.style()
	l.text += eol
	return eol
}

// style returns the file's line ending: "\r\n" when most lines end so.
func (f *File) style() string {
	crlf, lf := 0, 0
	for i := range f.lines {
		t := f.lines[i].text // a run of blank or comment lines counts each line
		c, n := strings.Count(t, "\r\n"), strings.Count(t, "\n")
		crlf += c
		lf += n - c
	}
	if crlf > lf {
		return "\r\n"
	}
	return "\n"
}

// Delete removes every definition of key in section (with its nested block
// or continuation lines) and reports whether there was one.
//
// Limitation: in a file where an indented "key = value" line follows a key
// with a value (the SDK reads it as a key of the section), deleting that
// key when the key above it has an empty value makes the indented line
// join the upper key's nested block. samlogin never writes such lines.
func (f *File) Delete(section, key string) bool {
	section, key = NormalizeSection(section), strings.ToLower(key)
	found := false
	for {
		i := f.lastKey(section, key)
		if i < 0 {
			break
		}
		found = true
		f.lines = append(f.lines[:i], f.lines[f.itemEnd(i):]...)
		// Removing a line can change how the lines below it are read
		// (an indented key may join a nested block above); analyze
		// again before looking for the next definition.
		_ = f.analyze()
	}
	return found
}

// DeleteSection removes every occurrence of the section: its header and
// lines up to its last key, and the blank lines after it. Comment lines
// between its last key and the next section are kept, as they usually
// describe the next section.
func (f *File) DeleteSection(name string) bool {
	name = NormalizeSection(name)
	found := false
	for i := len(f.lines) - 1; i >= 0; i-- {
		if l := &f.lines[i]; l.kind != kindSection || l.name != name {
			continue
		}
		found = true
		end := i + 1
		j := i + 1
		for ; j < len(f.lines) && f.lines[j].kind != kindSection; j++ {
			if k := f.lines[j].kind; k != kindBlank && k != kindComment {
				end = j + 1
			}
		}
		if end < len(f.lines) {
			f.splitBlankEdge(end, true) // the blank lines before a comment go, the comment stays
		}
		for end < len(f.lines) && f.lines[end].kind == kindBlank {
			end++
		}
		start := i
		if end == len(f.lines) {
			if start > 0 && f.splitBlankEdge(start-1, false) {
				start, end = start+1, end+1
			}
			for start > 0 && f.lines[start-1].kind == kindBlank {
				start--
			}
		}
		f.lines = append(f.lines[:start], f.lines[end:]...)
		i = start
	}
	if found {
		_ = f.analyze()
	}
	return found
}

// NormalizeSection returns a section name as the SDK names the section
// "[name]": trimmed, with the space between the first word and the rest
// made a single space.
func NormalizeSection(name string) string {
	s := strings.TrimSpace(name)
	typ, rest := splitProfile(s)
	switch {
	case typ == "":
		return rest
	case len(s) == len(typ)+1+len(rest) && s[len(typ)] == ' ':
		return s // already normal: no allocation
	}
	return typ + " " + rest
}

func validSection(s string) error {
	if s == "" || strings.ContainsAny(s, "[]#;") || hasControl(s) || !utf8.ValidString(s) {
		return fmt.Errorf("%w %q", ErrSection, s)
	}
	return nil
}

func validKey(k string) error {
	if k == "" || strings.ContainsAny(k, " =:[]#;\"'") || hasControl(k) || !utf8.ValidString(k) || strings.TrimSpace(k) != k {
		return fmt.Errorf("%w %q", ErrKey, k)
	}
	return nil
}

func validValue(v string) error {
	switch {
	case !utf8.ValidString(v):
		return errors.New("not UTF-8")
	case hasControl(v):
		return errors.New("contains a line break or control character")
	case strings.TrimSpace(v) != v:
		return errors.New("leading or trailing space")
	case strings.HasPrefix(v, "#") || strings.HasPrefix(v, ";") || strings.Contains(v, " #") || strings.Contains(v, " ;"):
		return errors.New("contains a comment marker")
	case isSingleQuoted(v) || isDoubleQuoted(v):
		return errors.New("wrapped in quotes")
	}
	return nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// keySeparator returns the bytes between the key and a non-empty value on a
// key line ("=", " = ", ": "), to write new keys in the same style.
func keySeparator(c string) (string, bool) {
	if isLineSpace(c[0]) {
		return "", false
	}
	t := strings.TrimRight(trimPropertyComment(c), " \t\r")
	k := sepIndex(t)
	if k < 0 {
		return "", false
	}
	ks := len(strings.TrimRight(t[:k], " \t"))
	vs := len(t) - len(strings.TrimLeft(t[k+1:], " \t"))
	if vs >= len(t) || ks == 0 {
		return "", false
	}
	return t[ks:vs], true
}

// replaceValue rewrites key line c with a new value, keeping everything but
// the value's bytes. If the result would not read back as (key, value) it
// falls back to a plain "key = value" line.
func replaceValue(c, eol, key, value string) string {
	body := c
	if eol == "\r\n" {
		body = strings.TrimSuffix(c, "\r")
	}
	var k, vs, ve int // separator index, old value bytes
	if !isLineSpace(body[0]) {
		t := strings.TrimRight(trimPropertyComment(body), " \t")
		k = sepIndex(t)
		vs = len(t) - len(strings.TrimLeft(t[k+1:], " \t"))
		ve = len(strings.TrimRightFunc(t, unicode.IsSpace))
	} else {
		k = sepIndex(body)
		rest := strings.TrimLeft(body[k+1:], " \t")
		vs = len(body) - len(rest)
		ve = vs + len(strings.TrimRightFunc(trimPropertyComment(rest), unicode.IsSpace))
	}
	if ve < vs {
		ve = vs
	}
	prefix := body[:vs]
	if vs == ve && vs == k+1 {
		// An empty old value written as "key =": space the new one as
		// the key is spaced before '='.
		pre := body[:k]
		prefix += pre[len(strings.TrimRight(pre, " \t")):]
	}
	text := prefix + value + body[ve:] + eol
	lk, lv, ok := readKeyLine(strings.TrimSuffix(text, "\n"))
	if !ok || lk != strings.ToLower(key) || lv != value {
		return key + " = " + value + eol
	}
	return text
}

// readKeyLine reads c as a key line of a section, as analyze does.
func readKeyLine(c string) (string, string, bool) {
	if c == "" || strings.TrimSpace(c) == "" || isLineComment(c) {
		return "", "", false
	}
	if _, ok := asSection(c); ok {
		return "", "", false
	}
	if !isLineSpace(c[0]) {
		return asProperty(c)
	}
	k, v, ok := splitProperty(strings.TrimLeft(c, " \t"))
	return strings.ToLower(k), strings.TrimSpace(trimPropertyComment(unquote(v))), ok
}
