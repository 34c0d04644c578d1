package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"mypos"
	"mypos/account"
	"mypos/db/dbtest"
)

// `mypos licenses verify` says how many licenses agree with their
// documents, and prints each difference and exits 1 when some do not.
func TestLicensesVerify(t *testing.T) {
	db := dbtest.Config(t)
	t.Setenv("MYPOS_DATABASE_URL", db.URL)
	t.Setenv("MYPOS_DATA_DIR", db.DataDir)
	verify := func() (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"licenses", "verify"}, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, out, errs := verify(); code != 0 || out != "0 licenses verified\n" {
		t.Fatalf("empty db: exit %d, %q, %q", code, out, errs)
	}

	ctx := context.Background()
	svc, err := openServices(ctx, Config{DatabaseURL: db.URL, DataDir: db.DataDir}, newLogger(&bytes.Buffer{}, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer closeServices(svc)
	owner, err := svc.Accounts.CreateOwner(ctx, "owner@mypos.test", "owner-password")
	if err != nil {
		t.Fatal(err)
	}
	ownerCtx := mypos.NewContextWithActor(ctx, owner.Actor())
	partner, err := svc.Accounts.CreatePartner(ownerCtx, account.Registration{Name: "Дилер", INN: "7707083893", Email: "p@dealer.test", Password: "partner-pass"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Licensing.Sell(ownerCtx, partner.ID, 3); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := verify(); code != 0 || out != "3 licenses verified\n" {
		t.Fatalf("after a sale: exit %d, %q", code, out)
	}

	if err := svc.DB.Conn(ctx).Exec("UPDATE licenses SET partner_id = NULL, company_id = ?", partner.ID).Error; err != nil {
		t.Fatal(err)
	}
	code, out, errs := verify()
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 1 || len(lines) != 3 || !strings.Contains(lines[0], "stored {sealed, company") {
		t.Fatalf("after tampering: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if !strings.Contains(errs, "3 differences") || strings.Count(errs, "\n") != 1 {
		t.Fatalf("stderr: %q", errs)
	}
}
