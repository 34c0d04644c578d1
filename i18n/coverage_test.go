package i18n

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Every error message the services can make has its Russian: the test
// reads the module's source (go/ast) for each call of mypos.Errorf,
// Invalid and RateLimited, protocol's text reasons, and each mypos.Error
// built by hand, follows the functions that pass a format or a message
// on (conflict(format, args...), db.NotFound(err, msg), licensing's
// notFound(field, what)) to their callers, and fails when the Russian
// catalog cannot say what a site makes. A message with parts the source
// does not fix ("No such " + kind + ".") is tried with a sample in them.
// A message made wholly elsewhere (another library's text) cannot be
// checked here; such sites are listed in opaqueSites, with why.
func TestErrorCatalogCoversSource(t *testing.T) {
	sites := scanErrorSites(t, "..")
	if len(sites) < 150 {
		t.Fatalf("found %d error sites: the scan is broken", len(sites))
	}
	ru := For(Russian)
	used := map[string]bool{}
	opaqueSeen := map[string]bool{}
	for _, s := range sites {
		switch {
		case s.opaque():
			opaqueSeen[s.where()] = true
			if _, ok := opaqueSites[s.where()]; !ok {
				t.Errorf("%s: the message is made elsewhere (%s); make it a format here, or list the site in opaqueSites saying why", s.pos, s.format)
			}
		case s.asFormat:
			if !ru.Has(s.format) {
				t.Errorf("%s: errors.ru.yaml lacks %q", s.pos, s.format)
				continue
			}
			used[s.format] = true
			sample := fmt.Sprintf(s.format, sampleArgs(s.format)...)
			if got, ok := ru.fill(s.format, ru.args(s.format, sampleArgs(s.format))); !ok || got == sample {
				t.Errorf("%s: the Russian of %q does not render: %q", s.pos, s.format, got)
			}
		default:
			msg := fmt.Sprintf(s.format, sampleArgs(s.format)...)
			got, key := ru.say(msg)
			if key == "" {
				t.Errorf("%s: errors.ru.yaml cannot say %q (made as %q): add it, or a format that makes it", s.pos, msg, s.format)
				continue
			}
			used[key] = true
			if got == msg {
				t.Errorf("%s: %q is said as itself", s.pos, msg)
			}
		}
	}
	for where := range opaqueSites {
		if !opaqueSeen[where] {
			t.Errorf("opaqueSites lists %s, which makes no such message any more", where)
		}
	}
	// mypos.ErrorMessage's answer for an error that is not coded.
	if got := ru.Error(errors.New("disk full")); got == "Internal error." {
		t.Errorf("an uncoded error is said as %q", got)
	}
	used["Internal error."] = true
	for key, v := range catalogMap(t, "catalog/errors.ru.yaml") {
		if _, words := v.(map[string]any); !used[key] && !words {
			t.Errorf("errors.ru.yaml has %q, which no site makes", key)
		}
	}
}

// opaqueSites are the sites whose message the source does not hold, by
// package-relative file and function: what they show stays in English.
var opaqueSites = map[string]string{
	"cabinet/errors.go fromFiber":   "Fiber's own status texts of the errors it makes itself (\"Method Not Allowed\")",
	"licensing/key.go NormalizeKey": "protocol.NormalizeLicenseKey's errors, shown as sentences",
	"sales/write.go prepare":        "protocol.CheckSale's errors about a till's receipt, which the till logs",
	"fleet/receipt.go final":        "the message of a sales error, passed on to the till under a wire code",
}

// errorSite is one place that makes an error message: its format (with
// %s in each part the source does not fix) and whether it is a format
// with arguments (Errorf's) or a message of its own (a mypos.Error built
// by hand, or a text passed whole through "%s").
type errorSite struct {
	pos      token.Position
	file     string // relative to the module root
	fn       string
	format   string
	asFormat bool
}

func (s errorSite) where() string { return s.file + " " + s.fn }

// opaque reports a message made wholly elsewhere.
func (s errorSite) opaque() bool { return s.format == "%s" || s.format == "%v" }

// sampleArgs fills a format's verbs: a number for %d, a word otherwise.
func sampleArgs(format string) []any {
	var args []any
	for _, v := range verbsOf(format) {
		switch v {
		case 'd':
			args = append(args, 7)
		case 'U':
			args = append(args, rune(0))
		default:
			args = append(args, "x")
		}
	}
	return args
}

// part is a piece of a message as the source makes it: literal text (in
// format form: a '%' of a message is "%%"), a parameter of the function
// it is in, or something the source does not fix.
type part struct {
	text    string
	param   int  // ≥ 0: the function's parameter at this index
	message bool // the parameter is taken as a message, not a format
	unknown bool
}

// sink is a function whose parameters make an error message: mypos.Errorf
// and its kind, and each function found passing a format or message on.
type sink struct {
	parts    []part
	formatAt int  // the index of its format parameter, -1 when it has none
	asFormat bool // whether what it makes is a format with arguments
}

type scanner struct {
	t     *testing.T
	fset  *token.FileSet
	files map[string][]*ast.File // by package directory
	sinks map[string]sink        // by "dir.Func"
	sites map[string]errorSite   // by position, so a rescan replaces
}

func scanErrorSites(t *testing.T, root string) []errorSite {
	t.Helper()
	sc := &scanner{t: t, fset: token.NewFileSet(), files: map[string][]*ast.File{}, sites: map[string]errorSite{},
		sinks: map[string]sink{
			".Errorf":            {parts: []part{{param: 1}}, formatAt: 1, asFormat: true},
			".Invalid":           {parts: []part{{param: 1}}, formatAt: 1, asFormat: true},
			".RateLimited":       {parts: []part{{param: 1}}, formatAt: 1, asFormat: true},
			"protocol.textError": {parts: []part{{param: 0}}, formatAt: 0, asFormat: true},
		}}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(sc.fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		if rel == "." {
			rel = ""
		}
		sc.files[filepath.ToSlash(rel)] = append(sc.files[filepath.ToSlash(rel)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Each pass may find new sinks; passes repeat until none appear.
	for n := -1; n != len(sc.sinks); {
		n = len(sc.sinks)
		for dir, files := range sc.files {
			for _, f := range files {
				sc.scanFile(dir, f)
			}
		}
	}
	out := make([]errorSite, 0, len(sc.sites))
	for _, s := range sc.sites {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b errorSite) int { return strings.Compare(a.pos.String(), b.pos.String()) })
	return out
}

// fnScope is what an expression is evaluated in: its function's
// parameters and locals, and its package's constants.
type fnScope struct {
	dir     string
	fn      *ast.FuncDecl
	params  map[string]int
	locals  map[string]ast.Expr // single-assignment locals and constants
	consts  map[string]ast.Expr // the package's constants
	imports map[string]string   // import name → package directory
}

func (sc *scanner) scanFile(dir string, f *ast.File) {
	imports := map[string]string{}
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		if path != "mypos" && !strings.HasPrefix(path, "mypos/") {
			continue
		}
		pkgDir := strings.TrimPrefix(strings.TrimPrefix(path, "mypos"), "/")
		name := filepath.Base(path)
		if im.Name != nil {
			name = im.Name.Name
		}
		imports[name] = pkgDir
	}
	consts := sc.packageConsts(dir)
	for _, decl := range f.Decls {
		var fn *ast.FuncDecl
		var body ast.Node = decl
		if d, ok := decl.(*ast.FuncDecl); ok {
			if d.Body == nil {
				continue
			}
			fn, body = d, d.Body
		}
		scope := &fnScope{dir: dir, fn: fn, params: map[string]int{}, locals: map[string]ast.Expr{}, consts: consts, imports: imports}
		if fn != nil {
			i := 0
			for _, field := range fn.Type.Params.List {
				for _, n := range field.Names {
					scope.params[n.Name] = i
					i++
				}
				if len(field.Names) == 0 {
					i++
				}
			}
			collectLocals(fn.Body, scope.locals)
		}
		ast.Inspect(body, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				sc.call(scope, x)
			case *ast.CompositeLit:
				sc.literal(scope, x)
			}
			return true
		})
	}
}

// packageConsts are a package's constants and single-valued package
// variables of a string expression.
func (sc *scanner) packageConsts(dir string) map[string]ast.Expr {
	m := map[string]ast.Expr{}
	for _, f := range sc.files[dir] {
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						m[n.Name] = vs.Values[i]
					}
				}
			}
		}
	}
	return m
}

// collectLocals records the locals assigned once in a function.
func collectLocals(body ast.Node, m map[string]ast.Expr) {
	seen := map[string]int{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for i, l := range x.Lhs {
				if id, ok := l.(*ast.Ident); ok && len(x.Rhs) == len(x.Lhs) {
					seen[id.Name]++
					m[id.Name] = x.Rhs[i]
				}
			}
		case *ast.ValueSpec:
			for i, id := range x.Names {
				if i < len(x.Values) {
					seen[id.Name]++
					m[id.Name] = x.Values[i]
				}
			}
		}
		return true
	})
	for name, n := range seen {
		if n > 1 {
			delete(m, name)
		}
	}
}

// callee names the function a call calls, as "dir.Func"; "" for a method
// or a function of another module.
func (s *fnScope) callee(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return s.dir + "." + f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			if dir, ok := s.imports[x.Name]; ok {
				return dir + "." + f.Sel.Name
			}
		}
	}
	return ""
}

func (sc *scanner) call(s *fnScope, call *ast.CallExpr) {
	name := s.callee(call)
	k, ok := sc.sinks[name]
	if !ok {
		return
	}
	var parts []part
	for _, p := range k.parts {
		if p.param < 0 || p.unknown {
			parts = append(parts, p)
			continue
		}
		if p.param >= len(call.Args) {
			parts = append(parts, part{unknown: true, param: -1})
			continue
		}
		parts = append(parts, s.eval(call.Args[p.param], p.message, 0)...)
	}
	asFormat := k.asFormat
	// A format that is only "%s" passes its argument whole: the message is
	// the argument.
	if k.formatAt >= 0 && len(parts) == 1 && parts[0].param < 0 && !parts[0].unknown &&
		(parts[0].text == "%s" || parts[0].text == "%v") && len(call.Args) == k.formatAt+2 {
		parts = s.eval(call.Args[k.formatAt+1], true, 0)
		asFormat = false
	}
	sc.made(s, call, parts, asFormat, k.formatAt >= 0 && len(call.Args) > k.formatAt+1 && call.Ellipsis.IsValid())
}

// literal records a mypos.Error built by hand: its Message.
func (sc *scanner) literal(s *fnScope, lit *ast.CompositeLit) {
	typ := lit.Type
	if u, ok := typ.(*ast.StarExpr); ok {
		typ = u.X
	}
	isError := false
	switch x := typ.(type) {
	case *ast.Ident:
		isError = s.dir == "" && x.Name == "Error"
	case *ast.SelectorExpr:
		if pkg, ok := x.X.(*ast.Ident); ok {
			isError = s.imports[pkg.Name] == "" && pkg.Name == "mypos" && x.Sel.Name == "Error"
		}
	}
	if !isError {
		return
	}
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
			sc.made(s, lit, s.eval(kv.Value, true, 0), false, false)
		}
	}
}

// made records what a site makes — or, when it is made of its function's
// parameters, makes the function a sink for its callers to be scanned.
func (sc *scanner) made(s *fnScope, at ast.Node, parts []part, asFormat, forwardsArgs bool) {
	for _, p := range parts {
		if p.param >= 0 && !p.unknown && s.fn != nil && s.fn.Recv == nil {
			name := s.dir + "." + s.fn.Name.Name
			if _, ok := sc.sinks[name]; !ok {
				formatAt := -1
				if asFormat && !p.message && forwardsArgs {
					formatAt = p.param
				}
				sc.sinks[name] = sink{parts: parts, formatAt: formatAt, asFormat: asFormat}
			}
			return
		}
	}
	var b strings.Builder
	for _, p := range parts {
		if p.unknown || p.param >= 0 {
			b.WriteString("%s")
		} else {
			b.WriteString(p.text)
		}
	}
	pos := sc.fset.Position(at.Pos())
	fn := ""
	if s.fn != nil {
		fn = s.fn.Name.Name
	}
	file := filepath.ToSlash(filepath.Join(s.dir, filepath.Base(pos.Filename)))
	sc.sites[pos.String()] = errorSite{pos: pos, file: file, fn: fn, format: b.String(), asFormat: asFormat}
}

// eval makes the parts of an expression that is a format (or a message,
// whose '%'s are literal) as far as the source fixes them.
func (s *fnScope) eval(e ast.Expr, message bool, depth int) []part {
	unknown := []part{{unknown: true, param: -1}}
	if depth > 8 {
		return unknown
	}
	lit := func(text string) []part {
		if message {
			text = strings.ReplaceAll(text, "%", "%%")
		}
		return []part{{text: text, param: -1}}
	}
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return lit(x.Value)
		}
		v, err := strconv.Unquote(x.Value)
		if err != nil {
			return unknown
		}
		return lit(v)
	case *ast.ParenExpr:
		return s.eval(x.X, message, depth+1)
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return unknown
		}
		return append(s.eval(x.X, message, depth+1), s.eval(x.Y, message, depth+1)...)
	case *ast.Ident:
		if i, ok := s.params[x.Name]; ok {
			return []part{{param: i, message: message}}
		}
		if v, ok := s.locals[x.Name]; ok {
			return s.eval(v, message, depth+1)
		}
		if v, ok := s.consts[x.Name]; ok {
			return s.eval(v, message, depth+1)
		}
	case *ast.CallExpr:
		// fmt.Sprintf(format, …) as a message: the format's text, its verbs
		// left as they are.
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok && len(x.Args) > 0 {
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "fmt" && sel.Sel.Name == "Sprintf" {
				return s.eval(x.Args[0], false, depth+1)
			}
		}
	case *ast.SelectorExpr:
		// denied.Message, where denied := mypos.Errorf(code, "…"): that
		// error's format, which has no arguments.
		if x.Sel.Name == "Message" {
			if id, ok := x.X.(*ast.Ident); ok {
				if v, ok := s.locals[id.Name].(*ast.CallExpr); ok && len(v.Args) == 2 {
					return s.eval(v.Args[1], false, depth+1)
				}
			}
		}
	}
	return unknown
}
