package account_test

import (
	"testing"

	"mypos"
	"mypos/account"
)

// A company changes its name, INN and zone; a bad INN or zone is refused
// naming its field and changes nothing; a partner may not call it.
func TestUpdateSettings(t *testing.T) {
	f := newFixture(t)
	svc, ctx := f.svc, as(f.register(t, mypos.KindCompany, "shop@shop.test", "company-pass"))
	name, inn, tz := "  Лютик  ", innTrader, "Asia/Kamchatka"
	a, err := svc.UpdateSettings(ctx, account.SettingsPatch{Name: &name, INN: &inn, TimeZone: &tz})
	if err != nil || a.Name != "Лютик" || a.INN != innTrader || a.TimeZone != tz {
		t.Fatalf("UpdateSettings: %+v, %v", a, err)
	}
	bad, badZone := "7707083894", "Europe/Paris"
	for field, p := range map[string]account.SettingsPatch{"inn": {INN: &bad}, "time_zone": {TimeZone: &badZone}} {
		if _, err := svc.UpdateSettings(ctx, p); mypos.ErrorCode(err) != mypos.EINVALID || mypos.ErrorField(err) != field {
			t.Fatalf("bad %s: %v", field, err)
		}
	}
	if me, _ := svc.Me(ctx); me.TimeZone != tz || me.INN != innTrader {
		t.Fatalf("after refusals: %+v", me)
	}
	partner := mypos.NewContextWithActor(ctx, mypos.Actor{Kind: mypos.KindPartner, ID: mypos.NewID()})
	if _, err := svc.UpdateSettings(partner, account.SettingsPatch{Name: &name}); mypos.ErrorCode(err) != mypos.EFORBIDDEN {
		t.Fatalf("a partner: %v", err)
	}
}
