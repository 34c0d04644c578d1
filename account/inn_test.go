package account_test

import (
	"testing"

	"mypos"
	"mypos/account"
)

func TestValidateINN(t *testing.T) {
	for _, inn := range []string{"7707083893", "7736207543", "500100732259", "7830002293"} {
		if err := account.ValidateINN("inn", inn); err != nil {
			t.Errorf("ValidateINN(%q)=%v, want nil", inn, err)
		}
	}
	for _, inn := range []string{"", "7707083894", "500100732258", "500100732269", "77070838", "77070838931", "77O7083893", "７７０７０８３８９３",
		"0000000000", "000000000000", "0012345673"} {
		err := account.ValidateINN("inn", inn)
		if mypos.ErrorCode(err) != mypos.EINVALID || mypos.ErrorField(err) != "inn" {
			t.Errorf("ValidateINN(%q)=%v, want EINVALID on field inn", inn, err)
		}
	}
}
