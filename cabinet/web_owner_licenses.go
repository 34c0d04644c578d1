package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/account"
	"mypos/db"
	"mypos/licensing"
)

// licenseStates are the tabs of the owner's licenses: all ("") and each
// state.
var licenseStates = []string{"", licensing.StateSealed, licensing.StateUnsealed, licensing.StateActive}

// licenseRow is a license with the account that holds it (nil if none).
type licenseRow struct {
	licensing.License
	Holder *account.Account
}

// licenseTab is a tab of the licenses page: a state and its link, which
// keeps the search.
type licenseTab struct {
	State, URL string
	Current    bool
}

// ownerLicensesView is a page of licenses of one state, found by key.
type ownerLicensesView struct {
	State, Query      string
	Tabs              []licenseTab
	Items             []licenseRow
	FirstURL, NextURL string
}

// ownerLicenses lists the licenses by state, found by key, with their
// holders' names: two queries a page.
func (s *Server) ownerLicenses(c *fiber.Ctx) error {
	if err := requireOwner(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	p, err := listParams(c)
	if err != nil {
		return err
	}
	v := ownerLicensesView{State: c.Query("state"), Query: p.Query}
	for _, st := range licenseStates {
		v.Tabs = append(v.Tabs, licenseTab{State: st, Current: st == v.State,
			URL: listURL("/owner/licenses", db.ListParams{Query: p.Query}, "state", st)})
	}
	items, next, err := s.cfg.Licensing.Licenses(ctx, licensing.LicenseFilter{ListParams: p, State: v.State})
	if formMistake(err) {
		return s.render(c, statusForError(err), "owner_licenses", page{Err: err, Data: v})
	} else if err != nil {
		return err
	}
	var ids []string
	for _, l := range items {
		ids = appendSet(ids, l.PartnerID, l.CompanyID)
	}
	names, err := s.cfg.Accounts.Accounts(ctx, ids)
	if err != nil {
		return err
	}
	for _, l := range items {
		holder := l.PartnerID
		if holder == nil {
			holder = l.CompanyID
		}
		v.Items = append(v.Items, licenseRow{License: l, Holder: lookup(names, holder)})
	}
	v.FirstURL, v.NextURL = pagerURLs("/owner/licenses", p, next, "state", v.State)
	return s.render(c, http.StatusOK, "owner_licenses", page{Data: v})
}
