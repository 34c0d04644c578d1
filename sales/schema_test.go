package sales

import (
	"context"
	"testing"
	"time"

	"mypos"
	"mypos/db/dbtest"
	"mypos/sales/salestest"
)

// A database at version 1 upgrades to marking unlicensed receipts: the
// receipts stored before are licensed ones, listed and summed as before,
// and new ones are stored with their mark.
func TestSchemaUpgradeToUnlicensed(t *testing.T) {
	db := dbtest.Open(t)
	db.Now = func() time.Time { return testNow }
	ctx := context.Background()
	if err := db.MigrateTo(ctx, Schema, 1); err != nil {
		t.Fatal(err)
	}
	companyID, company := company()
	dev := mypos.NewID()
	old := salestest.Sale(testNow, cashierA, 5990)
	err := db.Conn(ctx).Exec(`INSERT INTO receipts (device_id, id, company_id, cashier_id, number, punched_at, utc_offset,
		day, payment, total, discount, vat, lines, body, received_at) VALUES (?, ?, ?, ?, 1, ?, 10800, ?, 'card', 5990, 0, 1080, 1, '{}', ?)`,
		dev, old.ID, companyID, cashierA, testNow.UTC(), old.Day(), testNow.UTC()).Error
	if err != nil {
		t.Fatal(err)
	}

	if err := db.Migrate(ctx, Schema); err != nil {
		t.Fatal(err)
	}
	if v, err := db.SchemaVersion(ctx, "sales"); err != nil || v != len(Schema.Migrations) {
		t.Fatalf("version %d, %v", v, err)
	}
	svc := NewService(db)
	f := &fixture{t: t, db: db, svc: svc, in: uncheckedIngester(svc, IngestOptions{})}
	t.Cleanup(f.in.Close)
	f.store(incoming(companyID, dev, "", salestest.Sale(testNow, cashierA, 100)))
	rows, _, err := svc.List(company, Filter{})
	if err != nil || len(rows) != 2 || rows[0].Unlicensed || rows[1].Unlicensed {
		t.Fatalf("after the upgrade: %+v, %v", rows, err)
	}
	if sum, err := svc.Summary(company, old.Day(), old.Day()); err != nil || sum.Totals.Receipts != 2 {
		t.Fatalf("the summary: %+v, %v", sum, err)
	}
	if board, err := svc.UnlicensedOn(ctx, []string{dev}); err != nil || len(board) != 0 {
		t.Fatalf("unlicensed: %+v, %v", board, err)
	}
}
