package backoffice_test

import (
	"context"
	"testing"

	"mypos/account"
	"mypos/backoffice"
	"mypos/changelog"
	"mypos/db/dbtest"
	"mypos/device"
	"mypos/services"
	"mypos/services/servicestest"
)

// A database at version 1 (stores and cashiers) upgrades to the catalog
// with its stores intact: a store made before has prices after.
func TestSchemaUpgradeToCatalog(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, account.Schema, changelog.Schema, device.Schema)
	if err := db.MigrateTo(context.Background(), backoffice.Schema, 1); err != nil {
		t.Fatal(err)
	}
	f := fixtureOf(servicestest.On(t, db, services.Config{}))
	ctx := f.company(t, "shop@shop.test")
	st := f.store(t, ctx, "Центральный")

	if err := db.Migrate(context.Background(), backoffice.Schema); err != nil {
		t.Fatal(err)
	}
	if v, err := db.SchemaVersion(context.Background(), "backoffice"); err != nil || v != len(backoffice.Schema.Migrations) {
		t.Fatalf("version %d, %v", v, err)
	}
	g := f.goods(t, ctx, "M", "Молоко", "4600051000057")
	if _, err := f.office.SetStorePrice(ctx, st.ID, backoffice.StorePriceInput{GoodsID: g.ID, Price: ptr(int64(100))}); err != nil {
		t.Fatal(err)
	}
}
