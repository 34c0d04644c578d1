package cabinet

import (
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
	"mypos/licensing"
)

// The partner's licenses by state. Sealed and unsealed ones are the
// partner's own; active ones work on its clients' tills — a key typed on a
// till makes the license that till's company's, so the partner holds no
// active license itself, and the tab shows its clients' ones instead.

// licenseTabs are the tabs, in order; the first is the default.
var licenseTabs = []string{licensing.StateSealed, licensing.StateUnsealed, licensing.StateActive, "all"}

// licensesView is a tab of licenses with its search by key.
type licensesView struct {
	Tabs              []tabLink
	State, Query      string
	Items             []licenseLine
	FirstURL, NextURL string
}

// tabLink is a tab of a list.
type tabLink struct {
	Name, URL string
	Current   bool
}

// licenseLine is a license as the list shows it: Company is the client
// holding it (nil for the partner's own); Mine says the partner holds it.
// Either way its page (/licenses/:id) is the partner's to open.
type licenseLine struct {
	licensing.License
	Company *account.Account
	Mine    bool
}

func (s *Server) partnerLicenses(c *fiber.Ctx) error {
	if err := requireKind(c, mypos.KindPartner); err != nil {
		return err
	}
	state := c.Query("state", licenseTabs[0])
	if !slices.Contains(licenseTabs, state) {
		return mypos.Invalid("state", "A state is %q, %q or %q.", licensing.StateSealed, licensing.StateUnsealed, licensing.StateActive)
	}
	p, err := listParams(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	f := licensing.LicenseFilter{ListParams: p}
	var items []licensing.License
	var next string
	if state == licensing.StateActive {
		f.State = state
		items, next, err = s.cfg.Licensing.ClientLicenses(ctx, "", f)
	} else {
		if state != "all" {
			f.State = state
		}
		items, next, err = s.cfg.Licensing.Licenses(ctx, f)
	}
	if mypos.ErrorCode(err) == mypos.EINVALID && p.Query != "" {
		// A mistyped key: the list says so and stays usable.
		return s.render(c, http.StatusOK, "partner_licenses", page{Err: err, Data: licensesView{State: state, Query: p.Query, Tabs: tabs(state)}})
	}
	if err != nil {
		return err
	}
	var ids []string
	for _, l := range items {
		ids = appendSet(ids, l.CompanyID)
	}
	names, err := s.cfg.Accounts.Accounts(ctx, ids)
	if err != nil {
		return err
	}
	me := session(c).Account.ID
	v := licensesView{State: state, Query: p.Query, Tabs: tabs(state)}
	for _, l := range items {
		v.Items = append(v.Items, licenseLine{License: l, Company: lookup(names, l.CompanyID), Mine: deref(l.PartnerID) == me})
	}
	v.FirstURL, v.NextURL = pagerURLs("/partner/licenses", p, next, "state", state)
	return s.render(c, http.StatusOK, "partner_licenses", page{Data: v})
}

func tabs(current string) []tabLink {
	out := make([]tabLink, len(licenseTabs))
	for i, t := range licenseTabs {
		out[i] = tabLink{Name: t, URL: "/partner/licenses?state=" + t, Current: t == current}
	}
	return out
}
