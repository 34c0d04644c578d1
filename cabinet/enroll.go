package cabinet

import (
	"github.com/gofiber/fiber/v2"
)

type enrollRequest struct {
	Code  string `json:"code"`
	Nonce string `json:"nonce"`
}

type enrollResponse struct {
	DeviceID string `json:"device_id"`
	Secret   string `json:"secret"`
	MQTTURL  string `json:"mqtt_url"`
}

// enroll is a terminal exchanging its enrollment code for its identity
// (DESIGN §6). Anyone may call it; the device service limits attempts per
// address.
func (s *Server) enroll(c *fiber.Ctx) error {
	var req enrollRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	e, err := s.cfg.Devices.Enroll(c.UserContext(), req.Code, req.Nonce, c.IP())
	if err != nil {
		return err
	}
	noStore(c)
	return c.JSON(enrollResponse{DeviceID: e.DeviceID, Secret: e.Secret, MQTTURL: s.cfg.PublicMQTTURL})
}
