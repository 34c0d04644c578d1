package cabinet

import (
	"context"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"mypos"
	"mypos/db"
	"mypos/licensing"
)

// documentRequest is the body of POST /documents: a type and its fields.
//   - sale (owner): partner_id, count
//   - transfer (partner): company_id, license_ids
//   - unseal (partner): license_ids, licensee {name, inn, email}
//   - assign, move (company): license_id, device_id
//   - release (company): license_id, or device_id to free a device
//
// Activations are not issued here: a key is typed on a terminal.
type documentRequest struct {
	Type       string              `json:"type"`
	PartnerID  string              `json:"partner_id"`
	Count      int                 `json:"count"`
	CompanyID  string              `json:"company_id"`
	LicenseIDs []string            `json:"license_ids"`
	Licensee   *licensing.Licensee `json:"licensee"`
	LicenseID  string              `json:"license_id"`
	DeviceID   string              `json:"device_id"`
}

// fieldsOf are the fields each type takes; any other set is refused, so a
// client that sends a transfer's company_id with a sale learns it at once.
var fieldsOf = map[string][]string{
	licensing.TypeSale:     {"partner_id", "count"},
	licensing.TypeTransfer: {"company_id", "license_ids"},
	licensing.TypeUnseal:   {"license_ids", "licensee"},
	licensing.TypeAssign:   {"license_id", "device_id"},
	licensing.TypeMove:     {"license_id", "device_id"},
	licensing.TypeRelease:  {"license_id", "device_id"},
}

// present names the fields the request set, in the order of the struct.
func (r *documentRequest) present() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"partner_id", r.PartnerID != ""}, {"count", r.Count != 0}, {"company_id", r.CompanyID != ""},
		{"license_ids", r.LicenseIDs != nil}, {"licensee", r.Licensee != nil},
		{"license_id", r.LicenseID != ""}, {"device_id", r.DeviceID != ""},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// validate refuses an unknown type or a field the type does not take.
func (r *documentRequest) validate() error {
	allowed, ok := fieldsOf[r.Type]
	switch {
	case r.Type == licensing.TypeActivate:
		return mypos.Invalid("type", "A license is activated by typing its key on a terminal.")
	case !ok:
		return mypos.Invalid("type", "Issue a sale, transfer, unseal, assign, move or release.")
	}
	for _, field := range r.present() {
		if !slices.Contains(allowed, field) {
			return mypos.Invalid(field, "A %s document has no %s.", r.Type, field)
		}
	}
	if r.Type == licensing.TypeUnseal && r.Licensee == nil {
		return mypos.Invalid("licensee", "An unseal names its licensee: {name, inn, email}.")
	}
	return nil
}

// createDocument issues a document of a type the caller may issue and
// answers 201 with it (a sale's license_ids are the new licenses).
func (s *Server) createDocument(c *fiber.Ctx) error {
	var req documentRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := req.validate(); err != nil {
		return err
	}
	doc, err := s.issue(c.UserContext(), &req)
	if err != nil {
		return err
	}
	return created(c, doc)
}

func (s *Server) issue(ctx context.Context, r *documentRequest) (*licensing.Document, error) {
	lic := s.cfg.Licensing
	switch r.Type {
	case licensing.TypeSale:
		return lic.Sell(ctx, r.PartnerID, r.Count)
	case licensing.TypeTransfer:
		return lic.Transfer(ctx, r.CompanyID, r.LicenseIDs)
	case licensing.TypeUnseal:
		return lic.Unseal(ctx, r.LicenseIDs, *r.Licensee)
	case licensing.TypeAssign:
		return lic.Assign(ctx, r.LicenseID, r.DeviceID)
	case licensing.TypeMove:
		return lic.Move(ctx, r.LicenseID, r.DeviceID)
	}
	return s.release(ctx, r)
}

// release takes a license off its device, or frees a device of its license.
func (s *Server) release(ctx context.Context, r *documentRequest) (*licensing.Document, error) {
	switch {
	case r.LicenseID != "" && r.DeviceID != "":
		return nil, mypos.Invalid("device_id", "Release a license (license_id) or free a device (device_id), not both.")
	case r.DeviceID != "":
		return s.cfg.Licensing.ReleaseDevice(ctx, r.DeviceID)
	}
	return s.cfg.Licensing.Release(ctx, r.LicenseID)
}

// listDocuments answers GET /documents?type=&from=YYYY-MM-DD&to=YYYY-MM-DD:
// the caller's documents, the period's days counted in UTC, both ends included.
func (s *Server) listDocuments(c *fiber.Ctx) error {
	f := licensing.DocumentFilter{Type: c.Query("type")}
	var err error
	if f.From, err = day(c.Query("from"), "from"); err != nil {
		return err
	}
	if f.To, err = day(c.Query("to"), "to"); err != nil {
		return err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // through the end of that day
	}
	return sendPage(c, func(ctx context.Context, p db.ListParams) ([]licensing.Document, string, error) {
		f.ListParams = p
		return s.cfg.Licensing.Documents(ctx, f)
	})
}

// day reads a YYYY-MM-DD date; empty is the zero time.
func day(text, field string) (time.Time, error) {
	if text == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, text)
	if err != nil {
		return t, mypos.Invalid(field, "A date is written YYYY-MM-DD.")
	}
	return t, nil
}
