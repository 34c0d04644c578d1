package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "mypos/internal/browsertest"
)

// The partner's devices board in Chromium against the real server and real
// tills: the partner opens the board; a technician enrolls and starts
// mypos-agent on a client's till, and the row appears online without a
// reload; the client puts a license on it and its state shows; the agent
// is killed and the row shows offline within 5 s, still without a
// reload. Told in Russian, then in English (?lang=en), each with its own
// till and screenshots at 1280 and 390 px.
func TestBoardBrowserStory(t *testing.T) {
	exe := bt.Chromium(t)
	s := startServer(t)
	cast := setUpBoard(t, s)
	for i, lang := range []struct{ code, online, offline, active string }{
		{"ru", "В сети", "Не в сети", "Активна"},
		{"en", "Online", "Offline", "Active"},
	} {
		t.Run(lang.code, func(t *testing.T) {
			ctx := bt.NewChromium(t, exe)
			shot := bt.NewShots(t, ctx)
			bt.Do(t, ctx, "log in as the partner and open the board",
				chromedp.Navigate(s.URL+"/login?lang="+lang.code),
				chromedp.SendKeys(bt.CSS(`input[name=email]`), cast.dealerEmail),
				chromedp.SendKeys(bt.CSS(`input[name=password]`), cast.dealerPassword),
				chromedp.Click(bt.CSS(`form[action="/login"] button[type=submit]`)),
				chromedp.WaitVisible(bt.CSS(`.nav a[href="/partner/devices"]`)),
				chromedp.Click(bt.CSS(`.nav a[href="/partner/devices"]`)),
				chromedp.WaitVisible(bt.CSS(`#board`)),
			)
			shot("board-before")
			bt.Mark(t, ctx)

			tl := startTill(t, s, cast.shop, "Касса "+lang.code, cast.storeID)
			row := "#device-" + tl.id
			bt.WaitFor(t, ctx, 5*time.Second, "the new till shows online", `document.querySelector("`+row+` .presence .badge.ok") !== null`)
			bt.Want(t, "online", bt.Read(t, ctx, chromedp.Text(bt.CSS(row+` .presence .badge`))), lang.online)
			s.do("POST", "/api/v1/devices/"+tl.id+"/license", cast.shop, map[string]string{"license_id": cast.licenses[i]}).must(t, http.StatusCreated)
			bt.WaitFor(t, ctx, 5*time.Second, "the license shows", `document.querySelector("`+row+` .license .badge.ok") !== null`)
			bt.Want(t, "the license's state", bt.Read(t, ctx, chromedp.Text(bt.CSS(row+` .license .badge`))), lang.active)
			shot("board-online")

			tl.cmd.Process.Kill() // the till loses power: no goodbye
			bt.WaitFor(t, ctx, 5*time.Second, "the killed till shows offline", `document.querySelector("`+row+` .presence .badge.ok") === null`)
			bt.Want(t, "offline", bt.Read(t, ctx, chromedp.Text(bt.CSS(row+` .presence .badge`))), lang.offline)
			bt.WantMark(t, ctx)
			shot("board-offline")
		})
	}
}

// boardCast is who the board's story needs: a partner with a client
// company, which has a store and licenses from the partner for its tills.
type boardCast struct {
	dealerEmail, dealerPassword string
	shop, storeID               string // the client's token and store
	licenses                    []string
}

// setUpBoard sets the cast up through the JSON API, in one place, so that
// once the owner's and the partner's pages are built it can be told with
// clicks instead.
func setUpBoard(t *testing.T, s *server) boardCast {
	t.Helper()
	c := boardCast{dealerEmail: "dealer@board.test", dealerPassword: "partner-password"}
	owner := s.login(t, ownerEmail, ownerPassword)
	partner := s.do("POST", "/api/v1/partners", owner, map[string]string{
		"name": "Ромашка Сервис", "inn": "7736207543", "city": "Тверь", "email": c.dealerEmail, "password": c.dealerPassword,
	}).must(t, http.StatusCreated)
	dealer := s.login(t, c.dealerEmail, c.dealerPassword)
	c.shop = s.company(t, "shop@board.test")
	request := s.do("POST", "/api/v1/link-requests", c.shop, map[string]string{"partner_code": partner.str("code")}).must(t, http.StatusCreated)
	s.do("POST", "/api/v1/link-requests/"+request.str("id")+"/accept", dealer, nil).must(t, http.StatusOK)
	sale := s.do("POST", "/api/v1/documents", owner, map[string]any{"type": "sale", "partner_id": partner.str("id"), "count": 2}).must(t, http.StatusCreated)
	for _, id := range sale.Body["license_ids"].([]any) {
		c.licenses = append(c.licenses, id.(string))
	}
	shopID := s.do("GET", "/api/v1/me", c.shop, nil).must(t, http.StatusOK).str("id")
	s.do("POST", "/api/v1/documents", dealer, map[string]any{"type": "transfer", "company_id": shopID, "license_ids": c.licenses}).must(t, http.StatusCreated)
	c.storeID = s.do("POST", "/api/v1/stores", c.shop, map[string]string{"name": "Магазин на Советской", "address": "Тверь"}).must(t, http.StatusCreated).str("id")
	return c
}
