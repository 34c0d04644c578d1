// Package cabinet is the web face of the cloud: the JSON API under /api/v1
// and the HTML cabinet for the owner, partners and companies. It turns
// requests into calls of the domain services and their errors into HTTP.
package cabinet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"mypos"
	"mypos/account"
	"mypos/backoffice"
	"mypos/device"
	"mypos/fleet"
	"mypos/services"
)

// Config is what the cabinet needs from the process that runs it. The
// services and fleet are required.
type Config struct {
	// Set is the domain services the cabinet calls (services.New); a use
	// case that spans several runs in one transaction of its DB.
	*services.Set
	// Fleet knows which devices are online, and disconnects revoked ones.
	Fleet *fleet.Fleet
	// PublicMQTTURL is the broker address enrollment hands to terminals.
	PublicMQTTURL string
	// PublicURL is the cabinet's address as a terminal reaches it, for the
	// enrollment command a company copies; "" takes the request's.
	PublicURL string
	// Ready reports whether the database and the broker are up, for /readyz.
	Ready  func(ctx context.Context) error
	Logger *slog.Logger
	// Registerer receives the HTTP metrics; nil means none.
	Registerer prometheus.Registerer
	// Secure marks cookies Secure: set it when serving over TLS.
	Secure bool
}

// Server is the cabinet's HTTP server.
type Server struct {
	app   *fiber.App
	cfg   Config
	log   *slog.Logger
	views viewSet // the HTML cabinet's pages in each language, parsed once
}

// Limits of a request. maxBody bounds a body: a catalog import is the
// largest honest one, so it is the import's limit and room for a
// multipart envelope, and every file the import takes gets to it. maxURL and maxHeaders bound the head: a browser's
// cookies and a long search fit with room to spare. readBuffer is what
// fasthttp reads a head into; it leaves room past the limits, so limitHead
// sees an oversized URL or header and answers 414 or 431 precisely. A head
// that overflows the buffer itself is refused by fasthttp as 431, whichever
// part of it is long.
const (
	maxBody    = backoffice.MaxImportBytes + 1<<20
	maxURL     = 8 << 10
	maxHeaders = 16 << 10
	readBuffer = 32 << 10
)

// New builds the cabinet with every route registered. It fails without the
// services or fleet, and when a page template is missing or broken, so a
// bad build never starts.
func New(cfg Config) (*Server, error) {
	if cfg.Set == nil || cfg.Fleet == nil {
		return nil, errors.New("cabinet: the services and fleet are required")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	views, err := parseViews(webFS)
	if err != nil {
		return nil, fmt.Errorf("cabinet: templates: %w", err)
	}
	s := &Server{cfg: cfg, log: log, views: views}
	s.app = fiber.New(fiber.Config{
		AppName: "MyPOS Cloud",
		// Fiber's strings (c.Method(), c.Path(), c.Params(), c.Get()) alias
		// fasthttp's buffers, which the next request on the connection
		// overwrites. Anything a metric label, a log line or a goroutine
		// keeps must be a copy, so every string is one.
		Immutable:             true,
		ErrorHandler:          s.handleError,
		BodyLimit:             maxBody,
		ReadBufferSize:        readBuffer,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
	})
	s.routes()
	return s, nil
}

// routes registers the whole HTTP surface, so it reads on one screen.
func (s *Server) routes() {
	app := s.app
	app.Use(s.recover, newMetrics(s.cfg.Registerer).middleware, limitHead, s.authenticate)

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)

	api := app.Group("/api/v1", s.checkOrigin)
	api.Post("/auth/register", s.register)
	api.Post("/auth/login", s.login)
	api.Post("/auth/logout", s.logout)
	api.Get("/me", s.me)
	api.Patch("/me", s.updateMe) // {name?, inn?, time_zone?}: a company's settings

	acc, office := s.cfg.Accounts, s.cfg.Backoffice
	api.Get("/partners", listOf(acc.ListPartners))
	api.Post("/partners", createWith[account.Registration](acc.CreatePartner))
	api.Post("/partners/:id/approve", byID(acc.ApprovePartner))
	api.Get("/partners/directory", s.partnerDirectory)
	api.Get("/companies", s.companiesByKind)

	api.Get("/link-requests", listOf(acc.LinkRequests))
	api.Post("/link-requests", createWith[account.LinkRequestInput](acc.RequestLink)) // {partner_code} or {partner_id}
	api.Post("/link-requests/:id/accept", byID(acc.AcceptLink))
	api.Post("/link-requests/:id/decline", byID(acc.DeclineLink))
	api.Post("/link-requests/:id/cancel", byID(acc.CancelLink))

	api.Get("/licenses", s.listLicenses)
	api.Get("/licenses/summary", s.licenseSummary)
	api.Get("/licenses/:id", s.getLicense)
	api.Get("/licenses/:id/history", s.licenseHistory)
	api.Get("/documents", s.listDocuments)
	api.Post("/documents", s.createDocument)

	api.Get("/devices", s.devicesByKind)
	api.Post("/devices", s.createDevice)
	api.Get("/devices/:id", s.getDevice)
	// {name?, serial?, store_id?}: store_id null takes the device out of
	// its store, an absent store_id leaves it where it is.
	api.Patch("/devices/:id", updateWith[device.DevicePatch](office.UpdateDevice))
	api.Delete("/devices/:id", s.revokeDevice)
	api.Post("/devices/:id/enrollment", s.newEnrollmentCode)
	api.Post("/devices/:id/license", s.putDeviceLicense)
	api.Delete("/devices/:id/license", s.deleteDeviceLicense)
	api.Post("/enroll", s.enroll)

	api.Get("/stores", listOf(office.ListStores))
	api.Post("/stores", createWith[backoffice.StoreInput](office.CreateStore))
	api.Get("/stores/:id", byID(office.GetStore))
	api.Patch("/stores/:id", updateWith[backoffice.StorePatch](office.UpdateStore))
	api.Delete("/stores/:id", deleteByID(office.DeleteStore))

	// A cashier's JSON never carries the PIN or its hash: only the
	// cashier's devices get the hash, through the changelog.
	api.Get("/cashiers", listOf(office.ListCashiers))
	api.Post("/cashiers", createWith[backoffice.CashierInput](office.CreateCashier))
	api.Get("/cashiers/:id", byID(office.GetCashier))
	api.Patch("/cashiers/:id", updateWith[backoffice.CashierPatch](office.UpdateCashier))
	api.Delete("/cashiers/:id", deleteByID(office.DeleteCashier))

	// ?q= finds a name containing the text (any case), or a code or a
	// barcode exactly.
	api.Get("/goods", listOf(office.ListGoods))
	api.Post("/goods", createWith[backoffice.GoodsInput](office.CreateGoods))
	api.Post("/goods/import", s.importGoods)
	api.Get("/goods/:id", byID(office.GetGoods))
	api.Patch("/goods/:id", updateWith[backoffice.GoodsPatch](office.UpdateGoods))
	api.Delete("/goods/:id", deleteByID(office.DeleteGoods))

	// A tree through parent_id; PATCH {"parent_id": null} moves a group to
	// the top.
	api.Get("/goods-groups", listOf(office.ListGroups))
	api.Post("/goods-groups", createWith[backoffice.GroupInput](office.CreateGroup))
	api.Get("/goods-groups/:id", byID(office.GetGroup))
	api.Patch("/goods-groups/:id", updateWith[backoffice.GroupPatch](office.UpdateGroup))
	api.Delete("/goods-groups/:id", deleteByID(office.DeleteGroup))

	api.Get("/stores/:id/prices", s.listPrices)
	api.Put("/stores/:id/prices", s.setPrice)
	api.Post("/stores/:id/prices", s.setPrice)
	api.Delete("/stores/:id/prices/:goods_id", s.deletePrice)

	// Kind "percent" (value in hundredths of a percent) or "amount"
	// (kopecks); target "all", "group" (group_id) or "goods" (goods_ids);
	// all_stores true or store_ids.
	api.Get("/discounts", listOf(office.ListDiscounts))
	api.Post("/discounts", createWith[backoffice.DiscountInput](office.CreateDiscount))
	api.Get("/discounts/:id", byID(office.GetDiscount))
	api.Patch("/discounts/:id", updateWith[backoffice.DiscountPatch](office.UpdateDiscount))
	api.Delete("/discounts/:id", deleteByID(office.DeleteDiscount))

	api.Get("/receipts", s.listReceipts)
	api.Get("/receipts/:id", s.getReceipt)
	api.Get("/sales/summary", s.salesSummary)

	s.webRoutes()

	app.Use(s.notFound)
}

// limitHead refuses a request whose URL or headers are over the limits,
// before anything reads them.
func limitHead(c *fiber.Ctx) error {
	if len(c.Request().RequestURI()) > maxURL {
		return mypos.Errorf(codeURITooLong, "The URL is longer than %d KiB.", maxURL>>10)
	}
	if len(c.Request().Header.RawHeaders()) > maxHeaders {
		return mypos.Errorf(codeHeadersTooLarge, "The request's headers are larger than %d KiB.", maxHeaders>>10)
	}
	return c.Next()
}

// App returns the Fiber app, for tests that send it requests in memory.
func (s *Server) App() *fiber.App { return s.app }

// Serve serves HTTP on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }
