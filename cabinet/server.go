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
	"mypos/backoffice"
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

	api.Get("/partners", s.listPartners)
	api.Post("/partners", s.createPartner)
	api.Post("/partners/:id/approve", s.approvePartner)
	api.Get("/partners/directory", s.partnerDirectory)
	api.Get("/companies", s.companiesByKind)

	api.Get("/link-requests", s.listLinkRequests)
	api.Post("/link-requests", s.createLinkRequest)
	api.Post("/link-requests/:id/accept", s.acceptLinkRequest)
	api.Post("/link-requests/:id/decline", s.declineLinkRequest)
	api.Post("/link-requests/:id/cancel", s.cancelLinkRequest)

	api.Get("/licenses", s.listLicenses)
	api.Get("/licenses/summary", s.licenseSummary)
	api.Get("/licenses/:id", s.getLicense)
	api.Get("/licenses/:id/history", s.licenseHistory)
	api.Get("/documents", s.listDocuments)
	api.Post("/documents", s.createDocument)

	api.Get("/devices", s.devicesByKind)
	api.Post("/devices", s.createDevice)
	api.Get("/devices/:id", s.getDevice)
	api.Patch("/devices/:id", s.updateDevice)
	api.Delete("/devices/:id", s.revokeDevice)
	api.Post("/devices/:id/enrollment", s.newEnrollmentCode)
	api.Post("/devices/:id/license", s.putDeviceLicense)
	api.Delete("/devices/:id/license", s.deleteDeviceLicense)
	api.Post("/enroll", s.enroll)

	api.Get("/stores", s.listStores)
	api.Post("/stores", s.createStore)
	api.Get("/stores/:id", s.getStore)
	api.Patch("/stores/:id", s.updateStore)
	api.Delete("/stores/:id", s.deleteStore)

	api.Get("/cashiers", s.listCashiers)
	api.Post("/cashiers", s.createCashier)
	api.Get("/cashiers/:id", s.getCashier)
	api.Patch("/cashiers/:id", s.updateCashier)
	api.Delete("/cashiers/:id", s.deleteCashier)

	api.Get("/goods", s.listGoods)
	api.Post("/goods", s.createGoods)
	api.Post("/goods/import", s.importGoods)
	api.Get("/goods/:id", s.getGoods)
	api.Patch("/goods/:id", s.updateGoods)
	api.Delete("/goods/:id", s.deleteGoods)

	api.Get("/goods-groups", s.listGroups)
	api.Post("/goods-groups", s.createGroup)
	api.Get("/goods-groups/:id", s.getGroup)
	api.Patch("/goods-groups/:id", s.updateGroup)
	api.Delete("/goods-groups/:id", s.deleteGroup)

	api.Get("/stores/:id/prices", s.listPrices)
	api.Put("/stores/:id/prices", s.setPrice)
	api.Post("/stores/:id/prices", s.setPrice)
	api.Delete("/stores/:id/prices/:goods_id", s.deletePrice)

	api.Get("/discounts", s.listDiscounts)
	api.Post("/discounts", s.createDiscount)
	api.Get("/discounts/:id", s.getDiscount)
	api.Patch("/discounts/:id", s.updateDiscount)
	api.Delete("/discounts/:id", s.deleteDiscount)

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
