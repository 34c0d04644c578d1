package backoffice_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"mypos"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db"
	"mypos/protocol"
)

func TestCashierCreate(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	a, b := f.device(t, ctx, "Касса 1"), f.device(t, ctx, "Касса 2")
	head := f.head(t, ctx)

	c, err := f.office.CreateCashier(ctx, backoffice.CashierInput{
		Name: " Ольга Петрова ", PIN: "0042", Role: backoffice.RoleSeniorCashier, DeviceIDs: []string{b, a, b},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := sorted(a, b)
	if c.Name != "Ольга Петрова" || c.Role != backoffice.RoleSeniorCashier || !c.Active || !slices.Equal(c.DeviceIDs, want) {
		t.Fatalf("created %+v", c)
	}
	if bcrypt.CompareHashAndPassword([]byte(c.PinHash), []byte("0042")) != nil {
		t.Fatal("the PIN hash does not match the PIN")
	}
	got, err := f.office.GetCashier(ctx, c.ID)
	if err != nil || got.Name != c.Name || got.PinHash != c.PinHash || !slices.Equal(got.DeviceIDs, want) || !got.UpdatedAt.Equal(c.UpdatedAt) {
		t.Fatalf("get %+v, %v", got, err)
	}
	if b, _ := json.Marshal(got); strings.Contains(string(b), "pin") {
		t.Fatalf("a cashier's JSON shows its PIN hash: %s", b)
	}

	cs := f.changesSince(t, ctx, head)
	if len(cs) != 1 || cs[0].Kind != "cashier" || cs[0].Op != protocol.OpUpsert || cs[0].Entity != c.ID ||
		!cs[0].Scope.Equal(changelog.Devices(a, b)) || cs[0].PrevScope != nil {
		t.Fatalf("changes %+v", cs)
	}
	var body map[string]any
	json.Unmarshal(cs[0].Body, &body)
	if body["pin_hash"] != c.PinHash || body["name"] != c.Name || body["role"] != c.Role || body["active"] != true ||
		body["id"] != c.ID || mustJSON(body["device_ids"]) != mustJSON(want) || len(body) != 6 {
		t.Fatalf("change body %s", cs[0].Body)
	}

	inactive, err := f.office.CreateCashier(ctx, backoffice.CashierInput{Name: "Иван", PIN: "12345678", Role: backoffice.RoleAdministrator, Active: ptr(false)})
	if err != nil || inactive.Active || inactive.DeviceIDs == nil || len(inactive.DeviceIDs) != 0 {
		t.Fatalf("inactive %+v, %v", inactive, err)
	}
}

func sorted(ids ...string) []string {
	s := slices.Clone(ids)
	slices.Sort(s)
	return s
}

func TestCashierValidation(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	d := f.device(t, ctx, "Касса 1")
	c := f.cashier(t, ctx, "Ольга", d)
	head, hash := f.head(t, ctx), c.PinHash
	ok := backoffice.CashierInput{Name: "Иван", PIN: "1234", Role: backoffice.RoleCashier}

	tests := []struct {
		name  string
		edit  func(*backoffice.CashierInput)
		field string
	}{
		{"ErrNameEmpty", func(in *backoffice.CashierInput) { in.Name = "  " }, "name"},
		{"ErrNameLong", func(in *backoffice.CashierInput) { in.Name = strings.Repeat("я", 101) }, "name"},
		{"ErrPINEmpty", func(in *backoffice.CashierInput) { in.PIN = "" }, "pin"},
		{"ErrPINShort", func(in *backoffice.CashierInput) { in.PIN = "123" }, "pin"},
		{"ErrPINLong", func(in *backoffice.CashierInput) { in.PIN = "123456789" }, "pin"},
		{"ErrPINLetters", func(in *backoffice.CashierInput) { in.PIN = "12a4" }, "pin"},
		{"ErrPINFullwidth", func(in *backoffice.CashierInput) { in.PIN = "１２３４" }, "pin"},
		{"ErrPINSpace", func(in *backoffice.CashierInput) { in.PIN = " 1234" }, "pin"},
		{"ErrRoleEmpty", func(in *backoffice.CashierInput) { in.Role = "" }, "role"},
		{"ErrRoleUnknown", func(in *backoffice.CashierInput) { in.Role = "owner" }, "role"},
		{"ErrDeviceMalformed", func(in *backoffice.CashierInput) { in.DeviceIDs = []string{d, "x"} }, "device_ids"},
		{"ErrDeviceUnknown", func(in *backoffice.CashierInput) { in.DeviceIDs = []string{mypos.NewID()} }, "device_ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			_, err := f.office.CreateCashier(ctx, in)
			wantCode(t, err, mypos.EINVALID, tt.field)
			p := backoffice.CashierPatch{Name: &in.Name, PIN: &in.PIN, Role: &in.Role, DeviceIDs: &in.DeviceIDs}
			_, err = f.office.UpdateCashier(ctx, c.ID, p)
			wantCode(t, err, mypos.EINVALID, tt.field)
		})
	}
	got, err := f.office.GetCashier(ctx, c.ID)
	if err != nil || got.Name != "Ольга" || got.PinHash != hash || !slices.Equal(got.DeviceIDs, []string{d}) {
		t.Fatalf("a refused patch wrote: %+v, %v", got, err)
	}
	if n := f.count(t, "cashiers"); n != 1 || f.head(t, ctx) != head {
		t.Fatalf("refused requests wrote: %d cashiers, head %d → %d", n, head, f.head(t, ctx))
	}
	for _, pin := range []string{"0000", "12345678"} {
		if _, err := f.office.UpdateCashier(ctx, c.ID, backoffice.CashierPatch{PIN: &pin}); err != nil {
			t.Fatalf("PIN %q: %v", pin, err)
		}
	}
}

// A cashier may be allowed only on its own company's live devices; another
// company's device is refused and nothing is written.
func TestCashierForeignDevice(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	other := f.company(t, "other@shop.test")
	mine, theirs := f.device(t, ctx, "Моя касса"), f.device(t, other, "Чужая касса")
	revoked := f.device(t, ctx, "Списанная касса")
	if err := f.devices.Revoke(ctx, revoked); err != nil {
		t.Fatal(err)
	}
	head, otherHead := f.head(t, ctx), f.head(t, other)

	_, err := f.office.CreateCashier(ctx, backoffice.CashierInput{Name: "Ольга", PIN: "1234", Role: "cashier", DeviceIDs: []string{mine, theirs}})
	wantCode(t, err, mypos.EINVALID, "device_ids")
	if !strings.Contains(mypos.ErrorMessage(err), theirs) {
		t.Fatalf("the refusal does not name the device: %v", err)
	}
	_, err = f.office.CreateCashier(ctx, backoffice.CashierInput{Name: "Ольга", PIN: "1234", Role: "cashier", DeviceIDs: []string{revoked}})
	wantCode(t, err, mypos.EINVALID, "device_ids")
	if n, m := f.count(t, "cashiers"), f.count(t, "cashier_devices"); n != 0 || m != 0 {
		t.Fatalf("refused creates wrote %d cashiers, %d device links", n, m)
	}
	if f.head(t, ctx) != head || f.head(t, other) != otherHead {
		t.Fatal("a refused create used a revision")
	}

	c := f.cashier(t, ctx, "Ольга", mine)
	head = f.head(t, ctx)
	_, err = f.office.UpdateCashier(ctx, c.ID, backoffice.CashierPatch{Name: ptr("Захват"), DeviceIDs: &[]string{theirs}})
	wantCode(t, err, mypos.EINVALID, "device_ids")
	got, err := f.office.GetCashier(ctx, c.ID)
	if err != nil || got.Name != "Ольга" || !slices.Equal(got.DeviceIDs, []string{mine}) || f.count(t, "cashier_devices") != 1 {
		t.Fatalf("a refused patch wrote: %+v, %v", got, err)
	}
	if f.head(t, ctx) != head || f.head(t, other) != otherHead {
		t.Fatal("a refused patch used a revision")
	}
}

// visible returns what a device must do about the cashier changes in cs,
// read one change at a time.
func visible(cs []changelog.Change, deviceID string) []string {
	var ops []string
	for _, c := range cs {
		if c.Kind != "cashier" {
			continue
		}
		if item, ok := c.Visible(changelog.View{DeviceID: deviceID}); ok {
			ops = append(ops, item.Op)
		}
	}
	return ops
}

func compacted(cs []changelog.Change, deviceID string) []string {
	var ops []string
	for _, item := range changelog.Compact(cs, changelog.View{DeviceID: deviceID}) {
		if item.Kind == "cashier" {
			ops = append(ops, item.Op)
		}
	}
	return ops
}

// Allowing a cashier on {A}, then {A, B}, then {B}: A is told to add it
// and then to delete it; B hears nothing, then adds it.
func TestCashierVisibility(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	a, b := f.device(t, ctx, "A"), f.device(t, ctx, "B")

	c := f.cashier(t, ctx, "Ольга", a)
	steps := [][]string{{a}, {a, b}, {b}}
	wantA := []string{protocol.OpUpsert, protocol.OpUpsert, protocol.OpDelete}
	wantB := []string{"", protocol.OpUpsert, protocol.OpUpsert}
	rev := int64(0)
	for i, set := range steps {
		if i > 0 {
			head := f.head(t, ctx)
			if _, err := f.office.UpdateCashier(ctx, c.ID, backoffice.CashierPatch{DeviceIDs: &set}); err != nil {
				t.Fatal(err)
			}
			rev = head
		}
		cs := f.changesSince(t, ctx, rev)
		if i == 0 {
			cs = cs[len(cs)-1:] // the devices' own changes come first
		}
		if len(cs) != 1 || !cs[0].Scope.Equal(changelog.Devices(set...)) {
			t.Fatalf("step %d: changes %+v", i, cs)
		}
		if i > 0 && (cs[0].PrevScope == nil || !cs[0].PrevScope.Equal(changelog.Devices(steps[i-1]...))) {
			t.Fatalf("step %d: prev scope %v, want %v", i, cs[0].PrevScope, steps[i-1])
		}
		if got := strings.Join(visible(cs, a), ""); got != wantA[i] {
			t.Fatalf("step %d: A gets %q, want %q", i, got, wantA[i])
		}
		if got := strings.Join(visible(cs, b), ""); got != wantB[i] {
			t.Fatalf("step %d: B gets %q, want %q", i, got, wantB[i])
		}
	}

	all := f.changesSince(t, ctx, 0)
	if got := visible(all, a); !slices.Equal(got, wantA) {
		t.Fatalf("A reads %v, want %v", got, wantA)
	}
	if got := visible(all, b); !slices.Equal(got, wantB[1:]) {
		t.Fatalf("B reads %v, want %v", got, wantB[1:])
	}
	if got := compacted(all, a); !slices.Equal(got, []string{protocol.OpDelete}) {
		t.Fatalf("A compacted %v, want [delete]", got)
	}
	if got := compacted(all, b); !slices.Equal(got, []string{protocol.OpUpsert}) {
		t.Fatalf("B compacted %v, want [upsert]", got)
	}
	items, _, err := f.changes.Compacted(context.Background(), companyID(ctx), changelog.View{DeviceID: b}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range items {
		var body struct {
			PinHash string `json:"pin_hash"`
		}
		json.Unmarshal(item.Body, &body)
		if item.Kind == "cashier" && !strings.HasPrefix(body.PinHash, "$2") {
			t.Fatalf("B's cashier has no PIN hash to check offline: %s", item.Body)
		}
	}
}

func TestCashierDelete(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	a, b := f.device(t, ctx, "A"), f.device(t, ctx, "B")
	c := f.cashier(t, ctx, "Ольга", a)
	head := f.head(t, ctx)
	if err := f.office.DeleteCashier(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	cs := f.changesSince(t, ctx, head)
	if len(cs) != 1 || cs[0].Op != protocol.OpDelete || cs[0].Entity != c.ID || !cs[0].Scope.Equal(changelog.Devices(a)) || cs[0].Body != nil {
		t.Fatalf("changes %+v", cs)
	}
	if got := visible(cs, a); !slices.Equal(got, []string{protocol.OpDelete}) || len(visible(cs, b)) != 0 {
		t.Fatalf("A gets %v, B gets %v", got, visible(cs, b))
	}
	_, err := f.office.GetCashier(ctx, c.ID)
	wantCode(t, err, mypos.ENOTFOUND, "")
	wantCode(t, f.office.DeleteCashier(ctx, c.ID), mypos.ENOTFOUND, "")
	if n, m := f.count(t, "cashiers"), f.count(t, "cashier_devices"); n != 0 || m != 0 {
		t.Fatalf("after delete: %d cashiers, %d device links", n, m)
	}
}

// ForgetDevice takes a device out of every set it is in, telling that device
// to delete those cashiers and the others of the set the new state.
func TestForgetDevice(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	other := f.company(t, "other@shop.test")
	a, b := f.device(t, ctx, "A"), f.device(t, ctx, "B")
	both, onlyA, onlyB := f.cashier(t, ctx, "Оба", a, b), f.cashier(t, ctx, "Только A", a), f.cashier(t, ctx, "Только B", b)
	theirs := f.cashier(t, other, "Чужой")
	head, otherHead := f.head(t, ctx), f.head(t, other)

	err := f.db.InTx(ctx, func(ctx context.Context) error { return f.office.ForgetDevice(ctx, companyID(ctx), a) })
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		c    *backoffice.Cashier
		want []string
	}{{both, []string{b}}, {onlyA, []string{}}, {onlyB, []string{b}}} {
		got, err := f.office.GetCashier(ctx, tt.c.ID)
		if err != nil || !slices.Equal(got.DeviceIDs, tt.want) {
			t.Fatalf("%s: devices %v, %v; want %v", tt.c.Name, got.DeviceIDs, err, tt.want)
		}
	}
	cs := f.changesSince(t, ctx, head)
	if len(cs) != 2 || cs[0].Entity != both.ID || cs[1].Entity != onlyA.ID {
		t.Fatalf("changes %+v", cs)
	}
	if got := visible(cs, a); !slices.Equal(got, []string{protocol.OpDelete, protocol.OpDelete}) {
		t.Fatalf("A gets %v", got)
	}
	if got := visible(cs, b); !slices.Equal(got, []string{protocol.OpUpsert}) {
		t.Fatalf("B gets %v", got)
	}
	if f.head(t, other) != otherHead {
		t.Fatal("another company's log moved")
	}
	if got, err := f.office.GetCashier(other, theirs.ID); err != nil || got.Name != "Чужой" {
		t.Fatalf("another company's cashier: %+v, %v", got, err)
	}
	if err := f.office.ForgetDevice(ctx, companyID(ctx), "not-an-id"); err != nil {
		t.Fatal(err)
	}
}

func TestCashierSearchAndPagination(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	d := f.device(t, ctx, "A")
	f.cashier(t, f.company(t, "other@shop.test"), "Ольга")
	var want []string
	for _, name := range []string{"Ольга Петрова", "Иван", "ОЛЬГА", "Пётр", "Анна"} {
		want = append(want, f.cashier(t, ctx, name, d).ID)
	}
	items, next, err := f.office.ListCashiers(ctx, db.ListParams{Query: "ольга"})
	if err != nil || next != "" || len(items) != 2 || items[0].ID != want[0] || items[1].ID != want[2] {
		t.Fatalf("search: %+v, %q, %v", items, next, err)
	}
	var got []string
	p := db.ListParams{Limit: 2}
	for pages := 0; ; pages++ {
		items, next, err := f.office.ListCashiers(ctx, p)
		if err != nil || pages > 3 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, c := range items {
			if !slices.Equal(c.DeviceIDs, []string{d}) {
				t.Fatalf("%s listed with devices %v", c.Name, c.DeviceIDs)
			}
			got = append(got, c.ID)
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	if !slices.Equal(got, want) {
		t.Fatalf("walked %v, want %v", got, want)
	}
}

func TestCashierTenancy(t *testing.T) {
	f := newFixture(t)
	ctx := f.company(t, "shop@shop.test")
	other := f.company(t, "other@shop.test")
	d := f.device(t, ctx, "A")
	c := f.cashier(t, ctx, "Ольга", d)
	head := f.head(t, ctx)

	_, err := f.office.GetCashier(other, c.ID)
	wantCode(t, err, mypos.ENOTFOUND, "")
	_, err = f.office.UpdateCashier(other, c.ID, backoffice.CashierPatch{PIN: ptr("9999")})
	wantCode(t, err, mypos.ENOTFOUND, "")
	wantCode(t, f.office.DeleteCashier(other, c.ID), mypos.ENOTFOUND, "")
	if items, _, err := f.office.ListCashiers(other, db.ListParams{}); err != nil || len(items) != 0 {
		t.Fatalf("other lists %v, %v", items, err)
	}
	got, err := f.office.GetCashier(ctx, c.ID)
	if err != nil || got.PinHash != c.PinHash || f.head(t, ctx) != head || f.head(t, other) != 0 {
		t.Fatalf("another company changed the cashier: %+v, %v", got, err)
	}
	device := mypos.NewContextWithActor(context.Background(), mypos.Actor{Kind: mypos.KindDevice, ID: d, CompanyID: companyID(ctx)})
	_, err = f.office.GetCashier(device, c.ID)
	wantCode(t, err, mypos.EFORBIDDEN, "")
}
