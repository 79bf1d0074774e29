package htmlform

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// readForms returns the forms of the document in order, each with its
// controls.
func readForms(root *html.Node, pageURL *url.URL) []*Form {
	var formNodes, controls []*html.Node
	labels := map[string]string{} // label for=id → its text
	var baseHref string
	haveBase := false
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Namespace == "" {
			switch n.DataAtom {
			case atom.Form:
				formNodes = append(formNodes, n)
			case atom.Input, atom.Button, atom.Select, atom.Textarea:
				controls = append(controls, n)
			case atom.Label:
				if id := attrVal(n, "for"); id != "" {
					if _, dup := labels[id]; !dup {
						labels[id] = collapse(text(n))
					}
				}
			case atom.Base:
				if href, ok := attr(n, "href"); ok && !haveBase {
					baseHref, haveBase = href, true
				}
			case atom.Template:
				return // inert content
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)

	base := pageURL
	if haveBase {
		if b, err := pageURL.Parse(strings.TrimSpace(baseHref)); err == nil {
			base = b
		}
	}
	forms := make([]*Form, len(formNodes))
	byNode := make(map[*html.Node]*Form, len(formNodes))
	byID := make(map[string]*Form)
	for i, n := range formNodes {
		f := &Form{
			ID:     attrVal(n, "id"),
			Name:   attrVal(n, "name"),
			Method: "GET",
			Action: resolveAction(n, pageURL, base),
			page:   pageURL,
		}
		if strings.EqualFold(strings.TrimSpace(attrVal(n, "method")), "post") {
			f.Method = "POST"
		}
		forms[i] = f
		byNode[n] = f
		if _, dup := byID[f.ID]; f.ID != "" && !dup {
			byID[f.ID] = f
		}
	}
	for _, c := range controls {
		if f := owner(c, byNode, byID); f != nil {
			ins := readControl(c)
			for i := range ins {
				ins[i].Label = label(c, ins[i], labels)
			}
			f.Inputs = append(f.Inputs, ins...)
		}
	}
	return forms
}

// resolveAction resolves a form's action as a browser does.
func resolveAction(form *html.Node, pageURL, base *url.URL) *url.URL {
	action := strings.TrimSpace(attrVal(form, "action"))
	var u *url.URL
	if action == "" {
		c := *pageURL
		u = &c
	} else {
		var err error
		if u, err = base.Parse(action); err != nil {
			return nil
		}
	}
	u.Fragment, u.RawFragment = "", ""
	u.ForceQuery = false
	return u
}

// owner finds the form a control belongs to: the one its form="" attribute
// names, else its nearest <form> ancestor, else a form that the HTML parser
// left empty inside a table (<table><form><tr>...) and that a browser would
// still own the control through (the parser's form element pointer).
func owner(c *html.Node, byNode map[*html.Node]*Form, byID map[string]*Form) *Form {
	if id, ok := attr(c, "form"); ok {
		return byID[id] // none when no form has that id, as in browsers
	}
	for a := c.Parent; a != nil; a = a.Parent {
		if a.Type == html.ElementNode && a.DataAtom == atom.Form {
			return byNode[a]
		}
	}
	// A form emptied by table parsing: the nearest preceding sibling-level
	// form in an enclosing table section.
	for a := c.Parent; a != nil; a = a.Parent {
		if a.Type != html.ElementNode {
			continue
		}
		switch a.DataAtom {
		case atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr:
		default:
			continue
		}
		var found *html.Node
		for s := a.FirstChild; s != nil; s = s.NextSibling {
			if s.Type == html.ElementNode && s.DataAtom == atom.Form && s.FirstChild == nil && precedes(s, c) {
				found = s
			}
		}
		if found != nil {
			return byNode[found]
		}
	}
	return nil
}

// precedes reports whether a comes before b in document order, b not being
// inside a.
func precedes(a, b *html.Node) bool {
	// Walk forward from a; siblings of a and of its ancestors follow it.
	for n := a; n != nil; n = n.Parent {
		for s := n.NextSibling; s != nil; s = s.NextSibling {
			if s == b || contains(s, b) {
				return true
			}
		}
	}
	return false
}

func contains(a, b *html.Node) bool {
	for n := b; n != nil; n = n.Parent {
		if n == a {
			return true
		}
	}
	return false
}

// label is what a person reads for control n: a <button>'s text, else the
// <label for> its id, else the text of the <label> around it.
func label(n *html.Node, in Input, byFor map[string]string) string {
	if n.DataAtom == atom.Button {
		return collapse(text(n))
	}
	if in.ID != "" {
		if l, ok := byFor[in.ID]; ok {
			return l
		}
	}
	for a := n.Parent; a != nil; a = a.Parent {
		if a.Type == html.ElementNode && a.DataAtom == atom.Label {
			return collapse(text(a))
		}
		if a.Type == html.ElementNode && a.DataAtom == atom.Form {
			break
		}
	}
	return ""
}

// readControl reads one control; a <select multiple> gives one Input per
// selected option.
func readControl(n *html.Node) []Input {
	in := Input{
		Name:         attrVal(n, "name"),
		ID:           attrVal(n, "id"),
		Placeholder:  attrVal(n, "placeholder"),
		AutoComplete: attrVal(n, "autocomplete"),
		Disabled:     disabled(n),
	}
	switch n.DataAtom {
	case atom.Input:
		in.Type = strings.ToLower(strings.TrimSpace(attrVal(n, "type")))
		if !inputTypes[in.Type] {
			in.Type = "text"
		}
		in.Hidden = in.Type == "hidden"
		v, hasValue := attr(n, "value")
		in.Value = v
		if in.Type == "checkbox" || in.Type == "radio" {
			_, in.Checked = attr(n, "checked")
			if !hasValue {
				in.Value = "on"
			}
		}
	case atom.Button:
		in.Type = strings.ToLower(strings.TrimSpace(attrVal(n, "type")))
		if in.Type != "reset" && in.Type != "button" {
			in.Type = "submit"
		}
		in.Value = attrVal(n, "value")
	case atom.Textarea:
		in.Type = "textarea"
		in.Value = text(n)
	case atom.Select:
		return readSelect(n, in)
	}
	return []Input{in}
}

func readSelect(n *html.Node, in Input) []Input {
	_, multiple := attr(n, "multiple")
	in.Type = "select"
	if multiple {
		in.Type = "select-multiple"
	}
	var disabledOpt []bool
	var walk func(*html.Node, bool)
	walk = func(c *html.Node, groupDisabled bool) {
		for o := c.FirstChild; o != nil; o = o.NextSibling {
			if o.Type != html.ElementNode {
				continue
			}
			switch o.DataAtom {
			case atom.Optgroup:
				_, d := attr(o, "disabled")
				walk(o, groupDisabled || d)
			case atom.Option:
				v, ok := attr(o, "value")
				if !ok {
					v = collapse(text(o))
				}
				_, sel := attr(o, "selected")
				_, d := attr(o, "disabled")
				in.Options = append(in.Options, Option{Value: v, Label: collapse(text(o)), Selected: sel})
				disabledOpt = append(disabledOpt, d || groupDisabled)
			}
		}
	}
	walk(n, false)

	if multiple {
		var out []Input
		for i, o := range in.Options {
			if o.Selected && !disabledOpt[i] {
				c := in
				c.Value, c.Checked = o.Value, true
				out = append(out, c)
			}
		}
		if out == nil {
			out = []Input{in}
		}
		return out
	}
	// One value: the last selected option, else the first enabled one.
	pick := -1
	for i, o := range in.Options {
		if o.Selected {
			pick = i
		}
	}
	if pick < 0 {
		for i := range in.Options {
			if !disabledOpt[i] {
				pick = i
				break
			}
		}
	}
	if pick >= 0 && !disabledOpt[pick] {
		in.Value, in.Checked = in.Options[pick].Value, true
	}
	return []Input{in}
}

// disabled reports whether a control is disabled: by its own attribute, or
// by an enclosing disabled <fieldset> (unless it is in that fieldset's first
// <legend>).
func disabled(n *html.Node) bool {
	if _, ok := attr(n, "disabled"); ok {
		return true
	}
	child := n
	for a := n.Parent; a != nil; child, a = a, a.Parent {
		if a.Type != html.ElementNode || a.DataAtom != atom.Fieldset {
			continue
		}
		if _, ok := attr(a, "disabled"); !ok {
			continue
		}
		if child.DataAtom == atom.Legend && child == firstLegend(a) {
			continue
		}
		return true
	}
	return false
}

func firstLegend(fs *html.Node) *html.Node {
	for c := fs.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Legend {
			return c
		}
	}
	return nil
}

// text is the concatenated text of n's descendants.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
