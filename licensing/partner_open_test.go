package licensing_test

import (
	"testing"

	"mypos"
	"mypos/account"
	"mypos/licensing"
)

// A partner follows a license it sold on: it may open one its current
// client holds and read its history, key hidden; another partner may not,
// nor may it once the company has left it for another partner.
func TestPartnerOpensItsClientsLicense(t *testing.T) {
	f := newFixture(t)
	p, other := f.partner(t), f.partner(t)
	c := f.company(t)
	f.link(t, c, p)
	id := f.onDevice(t, p, c, f.device(t, c))

	l, err := f.lic.Get(p, id)
	if err != nil || l.Key != "" || l.State != licensing.StateActive {
		t.Fatalf("the client's license as its partner: %+v, %v", l, err)
	}
	docs, _, err := f.lic.History(p, id, pageAll)
	if err != nil || len(docs) != 3 { // sale, transfer, assign
		t.Fatalf("its history as the partner: %d documents, %v", len(docs), err)
	}
	d, err := f.lic.GetDocument(p, docs[1].ID) // the transfer: the partner is party to it
	if err != nil || !d.Open[id] || len(d.Keys) != 0 {
		t.Fatalf("the transfer's lines as the partner: %+v, %v", d, err)
	}
	if _, err := f.lic.Get(other, id); mypos.ErrorCode(err) != mypos.ENOTFOUND {
		t.Fatalf("as another partner: %v, want ENOTFOUND", err)
	}
	if _, _, err := f.lic.History(other, id, pageAll); mypos.ErrorCode(err) != mypos.ENOTFOUND {
		t.Fatalf("history as another partner: %v, want ENOTFOUND", err)
	}

	// The company links to another partner: it is p's client no more.
	r, err := f.accounts.RequestLink(c, account.LinkRequestInput{PartnerID: idOf(other)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.accounts.AcceptLink(other, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.lic.Get(p, id); mypos.ErrorCode(err) != mypos.ENOTFOUND {
		t.Fatalf("a former client's license: %v, want ENOTFOUND", err)
	}
	if _, _, err := f.lic.History(p, id, pageAll); mypos.ErrorCode(err) != mypos.ENOTFOUND {
		t.Fatalf("a former client's license's history: %v, want ENOTFOUND", err)
	}
	if d, err := f.lic.GetDocument(p, docs[1].ID); err != nil || d.Open[id] {
		t.Fatalf("the transfer's line once the company left: %+v, %v", d, err)
	}
	if _, err := f.lic.Get(other, id); err != nil {
		t.Fatalf("as the company's new partner: %v", err)
	}
}
