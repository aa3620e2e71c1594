package invoice

import (
	"testing"

	"github.com/remitapp/remit/internal/remit"
)

func TestApply(t *testing.T) {
	t.Parallel()
	base := Invoice{Number: "INV-1", Currency: "USD", Total: dec("100.00"), Paid: dec("0"), LateFees: dec("0")}
	with := func(status Status, paid string, disputed bool) Invoice {
		inv := base
		inv.Status, inv.Paid, inv.Disputed = status, dec(paid), disputed
		return inv
	}
	tests := []struct {
		name         string
		inv          Invoice
		action       Action
		wantStatus   Status
		wantDisputed bool
		wantKind     remit.Kind // 0 (Internal) = allowed
	}{
		{"void open unpaid", with(StatusOpen, "0", false), ActionVoid, StatusVoid, false, 0},
		{"void open disputed", with(StatusOpen, "0", true), ActionVoid, StatusVoid, true, 0},
		{"void partially paid", with(StatusPartiallyPaid, "10.00", false), ActionVoid, "", false, remit.Unprocessable},
		{"void paid", with(StatusPaid, "100.00", false), ActionVoid, "", false, remit.Unprocessable},
		{"void void", with(StatusVoid, "0", false), ActionVoid, "", false, remit.Unprocessable},
		{"void written off", with(StatusUncollectible, "0", false), ActionVoid, "", false, remit.Unprocessable},
		{"write off open", with(StatusOpen, "0", false), ActionWriteOff, StatusUncollectible, false, 0},
		{"write off partially paid", with(StatusPartiallyPaid, "10.00", false), ActionWriteOff, StatusUncollectible, false, 0},
		{"write off paid", with(StatusPaid, "100.00", false), ActionWriteOff, "", false, remit.Unprocessable},
		{"write off void", with(StatusVoid, "0", false), ActionWriteOff, "", false, remit.Unprocessable},
		{"write off twice", with(StatusUncollectible, "0", false), ActionWriteOff, "", false, remit.Unprocessable},
		{"dispute open", with(StatusOpen, "0", false), ActionDispute, StatusOpen, true, 0},
		{"dispute partially paid", with(StatusPartiallyPaid, "1.00", false), ActionDispute, StatusPartiallyPaid, true, 0},
		{"dispute twice", with(StatusOpen, "0", true), ActionDispute, "", false, remit.Unprocessable},
		{"dispute paid", with(StatusPaid, "100.00", false), ActionDispute, "", false, remit.Unprocessable},
		{"dispute void", with(StatusVoid, "0", false), ActionDispute, "", false, remit.Unprocessable},
		{"undispute disputed", with(StatusOpen, "0", true), ActionUndispute, StatusOpen, false, 0},
		{"undispute disputed void", with(StatusVoid, "0", true), ActionUndispute, StatusVoid, false, 0},
		{"undispute not disputed", with(StatusOpen, "0", false), ActionUndispute, "", false, remit.Unprocessable},
		{"unknown action", with(StatusOpen, "0", false), Action("pay"), "", false, remit.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Apply(tt.inv, tt.action)
			if tt.wantKind != 0 {
				if !remit.IsKind(err, tt.wantKind) {
					t.Fatalf("err = %v, want kind %v", err, tt.wantKind)
				}
				if got.Status != tt.inv.Status || got.Disputed != tt.inv.Disputed {
					t.Fatalf("refused action changed the invoice: %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.wantStatus || got.Disputed != tt.wantDisputed {
				t.Fatalf("got %s disputed=%v, want %s disputed=%v", got.Status, got.Disputed, tt.wantStatus, tt.wantDisputed)
			}
		})
	}
}
