package cabinet

import (
	"time"

	"github.com/gofiber/fiber/v2"
)

// deviceCookie carries the device proof a login hands out (account's
// devices.go): a browser that logged in to an e-mail before presents it, and
// failures from elsewhere never make it wait. It is no session and outlives
// logging out; it names no e-mail, and only the cloud can make one.
const (
	deviceCookie         = "mypos_device"
	deviceCookieLifetime = 400 * 24 * time.Hour // the longest browsers keep a cookie
)

// devicePresented returns the device proof the browser presents, if any.
func devicePresented(c *fiber.Ctx) string { return c.Cookies(deviceCookie) }

// keepDevice gives the browser its device proof after a login: out of
// scripts' reach, sent only with the cabinet's own requests, over TLS only
// when the cabinet is served so.
func (s *Server) keepDevice(c *fiber.Ctx, proof string) {
	if proof == "" {
		return
	}
	c.Cookie(&fiber.Cookie{
		Name: deviceCookie, Value: proof, Path: "/", MaxAge: int(deviceCookieLifetime / time.Second),
		HTTPOnly: true, Secure: s.cfg.Secure, SameSite: fiber.CookieSameSiteStrictMode,
	})
}
