package form

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/PuerkitoBio/goquery"

	"github.com/samlogin/samlogin/idp"
	"github.com/samlogin/samlogin/idp/htmlform"
)

// choice is one method a method-choice page offers.
type choice struct {
	label  string   // what a person reads; "" when a script fills it in
	value  string   // what is sent
	name   string   // the field it is sent in
	button bool     // a submit button: sent as the clicked button
	link   *url.URL // a link that carries the method: opened
	preset bool     // checked or selected by the page
}

// id is how the method is named when it has no label: its value, else its
// field name (a <button name="totp"> without a value).
func (c choice) id() string {
	if c.value != "" {
		return c.value
	}
	return c.name
}

// shown is the method as a prompt lists it: the label, else the id.
func (c choice) shown() string {
	if l := idp.CleanTextN(c.label, 100); l != "" {
		return l
	}
	return idp.CleanTextN(c.id(), 100)
}

// matchChoice: a form with nothing to type whose submission needs a
// choice (a radio group, a select, or several named submit buttons), or,
// on a page without such a form, several links to one page of the portal
// that differ in one query value.
func matchChoice(w *walk, p *htmlform.Page) *hit {
	for _, f := range p.Forms {
		if len(f.PasswordInputs()) > 0 || len(textInputs(f)) > 0 {
			continue
		}
		if cs := formChoices(f); len(cs) >= 2 {
			return &hit{form: f, choices: cs}
		}
	}
	if autoSubmitForm(p) == nil {
		if cs := linkChoices(w, p); len(cs) >= 2 {
			return &hit{choices: cs}
		}
	}
	return nil
}

// formChoices lists what f's submission chooses between: its first radio
// group or select with two options or more (not a language picker), else
// its named submit buttons (but the ones that cancel or go back).
func formChoices(f *htmlform.Form) []choice {
	radios := map[string][]choice{}
	var order []string
	for _, in := range f.Inputs {
		if in.Disabled || in.Name == "" || languageKey(in.Name) {
			continue
		}
		switch in.Type {
		case "radio":
			if radios[in.Name] == nil {
				order = append(order, in.Name)
			}
			radios[in.Name] = append(radios[in.Name], choice{label: in.Label, value: in.Value, name: in.Name, preset: in.Checked})
		case "select":
			var cs []choice
			for _, o := range in.Options {
				if o.Value != "" {
					cs = append(cs, choice{label: o.Label, value: o.Value, name: in.Name, preset: o.Selected})
				}
			}
			if len(cs) >= 2 {
				return cs
			}
		}
	}
	for _, name := range order {
		if len(radios[name]) >= 2 {
			return radios[name]
		}
	}
	var buttons []choice
	for _, in := range f.Inputs {
		if in.Type != "submit" || in.Disabled || in.Name == "" || cancels(in) {
			continue
		}
		c := choice{label: in.Label, value: in.Value, name: in.Name, button: true}
		if !slices.ContainsFunc(buttons, func(b choice) bool { return b.name == c.name && b.value == c.value }) {
			buttons = append(buttons, c)
		}
	}
	return buttons
}

// cancels reports whether a button cancels or goes back rather than
// choosing a method.
//
// Whole words count, so that "backup" or "feedback" is a method, "go back"
// or "cancel_login" is not.
func cancels(in htmlform.Input) bool {
	words := strings.FieldsFunc(strings.ToLower(in.Name+" "+in.Value+" "+in.Label), func(r rune) bool { return !unicode.IsLetter(r) })
	return slices.ContainsFunc(words, func(w string) bool { return cancelWords[w] })
}

var cancelWords = map[string]bool{
	"cancel": true, "back": true, "logout": true, "abort": true, "reject": true,
	"decline": true, "deny": true, "abbrechen": true, "annuler": true, "zurück": true,
}

// linkChoices lists links on the driver's route to one path with the same
// query keys, differing in the value of one key (not a language switch):
// /2fa?method=totp, /2fa?method=sms.
func linkChoices(w *walk, p *htmlform.Page) []choice {
	groups := map[string][]choice{}
	var order []string
	p.Doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		href := strings.TrimSpace(a.AttrOr("href", ""))
		u, err := p.URL.Parse(href)
		if err != nil || href == "" || hidden(a) || u.RawQuery == "" || !w.d.route.Allowed(u.Hostname()) {
			return
		}
		q := u.Query()
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range q {
				if !yield(k) {
					return
				}
			}
		})
		g := u.Host + u.Path + "?" + strings.Join(keys, "&")
		if groups[g] == nil {
			order = append(order, g)
		}
		groups[g] = append(groups[g], choice{label: visibleText(a), link: u})
	})
	for _, g := range order {
		cs := groups[g]
		if key := differingKey(cs); key != "" {
			for i := range cs {
				cs[i].name, cs[i].value = key, cs[i].link.Query().Get(key)
			}
			return cs
		}
	}
	return nil
}

// differingKey is the one query key whose value tells the links apart, or
// "" (fewer than two links, several keys differ, a language switch).
func differingKey(cs []choice) string {
	if len(cs) < 2 {
		return ""
	}
	first := cs[0].link.Query()
	key := ""
	for k := range first {
		values := map[string]bool{}
		for _, c := range cs {
			values[c.link.Query().Get(k)] = true
		}
		if len(values) == 1 {
			continue
		}
		if key != "" || len(values) != len(cs) {
			return ""
		}
		key = k
	}
	if languageKey(key) {
		return ""
	}
	return key
}

// languageKey reports whether a field or query key picks the page's
// language, which is no sign-in method.
func languageKey(k string) bool {
	l := strings.ToLower(k)
	return strings.Contains(l, "lang") || strings.Contains(l, "locale")
}

// actChoose sends the method LoginInput.MFAMethod names, or the one the
// user picks: a button as the clicked one, a radio or select value with
// the form's default button, a link opened.
func actChoose(ctx context.Context, w *walk, page *htmlform.Page, h *hit) (*http.Response, string, error) {
	key := choiceKey(h)
	if w.chosen[key] {
		return nil, "", pageErr(w.step, page, "the page to choose a sign-in method came back after a method was chosen")
	}
	c, err := w.pick(h.choices)
	if err != nil {
		return nil, "", err
	}
	w.chosen[key] = true
	w.d.deps.Log.DebugContext(ctx, "form: choose method", "method", c.id(), "offered", describe(h.choices))
	if c.link != nil {
		return w.get(ctx, stepChoose, c.link)
	}
	v := h.form.Values()
	v.Set(c.name, c.value)
	if !c.button {
		addDefaultButton(h.form, v)
	}
	return w.submit(ctx, stepChoose, h.form, v, "")
}

func choiceKey(h *hit) string {
	if h.form != nil {
		return idp.ShortURL(h.form.Action) + "#" + h.choices[0].name
	}
	return idp.ShortURL(h.choices[0].link) + "#" + h.choices[0].name
}

// pick is the method in.MFAMethod names, else the one the page already
// checked or selected (a consent page's default), else the user's pick.
func (w *walk) pick(cs []choice) (choice, error) {
	preset := slices.IndexFunc(cs, func(c choice) bool { return c.preset })
	if want := strings.TrimSpace(w.in.MFAMethod); want != "" {
		if c, ok := matchMethod(cs, want); ok {
			return c, nil
		}
		if preset >= 0 {
			// Not a second-factor choice (a consent page with its default
			// checked): the stored method is for another page.
			return cs[preset], nil
		}
		return choice{}, fmt.Errorf("form: %s: %w", stepChoose, &idp.InputError{Msg: fmt.Sprintf(
			"--mfa-method %q matches none of the methods the portal offers: %s", idp.CleanTextN(want, 60), describe(cs))})
	}
	if i := slices.IndexFunc(cs, func(c choice) bool { return c.preset }); i >= 0 {
		return cs[i], nil // the page's own pick, as a browser would send it
	}
	if w.d.deps.Prompt == nil {
		return choice{}, fmt.Errorf("form: %s: %w: pick one of the methods the portal offers with --mfa-method: %s",
			stepChoose, idp.ErrNoPrompt, describe(cs))
	}
	shown := make([]string, len(cs))
	for i, c := range cs {
		shown[i] = c.shown()
	}
	i, err := w.d.deps.Prompt.Select("Sign-in method", shown)
	if errors.Is(err, idp.ErrNoPrompt) {
		return choice{}, fmt.Errorf("form: %s: %w; the portal offers: %s", stepChoose, err, describe(cs))
	}
	if err != nil {
		return choice{}, fail(stepChoose, err)
	}
	if i < 0 || i >= len(cs) {
		return choice{}, fail(stepChoose, errors.New("no method chosen"))
	}
	return cs[i], nil
}

// matchMethod finds the method whose value, name or label is want (any
// case), else the only one whose value or label contains it.
func matchMethod(cs []choice, want string) (choice, bool) {
	w := strings.ToLower(want)
	for _, same := range []func(c choice) bool{
		func(c choice) bool { return strings.ToLower(c.value) == w || strings.ToLower(c.label) == w },
		func(c choice) bool { return strings.ToLower(c.name) == w },
		func(c choice) bool {
			return strings.Contains(strings.ToLower(c.value), w) || strings.Contains(strings.ToLower(c.label), w)
		},
	} {
		var found []choice
		for _, c := range cs {
			if same(c) {
				found = append(found, c)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
	}
	return choice{}, false
}

// describe lists the methods for an error: "label" (value), the label
// alone when it is the value in another case (TOTP for totp: either works
// with --mfa-method), or the value alone when there is no label.
func describe(cs []choice) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		label, id := idp.CleanTextN(c.label, 60), idp.CleanTextN(c.id(), 60)
		switch {
		case label == "":
			parts[i] = id
		case strings.EqualFold(label, id):
			parts[i] = label
		default:
			parts[i] = fmt.Sprintf("%q (%s)", label, id)
		}
	}
	return strings.Join(parts, ", ")
}
