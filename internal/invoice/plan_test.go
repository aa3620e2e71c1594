package invoice

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/remit"
)

func TestCheckPlan(t *testing.T) {
	t.Parallel()
	inv := &Invoice{Number: "INV-1", Currency: "USD", Status: StatusPartiallyPaid, Total: dec("100.00"), Paid: dec("10.00"), LateFees: dec("0"),
		IssueDate: Date{2026, 11, 16}, DueDate: Date{2026, 12, 16}}
	in := func(date, amount string) InstallmentInput {
		d, _ := ParseDate(date)
		return InstallmentInput{DueDate: d, Amount: amount}
	}
	tests := []struct {
		name      string
		inv       *Invoice
		ins       []InstallmentInput
		wantField string // "" = valid
	}{
		{"one installment of the balance", inv, []InstallmentInput{in("2026-12-16", "90.00")}, ""},
		{"three installments", inv, []InstallmentInput{in("2026-11-16", "30.00"), in("2026-12-16", "30.00"), in("2027-01-16", "30.00")}, ""},
		{"empty", inv, nil, "installments"},
		{"short of the balance", inv, []InstallmentInput{in("2026-12-16", "89.99")}, "installments"},
		{"over the balance", inv, []InstallmentInput{in("2026-12-16", "45.00"), in("2027-01-16", "45.01")}, "installments"},
		{"same dates", inv, []InstallmentInput{in("2026-12-16", "45.00"), in("2026-12-16", "45.00")}, "installments[1].dueDate"},
		{"decreasing dates", inv, []InstallmentInput{in("2027-01-16", "45.00"), in("2026-12-16", "45.00")}, "installments[1].dueDate"},
		{"before issue", inv, []InstallmentInput{in("2026-11-15", "90.00")}, "installments[0].dueDate"},
		{"no date", inv, []InstallmentInput{{Amount: "90.00"}}, "installments[0].dueDate"},
		{"zero amount", inv, []InstallmentInput{in("2026-12-16", "0"), in("2027-01-16", "90.00")}, "installments[0].amount"},
		{"negative amount", inv, []InstallmentInput{in("2026-12-16", "-10.00"), in("2027-01-16", "100.00")}, "installments[0].amount"},
		{"sub-cent amount", inv, []InstallmentInput{in("2026-12-16", "45.005"), in("2027-01-16", "44.995")}, "installments[0].amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckPlan(tt.inv, tt.ins)
			if tt.wantField == "" {
				if err != nil || len(got) != len(tt.ins) {
					t.Fatalf("CheckPlan = %v, %v", got, err)
				}
				for _, g := range got {
					if !g.Paid.IsZero() || g.Settled() {
						t.Fatalf("new installment not unpaid: %+v", g)
					}
				}
				return
			}
			var re *remit.Error
			if !errors.As(err, &re) || re.Kind != remit.Unprocessable || re.Fields[tt.wantField] == "" {
				t.Fatalf("err = %v, want unprocessable naming %s", err, tt.wantField)
			}
		})
	}
	paid := *inv
	paid.Status = StatusPaid
	if _, err := CheckPlan(&paid, []InstallmentInput{in("2026-12-16", "90.00")}); !remit.IsKind(err, remit.Unprocessable) {
		t.Fatalf("plan for a paid invoice: %v", err)
	}
}

func TestSettle(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	plan := func(paid ...string) []Installment {
		out := make([]Installment, len(paid))
		for i, p := range paid {
			out[i] = Installment{DueDate: Date{2026, 12 + time.Month(i), 1}, Amount: dec("30.00"), Paid: dec(p)}
			if dec(p).Equal(dec("30.00")) {
				out[i].SettledAt = &at
			}
		}
		return out
	}
	tests := []struct {
		name        string
		ins         []Installment
		amount      string
		wantPaid    []string
		wantSettled []bool
	}{
		{"part of the first", plan("0", "0", "0"), "10.00", []string{"10", "0", "0"}, []bool{false, false, false}},
		{"exactly the first", plan("0", "0", "0"), "30.00", []string{"30", "0", "0"}, []bool{true, false, false}},
		{"spills into the second", plan("0", "0", "0"), "45.00", []string{"30", "15", "0"}, []bool{true, false, false}},
		{"finishes a partly paid one first", plan("20.00", "0", "0"), "25.00", []string{"30", "15", "0"}, []bool{true, false, false}},
		{"skips settled ones", plan("30.00", "0", "0"), "30.00", []string{"30", "30", "0"}, []bool{true, true, false}},
		{"everything", plan("0", "0", "0"), "90.00", []string{"30", "30", "30"}, []bool{true, true, true}},
		{"more than the plan", plan("0", "0", "0"), "95.00", []string{"30", "30", "30"}, []bool{true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := append([]Installment(nil), tt.ins...)
			got := Settle(tt.ins, dec(tt.amount), at)
			for i := range got {
				if !got[i].Paid.Equal(dec(tt.wantPaid[i])) || got[i].Settled() != tt.wantSettled[i] {
					t.Fatalf("installment %d: paid %s settled %v; want %s %v", i, got[i].Paid, got[i].Settled(), tt.wantPaid[i], tt.wantSettled[i])
				}
				if !tt.ins[i].Paid.Equal(before[i].Paid) {
					t.Fatal("Settle modified its input")
				}
			}
		})
	}
}

// TestLowerAndRaisePlan lowers a plan from its last installment still
// owing backwards, never below what was paid towards one (settling it),
// and raises it on its last open installment, or on a new one after the
// last due date when every installment is settled.
func TestLowerAndRaisePlan(t *testing.T) {
	at := time.Date(2026, 12, 20, 9, 0, 0, 0, time.UTC)
	early := at.Add(-240 * time.Hour)
	plan := []Installment{
		{ID: 1, DueDate: Date{2026, 12, 1}, Amount: dec("100"), Paid: dec("100"), SettledAt: &early},
		{ID: 2, DueDate: Date{2027, 1, 1}, Amount: dec("100"), Paid: dec("30")},
		{ID: 3, DueDate: Date{2027, 2, 1}, Amount: dec("100"), Paid: decimal.Zero},
	}
	low := LowerPlan(plan, dec("150"), at)
	if !low[2].Amount.IsZero() || low[2].SettledAt == nil || !low[1].Amount.Equal(dec("50")) || low[1].SettledAt != nil || !low[0].Amount.Equal(dec("100")) {
		t.Fatalf("lowered by 150: %+v", low)
	}
	if !plan[2].Amount.Equal(dec("100")) {
		t.Fatal("LowerPlan modified its input")
	}
	low = LowerPlan(low, dec("20"), at)
	if !low[1].Amount.Equal(dec("30")) || low[1].SettledAt == nil || !PlanBalance(low).IsZero() {
		t.Fatalf("lowered to what was paid: %+v", low)
	}
	if over := LowerPlan(low, dec("5"), at); !over[1].Amount.Equal(dec("30")) || !over[2].Amount.IsZero() {
		t.Fatalf("lowered below what was paid: %+v", over)
	}

	up := RaisePlan(low, dec("40"), Date{2026, 12, 20})
	if len(up) != 4 || up[3].ID != 0 || !up[3].Amount.Equal(dec("40")) || up[3].DueDate != (Date{2027, 2, 2}) || up[3].Settled() {
		t.Fatalf("raised a settled plan: %+v", up)
	}
	up = RaisePlan(up, dec("10"), Date{2027, 6, 1})
	if len(up) != 4 || !up[3].Amount.Equal(dec("50")) {
		t.Fatalf("raised on the open installment: %+v", up)
	}
	if RaisePlan(nil, dec("10"), Date{2027, 6, 1}) != nil {
		t.Fatal("an invoice without a plan got one")
	}
}

// TestKeptPlanHoldsNoWork pins the rule for a payment plan: it lifts the
// hold while no unsettled installment is past due.
func TestKeptPlanHoldsNoWork(t *testing.T) {
	t.Parallel()
	today, _ := ParseDate("2027-02-01")
	due := func(s string) Date { d, _ := ParseDate(s); return d }
	settled := time.Date(2027, 1, 20, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		inv  Invoice
		want bool
	}{
		{"open, no plan", Invoice{Status: StatusOpen}, true},
		{"paid", Invoice{Status: StatusPaid}, false},
		{"void", Invoice{Status: StatusVoid}, false},
		{"written off", Invoice{Status: StatusUncollectible}, false},
		{"plan kept", Invoice{Status: StatusPartiallyPaid, Plan: []Installment{
			{DueDate: due("2027-01-15"), SettledAt: &settled}, {DueDate: due("2027-02-01")}}}, false},
		{"plan behind", Invoice{Status: StatusOpen, Plan: []Installment{
			{DueDate: due("2027-01-31")}, {DueDate: due("2027-02-28")}}}, true},
	} {
		if got := c.inv.HoldsWork(today); got != c.want {
			t.Errorf("%s: HoldsWork = %v, want %v", c.name, got, c.want)
		}
	}
}
