package mypos_test

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// docs/architecture.md's package table says whom each package imports, and
// that arrows point down it; this keeps it true. "everything below" and
// "(runs binaries)" are taken as they are.
func TestArchitectureDocumentDrawsTheImports(t *testing.T) {
	doc, err := os.ReadFile("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([^`]+)`(?: \\(root\\))? \\|[^|]*\\| (.+) \\|$")
	name := regexp.MustCompile("`([^`]+)`|\\broot\\b")
	var order []string
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		pkg, said := m[1], m[2]
		order = append(order, pkg)
		if said == "everything below" || said == "(runs binaries)" {
			continue
		}
		var drawn []string
		for _, n := range name.FindAllStringSubmatch(said, -1) {
			drawn = append(drawn, cmpName(n[1]))
		}
		slices.Sort(drawn)
		if got := imports(t, pkg); !slices.Equal(got, drawn) {
			t.Errorf("%s imports %v; docs/architecture.md says %v", pkg, got, drawn)
		}
	}
	if len(order) < 15 {
		t.Fatalf("read %d rows of the package table: is its shape changed?", len(order))
	}
	for _, pkg := range packages(t) {
		if !slices.Contains(order, pkg) {
			t.Errorf("%s has no row in docs/architecture.md's package table", pkg)
		}
	}
	for i, pkg := range order {
		for _, imp := range imports(t, pkg) {
			if j := slices.Index(order, imp); j >= 0 && j < i {
				t.Errorf("%s imports %s, which stands above it: arrows point down the table", pkg, imp)
			}
		}
	}
}

// packages are the module's packages as the table names them, but the
// test helpers of a package named for it (db/dbtest, sales/salestest),
// which its row covers.
func packages(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		if p, err := build.ImportDir(path, 0); err != nil || path == "." {
			return nil // no Go files of a build here (or the root, named mypos)
		} else if parent := filepath.Base(filepath.Dir(path)); p.Name == parent+"test" {
			return nil
		}
		out = append(out, filepath.ToSlash(path))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cmpName is a table's name for a package as imports spells it.
func cmpName(n string) string {
	if n == "" || n == "mypos" {
		return "root"
	}
	return n
}

// imports lists the packages of ours that pkg's non-test files import,
// named as the table names them.
func imports(t *testing.T, pkg string) []string {
	t.Helper()
	dir := pkg
	if pkg == "mypos" {
		dir = "."
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("docs/architecture.md names %s, which is not a package here", pkg)
	}
	p, err := build.ImportDir(dir, 0)
	if err != nil {
		t.Fatalf("%s: %v", pkg, err)
	}
	var ours []string
	for _, imp := range p.Imports {
		switch {
		case imp == "mypos":
			ours = append(ours, "root")
		case strings.HasPrefix(imp, "mypos/"):
			ours = append(ours, strings.TrimPrefix(imp, "mypos/"))
		}
	}
	slices.Sort(ours)
	return ours
}
