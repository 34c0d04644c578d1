package fleet_test

import (
	"context"
	"testing"
	"time"

	"mypos"
	"mypos/db/dbtest"
	"mypos/fleet"
)

// A database at version 2 upgrades to storing each device's version: the
// acknowledged revisions stored before keep theirs and know no version.
func TestSchemaUpgradeToAgentVersion(t *testing.T) {
	database := dbtest.Open(t)
	ctx := context.Background()
	if err := database.MigrateTo(ctx, fleet.Schema, 2); err != nil {
		t.Fatal(err)
	}
	dev := mypos.NewID()
	err := database.Conn(ctx).Exec(`INSERT INTO device_sync (device_id, company_id, acked_rev, acked_at) VALUES (?, ?, 7, ?)`,
		dev, mypos.NewID(), time.Now().UTC()).Error
	if err != nil {
		t.Fatal(err)
	}
	if err := database.Migrate(ctx, fleet.Schema); err != nil {
		t.Fatal(err)
	}
	if v, err := database.SchemaVersion(ctx, "fleet"); err != nil || v != len(fleet.Schema.Migrations) {
		t.Fatalf("version %d, %v", v, err)
	}
	var rev int64
	var agent string
	if err := database.Conn(ctx).Raw(`SELECT acked_rev, agent FROM device_sync WHERE device_id = ?`, dev).Row().Scan(&rev, &agent); err != nil {
		t.Fatal(err)
	}
	if rev != 7 || agent != "" {
		t.Fatalf("after the upgrade: revision %d, version %q", rev, agent)
	}
}
