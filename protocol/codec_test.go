package protocol

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	up := []Message{
		&Hello{Header: Header{ID: "h1"}, Rev: 42, Agent: "mypos-agent/1.0"},
		&Sync{Header: Header{ID: "s1"}, Since: 7, Cursor: "cashier/0190"},
		&Ack{Header: Header{ID: "a1"}, Rev: 9},
		&License{Header: Header{ID: "l1"}, Key: "ABCDE-FGHJK"},
	}
	down := []Message{
		&Changes{Header: Header{ID: "c1"}, From: 3, To: 5, Items: []Item{{Kind: "cashier", ID: "x", Op: "upsert", Body: json.RawMessage(`{"name":"Ольга"}`)}}},
		&SyncReply{Header: Header{ID: "s1"}, Since: 0, To: 5, Reset: true, Items: []Item{{Kind: "store", ID: "y", Op: "delete"}}, Next: "store/y"},
		&LicenseReply{Header: Header{ID: "l1"}, Result: LicenseRefused, Code: "conflict", Message: "held by another company"},
		&ReceiptAck{Header: Header{ID: "r1"}, ReceiptID: "0190"},
		&Error{Header: Header{ID: "x1"}, Code: CodeBadField, Message: "no"},
		&Command{Header: Header{ID: "k1"}, Name: "sync"},
	}
	check := func(m Message, decode func([]byte) (Message, error)) {
		data, err := Encode(m)
		if err != nil {
			t.Fatalf("Encode(%T): %v", m, err)
		}
		back, err := decode(data)
		if err != nil {
			t.Fatalf("decode %s: %v", data, err)
		}
		if !reflect.DeepEqual(back, m) {
			t.Fatalf("round trip of %s gave %+v", data, back)
		}
	}
	for _, m := range up {
		check(m, DecodeUp)
	}
	for _, m := range down {
		check(m, DecodeDown)
	}
}

func TestDecodeRefuses(t *testing.T) {
	tests := []struct {
		name, payload, code, id string
	}{
		{"NotJSON", `hello`, CodeMalformed, ""},
		{"Array", `[1,2]`, CodeMalformed, ""},
		{"NoVersion", `{"type":"hello","id":"a"}`, CodeVersion, "a"},
		{"OldVersion", `{"v":0,"type":"hello","id":"a"}`, CodeVersion, "a"},
		{"NewVersion", `{"v":2,"type":"hello","id":"a"}`, CodeVersion, "a"},
		{"UnknownType", `{"v":1,"type":"party","id":"a"}`, CodeUnknownType, "a"},
		{"DownTypeSentUp", `{"v":1,"type":"changes","id":"a","from":1,"to":2,"items":[]}`, CodeUnknownType, "a"},
		{"UnknownField", `{"v":1,"type":"hello","id":"a","rev":1,"agent":"x","admin":true}`, CodeBadField, "a"},
		{"WrongType", `{"v":1,"type":"ack","id":"a","rev":"ten"}`, CodeBadField, "a"},
		{"Negative", `{"v":1,"type":"sync","id":"a","since":-1}`, CodeBadField, "a"},
		{"EmptyKey", `{"v":1,"type":"license","id":"a","key":""}`, CodeBadField, "a"},
		{"LongKey", `{"v":1,"type":"license","id":"a","key":"` + strings.Repeat("K", 65) + `"}`, CodeBadField, "a"},
		{"LongID", `{"v":1,"type":"ack","id":"` + strings.Repeat("i", 65) + `","rev":1}`, CodeBadField, ""},
		{"Trailing", `{"v":1,"type":"ack","id":"a","rev":1} {}`, CodeMalformed, ""},
		{"TooLarge", `{"v":1,"type":"hello","id":"a","agent":"` + strings.Repeat("x", MaxMessageSize) + `"}`, CodeTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := DecodeUp([]byte(tt.payload))
			var de *DecodeError
			if !errors.As(err, &de) || de.Code != tt.code || de.ID != tt.id {
				t.Fatalf("DecodeUp=%v, %v; want a %s error with id %q", m, err, tt.code, tt.id)
			}
			if m != nil {
				t.Fatal("a refused payload returned a message")
			}
		})
	}
	_, err := DecodeUp([]byte(`{"v":0,"type":"hello","id":"a"}`))
	if !strings.Contains(err.Error(), "update mypos-agent") {
		t.Fatalf("an old agent is not told to update: %v", err)
	}
}

func TestEncodeRefusesOversize(t *testing.T) {
	big := &Changes{Items: []Item{{Kind: "goods", ID: "x", Op: "upsert", Body: json.RawMessage(`"` + strings.Repeat("x", MaxMessageSize) + `"`)}}}
	var de *DecodeError
	if _, err := Encode(big); !errors.As(err, &de) || de.Code != CodeTooLarge {
		t.Fatalf("Encode of an oversized batch: %v, want too_large", err)
	}
}

// The decoders never panic and whatever they accept survives a round trip.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"v":1,"type":"hello","id":"h","rev":1,"agent":"a"}`,
		`{"v":1,"type":"sync","id":"s","since":3,"cursor":"c"}`,
		`{"v":1,"type":"ack","id":"a","rev":2}`,
		`{"v":1,"type":"license","id":"l","key":"K"}`,
		`{"v":1,"type":"receipt","id":"0193a5c0-7d1e-7c3a-9f00-1234567890ab","receipt":{"id":"0193a5c0-7d1e-7c3a-9f00-1234567890ab","number":1,"at":"2026-11-28T10:00:00+03:00","cashier_id":"c","payment":"cash","lines":[{"goods_id":"g","name":"n","price":100,"quantity":1000,"unit":"piece","vat":"22"}],"total":100}}`,
		`{"v":1,"type":"changes","id":"c","from":1,"to":2,"items":[{"kind":"k","id":"i","op":"upsert","body":{}}]}`,
		`{"v":1,"type":"sync_reply","id":"s","since":0,"to":1,"reset":true,"items":[],"next":"n"}`,
		`{"v":1,"type":"error","id":"e","code":"x","message":"y"}`,
		`{"v":1,"type":"command","id":"k","name":"sync","args":null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, decode := range []func([]byte) (Message, error){DecodeUp, DecodeDown} {
			m, err := decode(data)
			if err != nil {
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("error %v is not a *DecodeError", err)
				}
				continue
			}
			again, err := Encode(m)
			if err != nil {
				t.Fatalf("accepted %q but cannot encode it: %v", data, err)
			}
			back, err := decode(again)
			if err != nil {
				t.Fatalf("accepted %q, re-encoded as %q, refused: %v", data, again, err)
			}
			if !reflect.DeepEqual(back, m) {
				t.Fatalf("round trip changed %q: %+v vs %+v", data, m, back)
			}
		}
	})
}
