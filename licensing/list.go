package licensing

import (
	"context"

	"gorm.io/gorm"

	"mypos"
	"mypos/db"
)

// LicenseFilter asks for a page of licenses, of one state or any ("").
// Query, when set, finds a license by its key.
type LicenseFilter struct {
	db.ListParams
	State string
}

// Licenses returns a page of the licenses the caller may see: the owner
// all, a partner and a company those they hold. Owner, partner or company.
// Returns EFORBIDDEN for anyone else, EINVALID for a bad state (field
// "state") or bad list parameters.
func (s *Service) Licenses(ctx context.Context, f LicenseFilter) ([]License, string, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindOwner, mypos.KindPartner, mypos.KindCompany)
	if err != nil {
		return nil, "", err
	}
	q, err := byState(s.visible(ctx, actor), f.State)
	if err != nil {
		return nil, "", err
	}
	return s.licensePage(q, f, actor)
}

// licensePage loads the page of licenses of q the filter asks for, found
// by key when it has a Query, each as the actor may see it.
func (s *Service) licensePage(q *gorm.DB, f LicenseFilter, actor mypos.Actor) ([]License, string, error) {
	if f.Query != "" {
		bare, err := NormalizeKey(f.Query)
		if err != nil {
			return nil, "", err
		}
		q = q.Where("key_norm = ?", bare)
	}
	rows, next, err := db.Paginate(q, f.ListParams, func(r *licenseRow) string { return r.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]License, len(rows))
	for i := range rows {
		out[i] = rows[i].view(actor)
	}
	return out, next, nil
}

// Get returns a license the caller may open: the owner any, a company one
// it holds, a partner one it holds or one its current client company
// holds. Owner, partner or company.
// Returns EFORBIDDEN for anyone else, ENOTFOUND when the caller may not open it.
func (s *Service) Get(ctx context.Context, id string) (*License, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindOwner, mypos.KindPartner, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	row, err := s.find(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	l := row.view(actor)
	return &l, nil
}

// find returns a license the actor may open.
// Returns ENOTFOUND otherwise.
func (s *Service) find(ctx context.Context, actor mypos.Actor, id string) (*licenseRow, error) {
	if !mypos.ValidID(id) {
		return nil, notFound("", "license")
	}
	var row licenseRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, db.NotFound(err, "No such license.")
	}
	opens, err := s.opener(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !opens(&row) {
		return nil, notFound("", "license")
	}
	return &row, nil
}

// opener says which licenses the actor may open one by one (Get, History,
// the lines of a document): the owner any; a company those it holds; a
// partner those it holds and those its current client companies hold —
// the licenses it sold on, whose history it may follow (their keys stay
// as view shows them: hidden). Lists (visible) show a partner its own.
func (s *Service) opener(ctx context.Context, actor mypos.Actor) (func(*licenseRow) bool, error) {
	switch actor.Kind {
	case mypos.KindOwner:
		return func(*licenseRow) bool { return true }, nil
	case mypos.KindPartner:
		ids, err := s.accounts.ClientIDs(ctx)
		if err != nil {
			return nil, err
		}
		clients := make(map[string]bool, len(ids))
		for _, id := range ids {
			clients[id] = true
		}
		return func(r *licenseRow) bool {
			return is(r.PartnerID, actor.ID) || r.CompanyID != nil && clients[*r.CompanyID]
		}, nil
	}
	return func(r *licenseRow) bool { return is(r.CompanyID, actor.CompanyID) }, nil
}

// visible narrows the licenses to those the actor may see.
func (s *Service) visible(ctx context.Context, actor mypos.Actor) *gorm.DB {
	q := s.db.Conn(ctx).Model(&licenseRow{})
	switch actor.Kind {
	case mypos.KindOwner:
		return q
	case mypos.KindPartner:
		return q.Where("partner_id = ?", actor.ID)
	default:
		return q.Where("company_id = ?", actor.CompanyID)
	}
}

// byState narrows licenses to a derived state.
// Returns EINVALID (field "state") for an unknown one.
func byState(q *gorm.DB, state string) (*gorm.DB, error) {
	switch state {
	case "":
		return q, nil
	case StateActive:
		return q.Where("device_id IS NOT NULL"), nil
	case StateSealed:
		return q.Where("device_id IS NULL AND sealed = ?", true), nil
	case StateUnsealed:
		return q.Where("device_id IS NULL AND sealed = ?", false), nil
	}
	return nil, mypos.Invalid("state", "A state is %q, %q or %q.", StateSealed, StateUnsealed, StateActive)
}

// Counts are licenses by state.
type Counts struct {
	Sealed   int64 `json:"sealed"`
	Unsealed int64 `json:"unsealed"`
	Active   int64 `json:"active"`
}

// Summary counts licenses by state: those the caller holds (the owner: all)
// and, for a partner, those its client companies hold.
type Summary struct {
	Counts
	Clients *Counts `json:"clients,omitempty"`
}

// Summary counts the licenses the caller may see by state. Owner, partner or
// company.
// Returns EFORBIDDEN for anyone else.
func (s *Service) Summary(ctx context.Context) (*Summary, error) {
	actor, err := mypos.RequireActor(ctx, mypos.KindOwner, mypos.KindPartner, mypos.KindCompany)
	if err != nil {
		return nil, err
	}
	own, err := count(s.visible(ctx, actor))
	if err != nil || actor.Kind != mypos.KindPartner {
		return &Summary{Counts: own}, err
	}
	clients, err := s.accounts.ClientIDs(ctx)
	if err != nil {
		return nil, err
	}
	theirs := Counts{}
	if len(clients) > 0 {
		if theirs, err = count(s.db.Conn(ctx).Model(&licenseRow{}).Where("company_id IN ?", clients)); err != nil {
			return nil, err
		}
	}
	return &Summary{Counts: own, Clients: &theirs}, nil
}

func count(q *gorm.DB) (Counts, error) {
	var rows []struct {
		Sealed bool
		OnDev  bool
		N      int64
	}
	err := q.Select("sealed, device_id IS NOT NULL AS on_dev, COUNT(*) AS n").Group("sealed, device_id IS NOT NULL").Scan(&rows).Error
	var c Counts
	for _, r := range rows {
		c.add(r.Sealed, r.OnDev, r.N)
	}
	return c, err
}

// OnDevices returns the licenses on the devices, by device, keys left out,
// for views that span packages (a partner's client devices). It checks
// nothing of the caller: the view has checked the devices are the caller's
// to see.
func (s *Service) OnDevices(ctx context.Context, deviceIDs []string) (map[string]License, error) {
	out := make(map[string]License)
	if len(deviceIDs) == 0 {
		return out, nil
	}
	var rows []licenseRow
	if err := s.db.Conn(ctx).Where("device_id IN ?", deviceIDs).Find(&rows).Error; err != nil {
		return nil, err
	}
	for i := range rows {
		l := rows[i].view(mypos.Actor{})
		out[*rows[i].DeviceID] = l
	}
	return out, nil
}
