package i18n

import (
	"testing"

	"mypos"
)

// What a page pays for its words and an error page for its detail.
func BenchmarkT(b *testing.B) {
	ru := For(Russian)
	for b.Loop() {
		ru.T("dashboard.hello", "Name", "Ромашка")
	}
}

func BenchmarkMoney(b *testing.B) {
	ru := For(Russian)
	for b.Loop() {
		ru.Money(123456789)
	}
}

func BenchmarkErrorByFormat(b *testing.B) {
	ru := For(Russian)
	err := mypos.Invalid("count", "A sale has 1 to %d licenses.", 1000)
	for b.Loop() {
		ru.Error(err)
	}
}

// The slowest path: a message built by hand, matched against every format.
func BenchmarkErrorByPattern(b *testing.B) {
	ru := For(Russian)
	err := &mypos.Error{Code: mypos.ENOTFOUND, Message: "No such license of yours: 0193abc."}
	for b.Loop() {
		ru.Error(err)
	}
}
