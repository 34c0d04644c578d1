package cabinet

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
	"unicode"

	"golang.org/x/net/html"

	"mypos/i18n"
)

// hole stands for what a template action prints: a value, never a word
// of the template's own.
const hole = "\u2060"

// wordAttrs are the attributes a person reads.
var wordAttrs = map[string]bool{"placeholder": true, "title": true, "aria-label": true, "alt": true, "label": true}

// Every word a person reads on a page comes from the catalogs: no template
// holds a sentence — Russian or English — in its text, in an attribute a
// person reads (placeholder, title, aria-label, alt, a button's value), or
// as a string it prints; every message ID it names is in the catalogs;
// and no handler of the cabinet spells a word in Cyrillic.
func TestTemplatesHaveNoWords(t *testing.T) {
	files, err := fs.Glob(webFS, "templates/*.html")
	if err != nil || len(files) < 12 {
		t.Fatalf("templates: %v, %d files", err, len(files))
	}
	funcs := map[string]any{}
	for name := range viewFuncs(i18n.For(i18n.Russian)) {
		funcs[name] = true
	}
	for _, f := range files {
		src, err := fs.ReadFile(webFS, f)
		if err != nil {
			t.Fatal(err)
		}
		trees, err := parse.Parse(f, string(src), "{{", "}}", funcs, builtins)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for name, tree := range trees {
			if tree.Root == nil {
				continue
			}
			var b strings.Builder
			flatten(&b, tree.Root)
			where := f + " " + strconv.Quote(name)
			for _, w := range words(b.String()) {
				t.Errorf("%s: %q is a word outside the catalogs", where, w)
			}
			checkActions(t, where, tree.Root)
		}
	}
	checkHandlers(t)
}

// builtins are text/template's own functions, which parse needs to know.
var builtins = map[string]any{
	"and": true, "or": true, "not": true, "len": true, "index": true, "slice": true, "print": true, "printf": true,
	"println": true, "html": true, "js": true, "urlquery": true, "call": true, "eq": true, "ne": true, "lt": true,
	"le": true, "gt": true, "ge": true,
}

// flatten writes a template's markup with each action as a hole, taking
// both branches of every if, range and with.
func flatten(b *strings.Builder, n parse.Node) {
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			flatten(b, c)
		}
	case *parse.TextNode:
		b.Write(x.Text)
	case *parse.IfNode:
		flatten(b, x.List)
		flatten(b, x.ElseList)
	case *parse.RangeNode:
		flatten(b, x.List)
		flatten(b, x.ElseList)
	case *parse.WithNode:
		flatten(b, x.List)
		flatten(b, x.ElseList)
	case *parse.ActionNode, *parse.TemplateNode:
		b.WriteString(hole)
	}
}

// words returns the words of markup a person would read.
func words(markup string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(markup))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.TextToken:
			out = append(out, lettered(string(z.Text()))...)
		case html.StartTagToken, html.SelfClosingTagToken:
			tag, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			for k, v := range attrs {
				button := k == "value" && (string(tag) == "button" || attrs["type"] == "submit" || attrs["type"] == "button")
				if wordAttrs[k] || button {
					out = append(out, lettered(v)...)
				}
			}
		}
	}
}

// lettered returns the runs of text between holes that have a letter.
func lettered(s string) []string {
	var out []string
	for _, run := range strings.Split(s, hole) {
		if strings.IndexFunc(run, unicode.IsLetter) >= 0 {
			out = append(out, strings.TrimSpace(run))
		}
	}
	return out
}

// checkActions: a message ID a template names ({{t "id"}}, a part's Label,
// Hint, Text or Action) is in the catalogs, and no string an action prints
// is a word in Cyrillic.
func checkActions(t *testing.T, where string, root parse.Node) {
	t.Helper()
	ru := i18n.For(i18n.Russian)
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch x := n.(type) {
		case *parse.ListNode:
			if x != nil {
				for _, c := range x.Nodes {
					walk(c)
				}
			}
		case *parse.IfNode:
			walk(x.Pipe)
			walk(x.List)
			walk(x.ElseList)
		case *parse.RangeNode:
			walk(x.Pipe)
			walk(x.List)
			walk(x.ElseList)
		case *parse.WithNode:
			walk(x.Pipe)
			walk(x.List)
			walk(x.ElseList)
		case *parse.ActionNode:
			walk(x.Pipe)
		case *parse.TemplateNode:
			walk(x.Pipe)
		case *parse.PipeNode:
			if x == nil {
				return
			}
			for _, cmd := range x.Cmds {
				walk(cmd)
			}
		case *parse.CommandNode:
			for i, arg := range x.Args {
				walk(arg)
				s, ok := arg.(*parse.StringNode)
				if !ok {
					continue
				}
				if strings.IndexFunc(s.Text, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0 {
					t.Errorf("%s: the string %q is a word outside the catalogs", where, s.Text)
				}
				if i == 0 {
					continue
				}
				id := ""
				if f, ok := x.Args[0].(*parse.IdentifierNode); ok && (f.Ident == "t" || f.Ident == "n") && i == 1 {
					id = s.Text
				}
				if prev, ok := x.Args[i-1].(*parse.StringNode); ok && i%2 == 0 && isIDKey[prev.Text] {
					if f, ok := x.Args[0].(*parse.IdentifierNode); ok && f.Ident == "dict" {
						id = s.Text
					}
				}
				if id != "" && !ru.Has(id) {
					t.Errorf("%s: no message %q in the catalogs", where, id)
				}
			}
		}
	}
	walk(root)
}

// isIDKey are the arguments of the parts that are message IDs.
var isIDKey = map[string]bool{"Label": true, "Hint": true, "Text": true, "Action": true}

// checkHandlers: the cabinet's web handlers spell no word in Cyrillic; what
// they show comes from the catalogs (their English error formats are the
// catalogs' keys).
func checkHandlers(t *testing.T) {
	t.Helper()
	files, err := filepath.Glob("web*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("web*.go: %v", err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if v, _ := strconv.Unquote(lit.Value); strings.IndexFunc(v, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0 {
				t.Errorf("%s: %s is a word outside the catalogs", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
	}
}
