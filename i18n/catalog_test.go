package i18n

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// catalogMap reads a catalog file as it is written.
func catalogMap(t *testing.T, path string) map[string]any {
	t.Helper()
	raw, err := catalogFS.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// pluralForms are the forms go-i18n reads from a message written as a map.
var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// flatten lists a catalog's messages by ID as go-i18n joins nested keys
// ("nav" → "partners" is "nav.partners"); a counted message maps to its forms.
func flatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		id := k
		if prefix != "" {
			id = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok && !isCounted(sub) {
			flatten(id, sub, out)
			continue
		}
		out[id] = v
	}
}

// isCounted reports a counted message as go-i18n does: a map with a
// plural form whose value is text.
func isCounted(m map[string]any) bool {
	for k, v := range m {
		if _, text := v.(string); text && slices.Contains(pluralForms, k) {
			return true
		}
	}
	return false
}

// pageCatalog is every page message of a language, from its files
// <area>.<lang>.yaml (ui, owner, partner, …; errors.ru.yaml is not a page
// catalog). An ID in two files is an error: one would silently win.
func pageCatalog(t *testing.T, lang string) map[string]any {
	t.Helper()
	files, err := fs.Glob(catalogFS, "catalog/*."+lang+".yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s catalogs: %v", lang, err)
	}
	all, from := map[string]any{}, map[string]string{}
	for _, f := range files {
		if strings.HasPrefix(path.Base(f), "errors.") {
			continue
		}
		other := strings.TrimSuffix(f, lang+".yaml")
		for _, l := range Langs {
			if _, err := fs.Stat(catalogFS, other+l+".yaml"); err != nil {
				t.Errorf("%s has no %s twin: %v", f, l, err)
			}
		}
		one := map[string]any{}
		flatten("", catalogMap(t, f), one)
		for id, v := range one {
			if prev, dup := from[id]; dup {
				t.Errorf("%q is in both %s and %s", id, prev, f)
			}
			all[id], from[id] = v, f
		}
	}
	return all
}

// The page catalogs have the same messages in both languages, and each
// counted message has the forms its language's CLDR rule picks: one, few,
// many and other in Russian ("1 лицензия, 2 лицензии, 5 лицензий,
// 1,5 лицензии"), one and other in English.
func TestCatalogsComplete(t *testing.T) {
	ru, en := pageCatalog(t, Russian), pageCatalog(t, English)
	if len(ru) < 50 {
		t.Fatalf("the Russian page catalogs have %d messages: not the catalogs", len(ru))
	}
	forms := map[string][]string{Russian: {"one", "few", "many", "other"}, English: {"one", "other"}}
	for lang, pair := range map[string][2]map[string]any{Russian: {ru, en}, English: {en, ru}} {
		mine, other := pair[0], pair[1]
		for id, v := range mine {
			o, ok := other[id]
			if !ok {
				t.Errorf("%q is in the %s catalogs only", id, lang)
				continue
			}
			counted, isMap := v.(map[string]any)
			_, otherIsMap := o.(map[string]any)
			if isMap != otherIsMap {
				t.Errorf("%q is counted in one language only", id)
			}
			if !isMap {
				if s, _ := v.(string); strings.TrimSpace(s) == "" && id != "sep" {
					t.Errorf("%q is empty in %s", id, lang)
				}
				continue
			}
			var have []string
			for f := range counted {
				have = append(have, f)
			}
			slices.Sort(have)
			want := slices.Clone(forms[lang])
			slices.Sort(want)
			if !slices.Equal(have, want) {
				t.Errorf("%q in %s has the forms %v, want %v", id, lang, have, want)
			}
		}
	}
	// Every message loaded is one a page can ask for in both languages.
	for id := range ru {
		for _, lang := range Langs {
			if !For(lang).Has(id) {
				t.Errorf("go-i18n does not find %q in %s", id, lang)
			}
		}
	}
}
