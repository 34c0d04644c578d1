package licensing_test

import (
	"testing"

	"mypos"
	"mypos/db"
	"mypos/licensing"
)

// CountsBy counts each holder's licenses by state in one query; nobody
// but the owner may ask.
func TestCountsBy(t *testing.T) {
	f := newFixture(t)
	p, q := f.partner(t), f.partner(t)
	c := f.company(t)
	f.link(t, c, p)
	f.sell(t, p, 3)
	f.unsealed(t, p)
	f.onDevice(t, p, c, f.device(t, c))
	f.atCompany(t, p, c)

	byPartner, err := f.lic.CountsBy(f.owner, licensing.HolderPartner, []string{idOf(p), idOf(q)})
	if err != nil || len(byPartner) != 1 || byPartner[idOf(p)] != (licensing.Counts{Sealed: 3, Unsealed: 1}) {
		t.Fatalf("by partner: %v, %v", byPartner, err)
	}
	byCompany, err := f.lic.CountsBy(f.owner, licensing.HolderCompany, []string{idOf(c)})
	want := licensing.Counts{Sealed: 1, Active: 1}
	if err != nil || byCompany[idOf(c)] != want || want.Total() != 2 || want.Plus(want).Active != 2 {
		t.Fatalf("by company: %v, %v", byCompany, err)
	}
	if _, err := f.lic.CountsBy(f.owner, "device", []string{idOf(c)}); mypos.ErrorCode(err) != mypos.EINTERNAL {
		t.Fatalf("by device: %v, want EINTERNAL", err)
	}
	if _, err := f.lic.CountsBy(p, licensing.HolderPartner, []string{idOf(p)}); mypos.ErrorCode(err) != mypos.EFORBIDDEN {
		t.Fatalf("as a partner: %v, want EFORBIDDEN", err)
	}
}

// A document with its lines and keys: the owner reads any and every key;
// a partner its own, keys of sealed licenses hidden; another partner and a
// company not party to it get ENOTFOUND.
func TestGetDocument(t *testing.T) {
	f := newFixture(t)
	p, other := f.partner(t), f.partner(t)
	c := f.company(t)
	doc, err := f.lic.Sell(f.owner, idOf(p), 2)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.lic.GetDocument(f.owner, doc.ID)
	if err != nil || d.Number != doc.Number || len(d.Lines) != 2 || len(d.Keys) != 2 || d.Lines[0].From != nil {
		t.Fatalf("as the owner: %+v, %v", d, err)
	}
	if d.Keys[doc.LicenseIDs[0]] != f.license(t, doc.LicenseIDs[0]).Key {
		t.Fatalf("keys %v", d.Keys)
	}
	d, err = f.lic.GetDocument(p, doc.ID)
	if err != nil || len(d.Lines) != 2 || len(d.Keys) != 0 {
		t.Fatalf("as the partner: %+v, %v", d, err)
	}
	for name, id := range map[string]string{"nonsense": "nonsense", "nobody's": mypos.NewID(), "another's": doc.ID} {
		if _, err := f.lic.GetDocument(other, id); mypos.ErrorCode(err) != mypos.ENOTFOUND {
			t.Fatalf("%s document as another partner: %v, want ENOTFOUND", name, err)
		}
	}
	if _, err := f.lic.GetDocument(c, doc.ID); mypos.ErrorCode(err) != mypos.ENOTFOUND {
		t.Fatalf("as a company not party to it: %v, want ENOTFOUND", err)
	}
	id, key := f.unsealed(t, p)
	docs, _, err := f.lic.Journal(p, licensing.JournalFilter{DocumentFilter: licensing.DocumentFilter{Type: licensing.TypeUnseal}})
	if err != nil || len(docs) != 1 {
		t.Fatalf("the unseal in the journal: %v, %v", docs, err)
	}
	if d, err := f.lic.GetDocument(p, docs[0].ID); err != nil || d.Keys[id] != key {
		t.Fatalf("the partner's unsealed key: %+v, %v", d, err)
	}
}

// The journal is newest first, paged, filtered by type and party, each
// document with its count of licenses.
func TestJournal(t *testing.T) {
	f := newFixture(t)
	p, q := f.partner(t), f.partner(t)
	c := f.company(t)
	f.link(t, c, p)
	f.sell(t, p, 3)
	f.sell(t, q, 1)
	f.atCompany(t, p, c) // a sale of 1 and a transfer

	all, next, err := f.lic.Journal(f.owner, licensing.JournalFilter{DocumentFilter: licensing.DocumentFilter{ListParams: db.ListParams{Limit: 3}}})
	if err != nil || len(all) != 3 || next == "" {
		t.Fatalf("page 1: %v, %q, %v", all, next, err)
	}
	if all[0].Type != licensing.TypeTransfer || all[0].Number <= all[1].Number || all[0].Licenses != 1 || len(all[0].Lines) != 0 {
		t.Fatalf("page 1 is not newest first: %+v", all)
	}
	rest, next, err := f.lic.Journal(f.owner, licensing.JournalFilter{DocumentFilter: licensing.DocumentFilter{ListParams: db.ListParams{Limit: 3, Cursor: next}}})
	if err != nil || len(rest) != 1 || next != "" || rest[0].Licenses != 3 || rest[0].Number != 1 {
		t.Fatalf("page 2: %+v, %q, %v", rest, next, err)
	}
	sales, _, err := f.lic.Journal(f.owner, licensing.JournalFilter{DocumentFilter: licensing.DocumentFilter{Type: licensing.TypeSale}, Party: idOf(p)})
	if err != nil || len(sales) != 2 {
		t.Fatalf("p's sales: %+v, %v", sales, err)
	}
	theirs, _, err := f.lic.Journal(q, licensing.JournalFilter{})
	if err != nil || len(theirs) != 1 || theirs[0].Licenses != 1 {
		t.Fatalf("q's journal: %+v, %v", theirs, err)
	}
	if none, _, err := f.lic.Journal(f.owner, licensing.JournalFilter{Party: "nonsense"}); err != nil || len(none) != 0 {
		t.Fatalf("a party that is not an ID: %v, %v", none, err)
	}
	if _, _, err := f.lic.Journal(f.owner, licensing.JournalFilter{DocumentFilter: licensing.DocumentFilter{Type: "gift"}}); mypos.ErrorCode(err) != mypos.EINVALID {
		t.Fatalf("an unknown type: %v, want EINVALID", err)
	}
}

// CheckSale refuses what Sell refuses, at the same fields, and sells nothing.
func TestCheckSale(t *testing.T) {
	f := newFixture(t)
	p := f.partner(t)
	got, err := f.lic.CheckSale(f.owner, idOf(p), licensing.MaxSale)
	if err != nil || got.ID != idOf(p) {
		t.Fatalf("a good sale: %v, %v", got, err)
	}
	for _, tc := range []struct {
		partner string
		count   int
		code    string
		field   string
	}{
		{idOf(p), 0, mypos.EINVALID, "count"},
		{idOf(p), licensing.MaxSale + 1, mypos.EINVALID, "count"},
		{mypos.NewID(), 1, mypos.ENOTFOUND, "partner_id"},
		{"nonsense", 1, mypos.ENOTFOUND, "partner_id"},
	} {
		_, err := f.lic.CheckSale(f.owner, tc.partner, tc.count)
		_, sold := f.lic.Sell(f.owner, tc.partner, tc.count)
		if mypos.ErrorCode(err) != tc.code || mypos.ErrorField(err) != tc.field || mypos.ErrorCode(sold) != tc.code {
			t.Fatalf("%s × %d: check %v, sell %v; want %s at %s", tc.partner, tc.count, err, sold, tc.code, tc.field)
		}
	}
	if _, err := f.lic.CheckSale(p, idOf(p), 1); mypos.ErrorCode(err) != mypos.EFORBIDDEN {
		t.Fatalf("as a partner: %v, want EFORBIDDEN", err)
	}
	if n, err := f.lic.Count(f.owner); err != nil || n != 0 {
		t.Fatalf("licenses after checks: %d, %v", n, err)
	}
}
