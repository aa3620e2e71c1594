package invoice

import (
	"errors"
	"testing"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

func TestCheckPayment(t *testing.T) {
	t.Parallel()
	today := Date{2026, 12, 1}
	inv := func(cur money.Currency, total, paid string, status Status) *Invoice {
		return &Invoice{Number: "INV-1", Currency: cur, Status: status, Total: dec(total), Paid: dec(paid), LateFees: dec("0"),
			IssueDate: Date{2026, 11, 16}, DueDate: Date{2026, 12, 16}}
	}
	ok := PaymentInput{Amount: "40.00", PaidOn: Date{2026, 11, 20}, Method: "bank-transfer"}
	with := func(f func(*PaymentInput)) PaymentInput { p := ok; f(&p); return p }
	tests := []struct {
		name      string
		inv       *Invoice
		in        PaymentInput
		want      string
		wantField string // "" with want "" = refused without fields
	}{
		{"partial", inv("USD", "100.00", "0", StatusOpen), ok, "40", ""},
		{"exact balance", inv("USD", "100.00", "60.00", StatusPartiallyPaid), ok, "40", ""},
		{"whole units for JPY", inv("JPY", "1000", "0", StatusOpen), with(func(p *PaymentInput) { p.Amount = "999" }), "999", ""},
		{"three decimals for KWD", inv("KWD", "10.000", "0", StatusOpen), with(func(p *PaymentInput) { p.Amount = "0.125" }), "0.125", ""},
		{"paid today", inv("USD", "100.00", "0", StatusOpen), with(func(p *PaymentInput) { p.PaidOn = today }), "40", ""},
		{"overpayment", inv("USD", "100.00", "60.01", StatusPartiallyPaid), ok, "", "amount"},
		{"zero", inv("USD", "100.00", "0", StatusOpen), with(func(p *PaymentInput) { p.Amount = "0.00" }), "", "amount"},
		{"negative", inv("USD", "100.00", "0", StatusOpen), with(func(p *PaymentInput) { p.Amount = "-5.00" }), "", "amount"},
		{"finer than cents", inv("USD", "100.00", "0", StatusOpen), with(func(p *PaymentInput) { p.Amount = "10.005" }), "", "amount"},
		{"decimals for JPY", inv("JPY", "1000", "0", StatusOpen), with(func(p *PaymentInput) { p.Amount = "10.5" }), "", "amount"},
		{"exponent", inv("USD", "100.00", "0", StatusOpen), with(func(p *PaymentInput) { p.Amount = "1e1" }), "", "amount"},
		{"no amount", inv("USD", "100.00", "0", StatusOpen), with(func(p *PaymentInput) { p.Amount = "" }), "", "amount"},
		{"no date", inv("USD", "100.00", "0", StatusOpen), with(func(p *PaymentInput) { p.PaidOn = Date{} }), "", "paidOn"},
		{"future date", inv("USD", "100.00", "0", StatusOpen), with(func(p *PaymentInput) { p.PaidOn = today.AddDays(1) }), "", "paidOn"},
		{"before issue", inv("USD", "100.00", "0", StatusOpen), with(func(p *PaymentInput) { p.PaidOn = Date{2026, 11, 15} }), "", "paidOn"},
		{"no method", inv("USD", "100.00", "0", StatusOpen), with(func(p *PaymentInput) { p.Method = "" }), "", "method"},
		{"paid invoice", inv("USD", "100.00", "100.00", StatusPaid), ok, "", ""},
		{"void invoice", inv("USD", "100.00", "0", StatusVoid), ok, "", ""},
		{"written off invoice", inv("USD", "100.00", "0", StatusUncollectible), ok, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckPayment(tt.inv, tt.in, today)
			if tt.want != "" {
				if err != nil || got.String() != tt.want {
					t.Fatalf("CheckPayment = %s, %v; want %s", got, err, tt.want)
				}
				return
			}
			if !remit.IsKind(err, remit.Unprocessable) {
				t.Fatalf("err = %v, want unprocessable", err)
			}
			var re *remit.Error
			if errors.As(err, &re); tt.wantField != "" && re.Fields[tt.wantField] == "" {
				t.Fatalf("fields %v do not name %s", re.Fields, tt.wantField)
			}
		})
	}
}

func TestStatusAfterPaid(t *testing.T) {
	t.Parallel()
	inv := &Invoice{Total: dec("100.00"), LateFees: dec("5.00")}
	tests := []struct {
		paid string
		want Status
	}{
		{"0", StatusOpen},
		{"0.01", StatusPartiallyPaid},
		{"100.00", StatusPartiallyPaid}, // late fees still owed
		{"105.00", StatusPaid},
	}
	for _, tt := range tests {
		if got := StatusAfterPaid(inv, dec(tt.paid)); got != tt.want {
			t.Errorf("StatusAfterPaid(%s) = %s, want %s", tt.paid, got, tt.want)
		}
	}
}
