package licensing

import (
	"context"
	"time"

	"mypos"
	"mypos/db"
)

// Document is one numbered, dated, append-only record of license facts
// changing: who issued it, to whom, and a line per license with its facts
// before and after.
type Document struct {
	ID         string    `json:"id"`
	Number     int64     `json:"number"`
	Type       string    `json:"type"`
	CreatedAt  time.Time `json:"created_at"`
	Author     Author    `json:"author"`
	PartnerID  *string   `json:"partner_id,omitempty"`
	CompanyID  *string   `json:"company_id,omitempty"`
	DeviceID   *string   `json:"device_id,omitempty"`
	Licensee   *Licensee `json:"licensee,omitempty"`
	LicenseIDs []string  `json:"license_ids"`
	Lines      []Line    `json:"lines"`
}

// Author is who issued a document: an account, or the device a key was
// entered on.
type Author struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Line is one license's change in a document. From is nil where the
// document created the license (a sale).
type Line struct {
	LicenseID string `json:"license_id"`
	From      *Facts `json:"from"`
	To        Facts  `json:"to"`
}

// documentRow is the stored document.
type documentRow struct {
	ID            string    `gorm:"column:id;primaryKey"`
	Number        int64     `gorm:"column:number"`
	Type          string    `gorm:"column:type"`
	CreatedAt     time.Time `gorm:"column:created_at"`
	AuthorKind    string    `gorm:"column:author_kind"`
	AuthorID      string    `gorm:"column:author_id"`
	PartnerID     *string   `gorm:"column:partner_id"`
	CompanyID     *string   `gorm:"column:company_id"`
	DeviceID      *string   `gorm:"column:device_id"`
	LicenseeName  *string   `gorm:"column:licensee_name"`
	LicenseeINN   *string   `gorm:"column:licensee_inn"`
	LicenseeEmail *string   `gorm:"column:licensee_email"`
}

func (documentRow) TableName() string { return "license_documents" }

// lineRow is a stored line: the facts before (when the license existed) and after.
type lineRow struct {
	DocumentID    string  `gorm:"column:document_id;primaryKey"`
	Line          int     `gorm:"column:line;primaryKey"`
	LicenseID     string  `gorm:"column:license_id"`
	FromExists    bool    `gorm:"column:from_exists"`
	FromSealed    bool    `gorm:"column:from_sealed"`
	FromPartnerID *string `gorm:"column:from_partner_id"`
	FromCompanyID *string `gorm:"column:from_company_id"`
	FromDeviceID  *string `gorm:"column:from_device_id"`
	ToSealed      bool    `gorm:"column:to_sealed"`
	ToPartnerID   *string `gorm:"column:to_partner_id"`
	ToCompanyID   *string `gorm:"column:to_company_id"`
	ToDeviceID    *string `gorm:"column:to_device_id"`
}

func (lineRow) TableName() string { return "license_document_lines" }

func (r *lineRow) line() Line {
	l := Line{LicenseID: r.LicenseID, To: Facts{Sealed: r.ToSealed, PartnerID: r.ToPartnerID, CompanyID: r.ToCompanyID, DeviceID: r.ToDeviceID}}
	if r.FromExists {
		l.From = &Facts{Sealed: r.FromSealed, PartnerID: r.FromPartnerID, CompanyID: r.FromCompanyID, DeviceID: r.FromDeviceID}
	}
	return l
}

func newLineRow(docID string, n int, l Line) lineRow {
	r := lineRow{DocumentID: docID, Line: n, LicenseID: l.LicenseID,
		ToSealed: l.To.Sealed, ToPartnerID: l.To.PartnerID, ToCompanyID: l.To.CompanyID, ToDeviceID: l.To.DeviceID}
	if l.From != nil {
		r.FromExists, r.FromSealed = true, l.From.Sealed
		r.FromPartnerID, r.FromCompanyID, r.FromDeviceID = l.From.PartnerID, l.From.CompanyID, l.From.DeviceID
	}
	return r
}

func (r *documentRow) document(lines []lineRow) Document {
	d := Document{
		ID: r.ID, Number: r.Number, Type: r.Type, CreatedAt: r.CreatedAt, Author: Author{Kind: r.AuthorKind, ID: r.AuthorID},
		PartnerID: r.PartnerID, CompanyID: r.CompanyID, DeviceID: r.DeviceID,
		LicenseIDs: make([]string, 0, len(lines)), Lines: make([]Line, 0, len(lines)),
	}
	if r.LicenseeName != nil {
		d.Licensee = &Licensee{Name: *r.LicenseeName, INN: deref(r.LicenseeINN), Email: deref(r.LicenseeEmail)}
	}
	for i := range lines {
		d.LicenseIDs = append(d.LicenseIDs, lines[i].LicenseID)
		d.Lines = append(d.Lines, lines[i].line())
	}
	return d
}

// draft is a document about to be written, with the licenses it changes,
// each locked by the caller and carrying its new facts.
type draft struct {
	doc     documentRow
	changes []change
	// check, when set, runs once the document is numbered — under the
	// counter's lock — and refuses the document by returning an error.
	check func(ctx context.Context) error
	// written is the document once stored.
	written *Document
}

// change is one license going from its stored facts to new ones; a new
// license (a sale) has no stored facts yet.
type change struct {
	row      *licenseRow
	from, to Facts
	new      bool
}

func newDraft(typ string, author mypos.Actor) *draft {
	return &draft{doc: documentRow{Type: typ, AuthorKind: author.Kind, AuthorID: author.ID}}
}

// add records a locked license's new facts.
func (d *draft) add(row *licenseRow, to Facts) {
	d.changes = append(d.changes, change{row: row, from: row.facts(), to: to})
}

// addNew records a license the document creates.
func (d *draft) addNew(row *licenseRow, to Facts) {
	d.changes = append(d.changes, change{row: row, to: to, new: true})
}

// write stores the draft with its lines, gives each license its new facts
// and numbers the document — all in the transaction of ctx. The counter row
// is the second lock of the order, and every license write holds it until
// commit; so what needs no number (facts, lines) is written before it is
// taken, and only the check and the document itself after.
func (s *Service) write(ctx context.Context, d *draft) (*Document, error) {
	d.doc.ID = mypos.NewID()
	lines := make([]lineRow, len(d.changes))
	for i, c := range d.changes {
		l := Line{LicenseID: c.row.ID, To: c.to}
		if !c.new {
			l.From = &c.from
		}
		lines[i] = newLineRow(d.doc.ID, i+1, l)
	}
	if err := s.applyFacts(ctx, d, s.now()); err != nil {
		return nil, err
	}
	if err := s.db.Conn(ctx).CreateInBatches(lines, 500).Error; err != nil {
		return nil, err
	}
	number, err := s.nextNumber(ctx)
	if err != nil {
		return nil, err
	}
	if d.check != nil {
		if err := d.check(ctx); err != nil {
			return nil, err
		}
	}
	// Dated under the counter's lock, so dates never run against numbers.
	d.doc.Number, d.doc.CreatedAt = number, s.now()
	if err := s.db.Conn(ctx).Create(&d.doc).Error; err != nil {
		return nil, err
	}
	doc := d.doc.document(lines)
	d.written = &doc
	return &doc, nil
}

// applyFacts stores each license's new facts: new licenses are inserted,
// the others updated — those leaving a device first, so the device's unique
// index never sees two licenses on one device. Licenses are written before
// the lines that refer to them.
func (s *Service) applyFacts(ctx context.Context, d *draft, now time.Time) error {
	var fresh, leaving, rest []*licenseRow
	for _, c := range d.changes {
		c.row.setFacts(c.to)
		c.row.UpdatedAt = now
		if d.doc.Type == TypeUnseal {
			c.row.LicenseeName, c.row.LicenseeINN, c.row.LicenseeEmail = d.doc.LicenseeName, d.doc.LicenseeINN, d.doc.LicenseeEmail
		}
		switch {
		case c.new:
			c.row.CreatedAt = now
			fresh = append(fresh, c.row)
		case c.to.DeviceID == nil:
			leaving = append(leaving, c.row)
		default:
			rest = append(rest, c.row)
		}
	}
	for _, row := range append(leaving, rest...) {
		err := s.db.Conn(ctx).Model(row).Select("sealed", "partner_id", "company_id", "device_id",
			"licensee_name", "licensee_inn", "licensee_email", "updated_at").Updates(row).Error
		if db.IsDuplicate(err) {
			// Another license reached the device after this one's facts
			// were read: the caller retries with the new facts.
			return conflict("The device's license changed meanwhile: try again.")
		}
		if err != nil {
			return err
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	return s.db.Conn(ctx).CreateInBatches(fresh, 500).Error
}

// nextNumber takes the next document number from the counter row, locking
// it until commit: numbers are gapless, and a rollback uses none.
func (s *Service) nextNumber(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Conn(ctx).Raw(`UPDATE license_counter SET last = last + 1 WHERE id = 1 RETURNING last`).Row().Scan(&n)
	return n, err
}
