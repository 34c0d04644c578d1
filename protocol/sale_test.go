package protocol

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// aSale is a valid two-line sale punched in Vladivostok just after its
// midnight (UTC+10): 2 pieces at 59.90 with 10 % off, 1.234 kg at 120.00.
func aSale(t *testing.T) Sale {
	t.Helper()
	at, err := time.Parse(time.RFC3339, "2026-11-29T00:15:00+10:00")
	if err != nil {
		t.Fatal(err)
	}
	return Sale{
		ID: "0193a5c0-7d1e-7c3a-9f00-1234567890ab", Number: 7, At: at, CashierID: "c1", Payment: PaymentCard,
		Lines: []SaleLine{
			{GoodsID: "g1", Name: "Молоко 1 л", DiscountID: "d1", Line: Line{Price: 5990, Quantity: 2000, Unit: UnitPiece, VAT: VAT10, Discount: &Discount{Kind: DiscountPercent, Value: 1000}}},
			{GoodsID: "g2", Name: "Сыр", Line: Line{Price: 12000, Quantity: 1234, Unit: UnitWeight, VAT: VAT22}},
		},
		Total: 10782 + 14808,
	}
}

func TestSaleRoundTripsAndChecks(t *testing.T) {
	s := aSale(t)
	data, err := Encode(&ReceiptUpload{Header: Header{ID: s.ID}, Receipt: s})
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeUp(data)
	if err != nil {
		t.Fatalf("DecodeUp(%s): %v", data, err)
	}
	back := m.(*ReceiptUpload).Receipt
	if !back.At.Equal(s.At) || back.Lines[0].Discount.Value != 1000 || back.Lines[1].Name != "Сыр" || back.Total != s.Total {
		t.Fatalf("round trip gave %+v", back)
	}
	tot, err := CheckSale(&back)
	if err != nil || tot.Total != s.Total || tot.Discount != 1198 {
		t.Fatalf("CheckSale = %+v, %v", tot, err)
	}
	if back.Day() != "2026-11-29" {
		t.Fatalf("Day = %s, want the till's local date 2026-11-29", back.Day())
	}
}

func TestCheckSaleRefuses(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(*Sale)
		want  string
	}{
		{"NotUUID", func(s *Sale) { s.ID = "receipt-1" }, "UUID"},
		{"NoNumber", func(s *Sale) { s.Number = 0 }, "number"},
		{"NoTime", func(s *Sale) { s.At = time.Time{} }, "at is required"},
		{"NoCashier", func(s *Sale) { s.CashierID = "" }, "cashier_id"},
		{"Payment", func(s *Sale) { s.Payment = "barter" }, "payment"},
		{"NoLines", func(s *Sale) { s.Lines = nil }, "at least one line"},
		{"NoGoods", func(s *Sale) { s.Lines[1].GoodsID = "" }, "line 2: goods_id"},
		{"LongName", func(s *Sale) { s.Lines[0].Name = strings.Repeat("я", 257) }, "line 1: name"},
		{"BadLine", func(s *Sale) { s.Lines[0].Quantity = 1500 }, "pieces are whole"},
		{"Total", func(s *Sale) { s.Total++ }, "stated 25591, computed 25590"},
		{"TotalOverLimit", func(s *Sale) { s.Total = MaxReceiptAmount + 1 }, "total is 0 to"},
		{"LinesOverLimit", func(s *Sale) {
			s.Lines[1].Quantity, s.Lines[1].Price = 100_000, MaxPrice // 100 kg at 10 000 000 ₽
		}, "more than 100 000 000 ₽ before discounts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := aSale(t)
			tt.spoil(&s)
			if _, err := CheckSale(&s); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("CheckSale = %v, want an error about %q", err, tt.want)
			}
			data, err := Encode(&ReceiptUpload{Header: Header{ID: s.ID}, Receipt: s})
			if err != nil {
				t.Fatal(err)
			}
			var de *DecodeError
			if _, err := DecodeUp(data); !errors.As(err, &de) || de.Code != CodeBadField {
				t.Fatalf("DecodeUp of a bad sale: %v, want bad_field", err)
			}
		})
	}
	s := aSale(t)
	s.Total++
	if _, err := CheckSale(&s); !errors.Is(err, ErrTotalMismatch) {
		t.Fatalf("a wrong total is %v, want ErrTotalMismatch", err)
	}
}

func TestReceiptUploadIDIsTheReceipts(t *testing.T) {
	s := aSale(t)
	data, err := Encode(&ReceiptUpload{Header: Header{ID: "other"}, Receipt: s})
	if err != nil {
		t.Fatal(err)
	}
	var de *DecodeError
	if _, err := DecodeUp(data); !errors.As(err, &de) || de.Code != CodeBadField || de.ID != "other" {
		t.Fatalf("an upload whose id is not its receipt's: %v", err)
	}
}
