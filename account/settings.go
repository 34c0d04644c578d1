package account

import (
	"context"
	"slices"
	"strings"
	"time"

	"mypos"
)

// DefaultTimeZone is the zone of a company that has not picked one: the
// one most Russian merchants and the cabinet's dates start from.
const DefaultTimeZone = "Europe/Moscow"

// TimeZones are the zones a company may pick, west to east: one for each
// of Russia's eleven offsets, named as IANA names them.
var TimeZones = []string{
	"Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg",
	"Asia/Omsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk",
	"Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
}

// SettingsPatch changes the fields of a company's settings it sets and
// leaves the nil ones alone.
type SettingsPatch struct {
	Name     *string `json:"name"`
	INN      *string `json:"inn"`
	TimeZone *string `json:"time_zone"`
}

// Zone is the location the account's times are shown in: its time zone,
// or Moscow when it has none.
func (a *Account) Zone() *time.Location {
	tz := a.TimeZone
	if tz == "" {
		tz = DefaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc, _ = time.LoadLocation(DefaultTimeZone) // UpdateSettings stores listed zones only
	}
	return loc
}

// UpdateSettings changes the caller's company's name, INN and time zone:
// the INN is checked as at sign-up, the zone must be one of TimeZones.
// Company only.
// Returns EFORBIDDEN for anyone else, EINVALID naming the bad field.
func (s *Service) UpdateSettings(ctx context.Context, p SettingsPatch) (*Account, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	a, err := s.find(ctx, mypos.KindCompany, actor.ID)
	if err != nil {
		return nil, err
	}
	if err := p.apply(a); err != nil {
		return nil, err
	}
	err = s.db.Conn(ctx).Model(a).Select("name", "name_key", "inn", "time_zone").Updates(a).Error
	if err != nil {
		return nil, err
	}
	return a, nil
}

// apply validates the set fields and writes them to a.
func (p SettingsPatch) apply(a *Account) error {
	if p.Name != nil {
		name, err := mypos.Text("name", *p.Name, 1, maxName)
		if err != nil {
			return err
		}
		a.Name, a.NameKey = name, searchKey(name)
	}
	if p.INN != nil {
		inn := strings.TrimSpace(*p.INN)
		if err := ValidateINN("inn", inn); err != nil {
			return err
		}
		a.INN = inn
	}
	if p.TimeZone != nil {
		if !slices.Contains(TimeZones, *p.TimeZone) {
			return mypos.Invalid("time_zone", "Pick one of Russia's time zones.")
		}
		a.TimeZone = *p.TimeZone
	}
	return nil
}
