package licensing

import (
	"context"
	"fmt"
	"sort"

	"mypos/db"
)

// Difference is one way the stored facts and the documents disagree.
type Difference struct {
	// Document is the number of the document at fault, 0 when none is.
	Document int64
	// License is the license concerned, "" when none is.
	License string
	Problem string
}

func (d Difference) String() string {
	switch {
	case d.Document != 0 && d.License != "":
		return fmt.Sprintf("document %d, license %s: %s", d.Document, d.License, d.Problem)
	case d.Document != 0:
		return fmt.Sprintf("document %d: %s", d.Document, d.Problem)
	default:
		return fmt.Sprintf("license %s: %s", d.License, d.Problem)
	}
}

// replayed is a license as the documents alone build it.
type replayed struct {
	facts    Facts
	licensee *Licensee
}

// replay is the state the documents build: every license, and the licenses
// on each device, so a device with two is caught as the document that does
// it is read.
type replay struct {
	licenses map[string]*replayed
	onDevice map[string]map[string]bool
}

// set gives a license new facts, keeping the device index.
func (r *replay) set(id string, cur *replayed, to Facts) {
	if d := cur.facts.DeviceID; d != nil {
		delete(r.onDevice[*d], id)
	}
	if d := to.DeviceID; d != nil {
		if r.onDevice[*d] == nil {
			r.onDevice[*d] = make(map[string]bool)
		}
		r.onDevice[*d][id] = true
	}
	cur.facts = to
}

// Verify rebuilds every license's facts from the documents alone — in number
// order, each line checked against the facts before it and the rule of its
// document's type — and compares them with the stored facts. An empty
// answer means the two agree exactly. It is for the administrator's command
// line and tests, and checks nothing of the caller. It reads everything in
// one snapshot — on Postgres a repeatable-read transaction, which writers
// do not wait for; on SQLite a transaction, which they do — so an operation
// committing meanwhile is either wholly in the picture or wholly out.
func (s *Service) Verify(ctx context.Context) ([]Difference, error) {
	var diffs []Difference
	snapshot := s.db.Dialect() == db.Postgres && !db.InTransaction(ctx)
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		if snapshot { // the first statement of a transaction of its own
			if err := s.db.Conn(ctx).Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").Error; err != nil {
				return err
			}
		}
		state, err := s.replay(ctx, &diffs)
		if err != nil {
			return err
		}
		return s.compare(ctx, state, &diffs)
	})
	return diffs, err
}

// replay walks the documents in number order and returns the licenses they build.
func (s *Service) replay(ctx context.Context, diffs *[]Difference) (map[string]*replayed, error) {
	var docs []documentRow
	if err := s.db.Conn(ctx).Order("number").Find(&docs).Error; err != nil {
		return nil, err
	}
	var lines []lineRow
	if err := s.db.Conn(ctx).Order("document_id, line").Find(&lines).Error; err != nil {
		return nil, err
	}
	byDoc := make(map[string][]lineRow, len(docs))
	for _, l := range lines {
		byDoc[l.DocumentID] = append(byDoc[l.DocumentID], l)
	}
	r := &replay{licenses: make(map[string]*replayed), onDevice: make(map[string]map[string]bool)}
	for i := range docs {
		doc := docs[i].document(byDoc[docs[i].ID])
		report := func(license, problem string) {
			*diffs = append(*diffs, Difference{Document: doc.Number, License: license, Problem: problem})
		}
		if doc.Number != int64(i+1) {
			report("", fmt.Sprintf("numbered %d, want %d: the numbers have a gap", doc.Number, i+1))
		}
		if len(doc.Lines) == 0 {
			report("", "it has no lines")
		}
		for _, l := range doc.Lines {
			if problem := r.apply(&doc, l); problem != "" {
				report(l.LicenseID, problem)
			}
		}
		for _, l := range doc.Lines {
			if d := l.To.DeviceID; d != nil && len(r.onDevice[*d]) > 1 {
				report("", fmt.Sprintf("it leaves %d licenses on device %s", len(r.onDevice[*d]), *d))
			}
		}
	}
	return r.licenses, nil
}

// apply checks one line against the replayed facts and its document's rule,
// then takes its facts. It returns what is wrong, or "".
func (r *replay) apply(doc *Document, l Line) string {
	cur, exists := r.licenses[l.LicenseID]
	switch {
	case l.From == nil && exists:
		return "created again"
	case l.From != nil && !exists:
		return "changed before any document created it"
	case l.From != nil && !l.From.Equal(cur.facts):
		return fmt.Sprintf("its facts before were %s, the documents say %s", show(*l.From), show(cur.facts))
	}
	if problem := rule(doc, l); problem != "" {
		return problem
	}
	if !exists {
		cur = &replayed{}
		r.licenses[l.LicenseID] = cur
	}
	r.set(l.LicenseID, cur, l.To)
	if doc.Type == TypeUnseal {
		cur.licensee = doc.Licensee
	}
	return ""
}

// compare reports every license whose stored facts differ from the replay,
// and licenses that exist on one side only.
func (s *Service) compare(ctx context.Context, state map[string]*replayed, diffs *[]Difference) error {
	var rows []licenseRow
	if err := s.db.Conn(ctx).Order("id").Find(&rows).Error; err != nil {
		return err
	}
	stored := make(map[string]bool, len(rows))
	for i := range rows {
		r := &rows[i]
		stored[r.ID] = true
		want, ok := state[r.ID]
		switch {
		case !ok:
			*diffs = append(*diffs, Difference{License: r.ID, Problem: "stored, but no document created it"})
		case !r.facts().Equal(want.facts):
			*diffs = append(*diffs, Difference{License: r.ID, Problem: fmt.Sprintf("stored %s, the documents say %s", show(r.facts()), show(want.facts))})
		case !sameLicensee(r.licensee(), want.licensee):
			*diffs = append(*diffs, Difference{License: r.ID, Problem: "its stored licensee is not the one its unseal document names"})
		}
	}
	var missing []string
	for id := range state {
		if !stored[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	for _, id := range missing {
		*diffs = append(*diffs, Difference{License: id, Problem: "documented, but not stored"})
	}
	return nil
}

func sameLicensee(a, b *Licensee) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// show prints facts for a person.
func show(f Facts) string {
	holder := "no holder"
	switch {
	case f.PartnerID != nil:
		holder = "partner " + *f.PartnerID
	case f.CompanyID != nil:
		holder = "company " + *f.CompanyID
	}
	device := "no device"
	if f.DeviceID != nil {
		device = "device " + *f.DeviceID
	}
	seal := "unsealed"
	if f.Sealed {
		seal = "sealed"
	}
	return fmt.Sprintf("{%s, %s, %s}", seal, holder, device)
}

// Count returns how many licenses exist, for the administrator's command
// line beside Verify. It checks nothing of the caller.
func (s *Service) Count(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Conn(ctx).Model(&licenseRow{}).Count(&n).Error
	return n, err
}
