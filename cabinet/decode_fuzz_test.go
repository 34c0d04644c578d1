package cabinet

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"mypos"
	"mypos/account"
	"mypos/backoffice"
	"mypos/device"
)

// requestTypes are the types the API's JSON bodies decode into, each with
// a real body: the fuzzer's seeds.
var requestTypes = []struct {
	new  func() any
	seed string
}{
	{func() any { return new(account.Registration) }, `{"kind":"partner","name":"Ромашка Сервис","inn":"7707083893","city":"Тверь","email":"dealer@romashka.test","password":"same-password"}`},
	{func() any { return new(loginRequest) }, `{"email":"owner@mypos.local","password":"p"}`},
	{func() any { return new(loginRequest) }, `{"ticket":"T","account":"partner"}`},
	{func() any { return new(account.SettingsPatch) }, `{"name":"Ромашка","inn":"7707083893","time_zone":"Asia/Omsk"}`},
	{func() any { return new(account.LinkRequestInput) }, `{"partner_code":"K7M2QX","partner_id":"0193a5c0-7d1e-7c3a-9f00-1234567890ab"}`},
	{func() any { return new(documentRequest) }, `{"type":"unseal","license_ids":["0193a5c0-7d1e-7c3a-9f00-1234567890ab"],"licensee":{"name":"ООО Ромашка","inn":"500100732259","email":"shop@romashka.test"}}`},
	{func() any { return new(documentRequest) }, `{"type":"sale","partner_id":"0193a5c0-7d1e-7c3a-9f00-1234567890ab","count":3}`},
	{func() any { return new(deviceLicense) }, `{"license_id":"0193a5c0-7d1e-7c3a-9f00-1234567890ab"}`},
	{func() any { return new(enrollRequest) }, `{"code":"K7M2-QX9P-3HRT","nonce":"a-random-nonce-of-16+-chars"}`},
	{func() any { return new(device.NewDevice) }, `{"name":"Касса 1","serial":"MP-0001","store_id":"0193a5c0-7d1e-7c3a-9f00-1234567890ab"}`},
	{func() any { return new(device.DevicePatch) }, `{"name":"Касса 2","serial":null,"store_id":null}`},
	{func() any { return new(backoffice.StoreInput) }, `{"name":"Магазин на Советской","address":"Тверь, ул. Советская, 1"}`},
	{func() any { return new(backoffice.StorePatch) }, `{"address":"Тверь, ул. Советская, 2"}`},
	{func() any { return new(backoffice.CashierInput) }, `{"name":"Ольга","pin":"1234","role":"senior_cashier","device_ids":["0193a5c0-7d1e-7c3a-9f00-1234567890ab"],"active":true}`},
	{func() any { return new(backoffice.CashierPatch) }, `{"pin":"4321","device_ids":[]}`},
	{func() any { return new(backoffice.GoodsInput) }, `{"code":"M-1","name":"Молоко 3,2%","barcodes":["4600051000057"],"price":8990,"unit":"piece","vat":"22","group_id":"0193a5c0-7d1e-7c3a-9f00-1234567890ab"}`},
	{func() any { return new(backoffice.GoodsPatch) }, `{"price":9990,"group_id":null,"active":false}`},
	{func() any { return new(backoffice.GroupInput) }, `{"name":"Молочные продукты","parent_id":null}`},
	{func() any { return new(backoffice.GroupPatch) }, `{"parent_id":"0193a5c0-7d1e-7c3a-9f00-1234567890ab"}`},
	{func() any { return new(backoffice.StorePriceInput) }, `{"goods_id":"0193a5c0-7d1e-7c3a-9f00-1234567890ab","price":4990}`},
	{func() any { return new(backoffice.DiscountInput) }, `{"name":"Счастливые часы","kind":"percent","value":1500,"target":"goods","goods_ids":["0193a5c0-7d1e-7c3a-9f00-1234567890ab"],"store_ids":[],"all_stores":true,"starts_at":"2026-03-01T00:00:00+03:00","days":[1,2,3,4,5],"time_from":"17:00","time_to":"19:00"}`},
	{func() any { return new(backoffice.DiscountPatch) }, `{"days":null,"ends_at":"2026-04-01T00:00:00Z","time_from":null,"starts_at":null}`},
}

// Whatever the bytes, decoding a body into any request type gives a value
// or an EINVALID *mypos.Error — never a panic, another code or a foreign
// error (a 500) — and a body it accepts is UTF-8.
func FuzzDecodeRequest(f *testing.F) {
	for _, r := range requestTypes {
		f.Add([]byte(r.seed))
	}
	f.Add([]byte(`{"name":"\ud800"}`))
	f.Add([]byte("{\"name\":\"\xff\"}"))
	f.Add([]byte(`{"starts_at":"завтра","parent_id":7,"store_id":{}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, r := range requestTypes {
			v := r.new()
			err := decodeJSON(body, v)
			if err == nil {
				if !utf8.Valid(body) {
					t.Fatalf("%T accepted a body that is not UTF-8: %q", v, body)
				}
				if d, ok := v.(*documentRequest); ok {
					err = d.validate()
				}
			}
			var coded *mypos.Error
			if err != nil && (!errors.As(err, &coded) || coded.Code != mypos.EINVALID) {
				t.Fatalf("%T: %q answers %v, not a coded EINVALID", v, body, err)
			}
		}
	})
}

// A refused body is told what is wrong with it, and where when the
// decoder knows.
func TestDecodeJSONSaysWhatIsWrong(t *testing.T) {
	for _, tt := range []struct{ body, field, says string }{
		{"{\"name\":\"\xff\"}", "", "not UTF-8"},
		{`{"starts_at":"завтра"}`, "", "RFC 3339"},
		{`{"days":"пн"}`, "days", `"days" must be a slice`},
		{`{"colour":"red"}`, "colour", "Unknown field"},
		{`{"name":"a"} {}`, "", "after its JSON value"},
		{` `, "", "needs a JSON body"},
	} {
		err := decodeJSON([]byte(tt.body), new(backoffice.DiscountInput))
		if mypos.ErrorCode(err) != mypos.EINVALID || mypos.ErrorField(err) != tt.field || !strings.Contains(mypos.ErrorMessage(err), tt.says) {
			t.Errorf("%q: %v (field %q), want EINVALID on %q saying %q", tt.body, err, mypos.ErrorField(err), tt.field, tt.says)
		}
	}
}

// The fuzzer knows every type a handler decodes a body into: each
// decode(c, &req) of the package, and each route that names its request
// type for an adapter (createWith[T], updateWith[T]), reads a
// requestTypes type.
func TestFuzzCoversEveryRequestType(t *testing.T) {
	fuzzed := map[string]bool{}
	for _, r := range requestTypes {
		fuzzed[reflect.TypeOf(r.new()).Elem().String()] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	decoded := 0
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			vars := map[string]string{}  // a var's name to its type, in this function
			generic := map[string]bool{} // the function's type parameters: the adapters'
			if fn.Type.TypeParams != nil {
				for _, f := range fn.Type.TypeParams.List {
					for _, id := range f.Names {
						generic["cabinet."+id.Name] = true
					}
				}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.IndexExpr: // createWith[backoffice.StoreInput](…)
					if id, ok := n.X.(*ast.Ident); ok && (id.Name == "createWith" || id.Name == "updateWith") {
						decoded++
						if into := typeName(n.Index); !fuzzed[into] {
							t.Errorf("%s: %s[%s], which FuzzDecodeRequest does not fuzz", fset.Position(n.Pos()), id.Name, into)
						}
					}
				case *ast.ValueSpec:
					for _, id := range n.Names {
						vars[id.Name] = typeName(n.Type)
					}
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); !ok || id.Name != "decode" || len(n.Args) != 2 {
						return true
					}
					decoded++
					into := "an expression"
					if arg, ok := n.Args[1].(*ast.UnaryExpr); ok {
						if id, ok := arg.X.(*ast.Ident); ok {
							into = vars[id.Name]
						}
					}
					if !fuzzed[into] && !generic[into] {
						t.Errorf("%s: decode into %q, which FuzzDecodeRequest does not fuzz", fset.Position(n.Pos()), into)
					}
				}
				return true
			})
		}
	}
	if decoded < len(requestTypes)-1 {
		t.Fatalf("found %d decode calls: the search is broken", decoded)
	}
}

// typeName is a type as reflect spells it: "account.Registration", or
// "cabinet.loginRequest" for one of ours.
func typeName(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.Ident:
		return "cabinet." + x.Name
	case *ast.SelectorExpr:
		if pkg, ok := x.X.(*ast.Ident); ok {
			return pkg.Name + "." + x.Sel.Name
		}
	}
	return "an expression"
}
