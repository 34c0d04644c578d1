package account_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"mypos"
	"mypos/account"
	"mypos/db/dbtest"
)

// A database at the first schema version is upgraded by the current code,
// and an account made then logs in afterwards.
func TestSchemaUpgradeFromFirstVersion(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	if err := db.MigrateTo(ctx, account.Schema, 1); err != nil {
		t.Fatal(err)
	}
	hash, _ := bcrypt.GenerateFromPassword([]byte("old-password"), bcrypt.MinCost)
	err := db.Conn(ctx).Exec(`INSERT INTO accounts (id, kind, email, email_key, password_hash, name, name_key, inn, status, created_at)
		VALUES (?, 'company', 'old@shop.test', 'old@shop.test', ?, 'Old shop', 'old shop', ?, 'active', ?)`,
		mypos.NewID(), string(hash), innFirm, db.Now()).Error
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx, account.Schema); err != nil {
		t.Fatal(err)
	}
	if v, err := db.SchemaVersion(ctx, "account"); err != nil || v != len(account.Schema.Migrations) {
		t.Fatalf("version=%d, %v; want %d", v, err, len(account.Schema.Migrations))
	}
	svc := account.NewService(db, account.Options{HashCost: bcrypt.MinCost})
	l, err := svc.Login(ctx, account.Credentials{Email: "old@shop.test", Password: "old-password"}, "127.0.0.1", account.ViaToken)
	if err != nil || l.Session == nil || l.Session.Account.Name != "Old shop" {
		t.Fatalf("login after upgrade: %+v, %v", l, err)
	}
}

// A database at version 5, before time zones, is upgraded: its company
// keeps working, shows times in Moscow, and may pick its zone afterwards.
func TestSchemaUpgradeAddsTimeZone(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	if err := db.MigrateTo(ctx, account.Schema, 5); err != nil {
		t.Fatal(err)
	}
	id := mypos.NewID()
	err := db.Conn(ctx).Exec(`INSERT INTO accounts (id, kind, email, email_key, password_hash, name, name_key, inn, status, created_at)
		VALUES (?, 'company', 'old@shop.test', 'old@shop.test', 'x', 'Old shop', 'old shop', ?, 'active', ?)`,
		id, innFirm, db.Now()).Error
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx, account.Schema); err != nil {
		t.Fatal(err)
	}
	svc := account.NewService(db, account.Options{HashCost: bcrypt.MinCost})
	as := mypos.NewContextWithActor(ctx, mypos.Actor{Kind: mypos.KindCompany, ID: id, CompanyID: id, Name: "Old shop"})
	me, err := svc.Me(as)
	if err != nil || me.TimeZone != "" || me.Zone().String() != account.DefaultTimeZone {
		t.Fatalf("after the upgrade: %+v, %v", me, err)
	}
	tz := "Asia/Yekaterinburg"
	if me, err = svc.UpdateSettings(as, account.SettingsPatch{TimeZone: &tz}); err != nil || me.Zone().String() != tz {
		t.Fatalf("UpdateSettings: %+v, %v", me, err)
	}
}
