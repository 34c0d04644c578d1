package cabinet

import (
	"context"
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/account"
	"mypos/db"
)

// The partner's live devices board: its clients' tills, online or not,
// how far behind in sync, the license each carries and what each sold
// without one. The rows are the JSON API's (partnerDevices); this file
// adds names, the filters and the page. The table is the part #board,
// which polls itself every 3 s with the page's own filters and cursor,
// so a till going offline shows without a reload; without JavaScript it
// is an ordinary page.

// partnerBoardPages registers the board; partnerPages calls it.
func (s *Server) partnerBoardPages(r webRouter) {
	r.get("/partner/devices", s.partnerBoard)
}

// The board's status filter: all, online, offline, or unlicensed — a till
// without a license now, or one that sold without one.
const (
	boardOnline     = "online"
	boardOffline    = "offline"
	boardUnlicensed = "unlicensed"
)

var boardStatuses = []string{boardOnline, boardOffline, boardUnlicensed}

// boardView is one page of the board with its filters.
type boardView struct {
	Clients  []account.Account // the select of companies: every linked one
	Company  string            // the company shown, or "" for all
	Status   string            // one of boardStatuses, or "" for all
	Statuses []string
	Rows     []boardRow
	PollURL  string // this very page, which #board polls
	FirstURL string
	NextURL  string
}

// Filtered reports whether a filter narrows the board, so an empty one
// offers to show all rather than to add tills.
func (v boardView) Filtered() bool { return v.Company != "" || v.Status != "" }

// boardRow is a device with the names the partner reads it by. Its
// license is its client's, whose page (/licenses/:id) the partner may
// open, its key hidden (licensing.Get).
type boardRow struct {
	partnerDevice
	CompanyName string
	StoreName   string
}

// NoLicense reports a till that sells without a license now.
func (r boardRow) NoLicense() bool { return r.License == nil }

// SoldUnlicensed is how many receipts the till punched without a license.
func (r boardRow) SoldUnlicensed() int {
	if r.Unlicensed == nil {
		return 0
	}
	return int(r.Unlicensed.Receipts)
}

// boardFilter is what the board's address asks for.
type boardFilter struct {
	Company, Status string
	db.ListParams
}

func readBoardFilter(c *fiber.Ctx) (boardFilter, error) {
	p, err := listParams(c)
	f := boardFilter{Company: c.Query("company"), Status: c.Query("status"), ListParams: p}
	if !slices.Contains(boardStatuses, f.Status) {
		f.Status = "" // the select offers no other; a stale link shows all
	}
	return f, err
}

// urls are the board's addresses for the filter: this page's, which
// #board polls, and the pager's (the board has no search).
func (f boardFilter) urls(next string) (poll, first, nextURL string) {
	p := db.ListParams{Limit: f.Limit, Cursor: f.Cursor}
	poll = listURL("/partner/devices", p, "company", f.Company, "status", f.Status)
	first, nextURL = pagerURLs("/partner/devices", p, next, "company", f.Company, "status", f.Status)
	return poll, first, nextURL
}

// partnerBoard renders the board, or its #board part for htmx. Another
// partner's company in ?company= is 404, as in the JSON API: it is not a
// client of this partner, which an empty board would suggest it is.
func (s *Server) partnerBoard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f, err := readBoardFilter(c)
	if err != nil {
		return err
	}
	clients, _, err := s.cfg.Accounts.LinkedCompanies(ctx, db.ListParams{Limit: db.MaxLimit})
	if err != nil {
		return err
	}
	devices, next, err := s.boardDevices(ctx, f)
	if err != nil {
		return err
	}
	rows, err := s.boardRows(ctx, clients, devices)
	if err != nil {
		return err
	}
	v := boardView{Clients: clients, Company: f.Company, Status: f.Status, Statuses: boardStatuses, Rows: rows}
	v.PollURL, v.FirstURL, v.NextURL = f.urls(next)
	return s.render(c, http.StatusOK, "partner_devices", page{Data: v})
}

// boardScan bounds the pages of devices one board page reads past
// those the status filter drops, so a poll every 3 s stays cheap; the
// board then offers the next page.
const boardScan = 10

// boardDevices is a page of the partner's devices that pass the status
// filter. The devices are paged by ID, so the next cursor is the last
// device kept when the page filled up, else where the scan stopped.
func (s *Server) boardDevices(ctx context.Context, f boardFilter) ([]partnerDevice, string, error) {
	limit := f.Limit
	if limit == 0 {
		limit = db.DefaultLimit
	}
	p := f.ListParams
	var out []partnerDevice
	for range boardScan {
		page, next, err := s.partnerDevices(ctx, f.Company, p)
		if err != nil {
			return nil, "", err
		}
		for _, d := range page {
			if !boardKeeps(f.Status, d) {
				continue
			}
			if len(out) == limit {
				return out, out[len(out)-1].ID, nil
			}
			out = append(out, d)
		}
		if next == "" {
			return out, "", nil
		}
		p.Cursor = next
	}
	return out, p.Cursor, nil
}

func boardKeeps(status string, d partnerDevice) bool {
	switch status {
	case boardOnline:
		return d.Online
	case boardOffline:
		return !d.Online
	case boardUnlicensed:
		return d.License == nil || d.Unlicensed != nil
	}
	return true
}

// boardRows names each device's company and store.
func (s *Server) boardRows(ctx context.Context, clients []account.Account, devices []partnerDevice) ([]boardRow, error) {
	names := make(map[string]string, len(clients))
	for _, a := range clients {
		names[a.ID] = a.Name
	}
	stores := map[string]string{}
	rows := make([]boardRow, len(devices))
	for i, d := range devices {
		rows[i] = boardRow{partnerDevice: d, CompanyName: names[d.CompanyID]}
		if d.StoreID != nil {
			name, err := s.storeName(ctx, stores, d.CompanyID, *d.StoreID)
			if err != nil {
				return nil, err
			}
			rows[i].StoreName = name
		}
	}
	return rows, nil
}

// storeName is a client's store's name, asked as that client (whose the
// store is) once a page; a store deleted meanwhile has none.
func (s *Server) storeName(ctx context.Context, seen map[string]string, companyID, storeID string) (string, error) {
	if name, ok := seen[storeID]; ok {
		return name, nil
	}
	st, err := s.cfg.Backoffice.GetStore(asClient(ctx, companyID), storeID)
	if err != nil && mypos.ErrorCode(err) != mypos.ENOTFOUND {
		return "", err
	}
	if st != nil {
		seen[storeID] = st.Name
	}
	return seen[storeID], nil
}

// asClient acts as a company the caller may look into (its client, or any
// for the owner), for a service that answers a company about its own.
func asClient(ctx context.Context, companyID string) context.Context {
	return mypos.NewContextWithActor(ctx, mypos.Actor{Kind: mypos.KindCompany, ID: companyID, CompanyID: companyID})
}
