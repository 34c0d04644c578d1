package account

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"mypos"
	"mypos/db/dbtest"
)

// Every login spends maxAccountsPerEmail hash comparisons, whether the e-mail
// is unknown, has one account or two, and whatever the password: the time
// of an answer tells nothing about which accounts exist.
func TestLoginSpendsEqualWork(t *testing.T) {
	db := dbtest.Open(t, Schema)
	svc := NewService(db, Options{HashCost: bcrypt.MinCost})
	ctx := context.Background()
	for _, kind := range []string{mypos.KindCompany, mypos.KindPartner} {
		_, err := svc.Register(ctx, Registration{Kind: kind, Name: "Shop", INN: "7707083893", Email: "two@shop.test", Password: "right-pass"})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Register(ctx, Registration{Kind: mypos.KindCompany, Name: "Shop", INN: "7707083893", Email: "one@shop.test", Password: "right-pass"}); err != nil {
		t.Fatal(err)
	}

	calls := 0
	compareHash = func(hash, password []byte) error {
		calls++
		return bcrypt.CompareHashAndPassword(hash, password)
	}
	defer func() { compareHash = bcrypt.CompareHashAndPassword }()

	for i, c := range []Credentials{
		{Email: "nobody@shop.test", Password: "right-pass"},
		{Email: "one@shop.test", Password: "wrong-pass"},
		{Email: "one@shop.test", Password: "right-pass"},
		{Email: "two@shop.test", Password: "wrong-pass"},
		{Email: "two@shop.test", Password: "right-pass"},
	} {
		calls = 0
		svc.Login(ctx, c, "10.0.0."+string(rune('1'+i)), ViaToken)
		if calls != maxAccountsPerEmail {
			t.Errorf("login %s/%s compared %d hashes, want %d", c.Email, c.Password, calls, maxAccountsPerEmail)
		}
	}
}
