package followup

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
)

func TestNextActionAt(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	due := invoice.Date{Year: 2027, Month: 2, Day: 3}
	open := Facts{InvoiceID: 1, Status: invoice.StatusOpen, DueDate: due, Currency: "USD",
		Total: decimal.NewFromInt(100), Balance: decimal.NewFromInt(100), TenantActive: true, TenantLicensed: true}
	paid := open
	paid.Status, paid.Balance, paid.PaidOn = invoice.StatusPaid, decimal.Zero, due.AddDays(10)
	disputed := open
	disputed.Disputed = true
	plan := open
	plan.Installments = []Installment{{ID: 7, DueDate: due.AddDays(20), Balance: decimal.NewFromInt(100)}}
	ran := func(steps ...string) []Event {
		var out []Event
		for _, s := range steps {
			out = append(out, Event{Step: s, Action: ActionComment, Status: StatusDone})
		}
		return out
	}
	at := func(d invoice.Date, loc *time.Location) *time.Time { v := d.Start(loc); return &v }
	cases := []struct {
		name   string
		facts  Facts
		events []Event
		asOf   invoice.Date
		loc    *time.Location
		want   *time.Time
	}{
		{"nothing due: the first step's day", open, nil, due.AddDays(-10), time.UTC, at(due.AddDays(-3), time.UTC)},
		{"due but not run: the earliest due day", open, nil, due.AddDays(9), time.UTC, at(due.AddDays(-3), time.UTC)},
		{"after recorded steps: the next step's day", open, ran("reminder-before-due", "overdue-1", "overdue-7"), due.AddDays(8), time.UTC, at(due.AddDays(14), time.UTC)},
		{"days begin at the tenant's midnight", open, nil, due.AddDays(-10), ny, at(due.AddDays(-3), ny)},
		{"disputed: nothing until undisputed", disputed, nil, due.AddDays(9), time.UTC, nil},
		{"paid: the step the payment overtook, to cancel", paid, ran("reminder-before-due", "overdue-1"), due.AddDays(12), time.UTC, at(due.AddDays(7), time.UTC)},
		{"paid and nothing left to cancel", paid, ran("reminder-before-due", "overdue-1", "overdue-7"), due.AddDays(12), time.UTC, nil},
		{"a payment plan follows its installment", plan, nil, due.AddDays(-10), time.UTC, at(due.AddDays(17), time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := NextActionAt(PlanInput{Facts: c.facts, Policy: DefaultPolicy(), Events: c.events,
				AsOf: c.asOf.Start(c.loc).Add(9 * time.Hour), Location: c.loc})
			switch {
			case c.want == nil && got != nil:
				t.Fatalf("got %v, want nil", *got)
			case c.want != nil && (got == nil || !got.Equal(*c.want)):
				t.Fatalf("got %v, want %v", got, *c.want)
			}
		})
	}
}
