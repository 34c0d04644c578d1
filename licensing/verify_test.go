package licensing_test

import (
	"context"
	"strings"
	"testing"

	"mypos"
)

// The replay finds every kind of disagreement between the stored facts and
// the documents: a fact changed behind the documents' back, a document
// edited, a license without a document, a gap in the numbers.
func TestVerifyFindsDifferences(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(f *fixture, id, partnerID string) string // SQL to run
		want   string
	}{
		{"FactChanged", func(f *fixture, id, _ string) string {
			return "UPDATE licenses SET sealed = " + sqlFalse(f) + " WHERE id = '" + id + "'"
		}, "stored {unsealed"},
		{"LineEdited", func(f *fixture, id, _ string) string {
			return "UPDATE license_document_lines SET to_sealed = " + sqlFalse(f) + " WHERE license_id = '" + id + "'"
		}, "breaks the rule: a sale creates a sealed license"},
		{"NoDocument", func(f *fixture, id, partnerID string) string {
			return "INSERT INTO licenses (id, key, key_norm, sealed, partner_id, created_at, updated_at) VALUES ('" +
				mypos.NewID() + "', 'K', 'K', " + sqlFalse(f) + ", '" + partnerID + "', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
		}, "no document created it"},
		{"NumberGap", func(f *fixture, id, _ string) string {
			return "UPDATE license_documents SET number = 7"
		}, "the numbers have a gap"},
		{"LicenseeChanged", func(f *fixture, id, _ string) string {
			return "UPDATE licenses SET licensee_name = 'Someone' WHERE id = '" + id + "'"
		}, "licensee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			p := f.partner(t)
			id := f.sell(t, p, 1)[0]
			if diffs, err := f.lic.Verify(context.Background()); err != nil || len(diffs) != 0 {
				t.Fatalf("before tampering: %v, %v", diffs, err)
			}
			if err := f.db.Conn(context.Background()).Exec(tt.tamper(f, id, idOf(p))).Error; err != nil {
				t.Fatal(err)
			}
			diffs, err := f.lic.Verify(context.Background())
			if err != nil || len(diffs) == 0 || !strings.Contains(diffs[0].String(), tt.want) {
				t.Fatalf("differences %v, %v; want one saying %q", diffs, err, tt.want)
			}
			undo(t, f) // the fixture's own check at the end must pass
		})
	}
}

func sqlFalse(f *fixture) string {
	if f.db.Dialect() == "postgres" {
		return "FALSE"
	}
	return "0"
}

// undo empties the licensing tables, so the test's final replay is clean.
func undo(t *testing.T, f *fixture) {
	t.Helper()
	for _, stmt := range []string{"DELETE FROM license_document_lines", "DELETE FROM license_documents", "DELETE FROM licenses", "UPDATE license_counter SET last = 0"} {
		if err := f.db.Conn(context.Background()).Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
	}
}
