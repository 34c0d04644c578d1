package cabinet

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"mypos/account"
	"mypos/licensing"
)

// companyRow is a company of the owner's list with its partner (nil when
// it has none), its live devices and its licenses counted.
type companyRow struct {
	account.Account
	Partner  *account.Account
	Devices  int64
	Licenses licensing.Counts
}

// ownerCompaniesView is a page of companies with its search.
type ownerCompaniesView struct {
	Query             string
	Items             []companyRow
	FirstURL, NextURL string
}

// ownerCompanies is the list of companies. Whatever the page's size, it
// costs four queries: the page, the partners of its companies, their
// devices counted, their licenses counted.
func (s *Server) ownerCompanies(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := listParams(c)
	if err != nil {
		return err
	}
	items, next, err := s.cfg.Accounts.ListCompanies(ctx, p)
	if err != nil {
		return err
	}
	ids := make([]string, len(items))
	for i := range items {
		ids[i] = items[i].ID
	}
	partners, err := s.cfg.Accounts.PartnersOf(ctx, ids)
	if err != nil {
		return err
	}
	devices, err := s.cfg.Devices.CountByCompany(ctx, ids)
	if err != nil {
		return err
	}
	licenses, err := s.cfg.Licensing.CountsBy(ctx, licensing.HolderCompany, ids)
	if err != nil {
		return err
	}
	v := ownerCompaniesView{Query: p.Query, Items: make([]companyRow, len(items))}
	for i, a := range items {
		v.Items[i] = companyRow{Account: a, Partner: lookup(partners, &a.ID), Devices: devices[a.ID], Licenses: licenses[a.ID]}
	}
	v.FirstURL, v.NextURL = pagerURLs("/owner/companies", p, next)
	return s.render(c, http.StatusOK, "owner_companies", page{Data: v})
}
