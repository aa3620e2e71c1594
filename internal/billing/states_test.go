package billing_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// monthly logs an hour on a new WORK issue in each month i = 1..n of
// 2024 and returns a function that invoices month i to Acme (100.00 USD),
// issued 2026-01-01, due 2027-03-01, its Jira issue created.
func (b *testBundle) monthly(t *testing.T, n int) func(i int) (invoice.Invoice, string) {
	t.Helper()
	month := func(i int) time.Time { return time.Date(2024, time.Month(i), 1, 0, 0, 0, 0, time.UTC) }
	work := b.site.AddIssue("WORK", "Monthly work")
	for i := 1; i <= n; i++ {
		b.site.LogWork(work, "557058:dev", month(i).Add(9*24*time.Hour+12*time.Hour), 3600)
	}
	return func(i int) (invoice.Invoice, string) {
		t.Helper()
		inv, err := b.svc.Create(b.ctx, b.manager, billing.GenerateRequest{CustomerID: b.cust.ID,
			Period:    invoice.Period{Start: invoice.DateOf(month(i)), End: invoice.DateOf(month(i+1).AddDate(0, 0, -1))},
			IssueDate: date("2026-01-01"), DueDate: date("2027-03-01")})
		if err != nil {
			t.Fatalf("invoice of month %d: %v", i, err)
		}
		b.syncAll(t)
		created := b.site.Created()
		return inv, created[len(created)-1].Key
	}
}

// TestInvoiceStateMachine drives every transition of SPEC §4, allowed and
// refused, and checks afterwards the invoice, its audit log, and in Jira
// the remit-invoice property and the issue's status. Each case has its own
// invoice of 100.00 USD.
func TestInvoiceStateMachine(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const paidOn = "2026-01-15"
	type step struct {
		name   string
		amount string
	}
	pay := func(amount string) step { return step{"pay", amount} }
	var (
		void      = step{name: "void"}
		writeOff  = step{name: "uncollectible"}
		dispute   = step{name: "dispute"}
		undispute = step{name: "undispute"}
	)
	const ok, refused = true, false
	tests := []struct {
		name       string
		setup      []step
		action     step
		wantOK     bool
		wantStatus invoice.Status
		wantBal    string
		disputed   bool
		jira       string // the invoice issue's status in Jira afterwards
	}{
		{"open → partially paid", nil, pay("40.00"), ok, "partially_paid", "60.00", false, "Sent"},
		{"open → paid", nil, pay("100.00"), ok, "paid", "0.00", false, "Paid"},
		{"partially paid → partially paid", []step{pay("10.00")}, pay("20.00"), ok, "partially_paid", "70.00", false, "Sent"},
		{"partially paid → paid", []step{pay("10.00")}, pay("90.00"), ok, "paid", "0.00", false, "Paid"},
		{"open overpaid refused", nil, pay("100.01"), refused, "open", "100.00", false, "Sent"},
		{"partially paid overpaid refused", []step{pay("60.00")}, pay("40.01"), refused, "partially_paid", "40.00", false, "Sent"},
		{"paid takes no payment", []step{pay("100.00")}, pay("1.00"), refused, "paid", "0.00", false, "Paid"},
		{"open → void", nil, void, ok, "void", "100.00", false, "Cancelled"},
		{"partially paid void refused", []step{pay("10.00")}, void, refused, "partially_paid", "90.00", false, "Sent"},
		{"paid void refused", []step{pay("100.00")}, void, refused, "paid", "0.00", false, "Paid"},
		{"void again refused", []step{void}, void, refused, "void", "100.00", false, "Cancelled"},
		{"void takes no payment", []step{void}, pay("1.00"), refused, "void", "100.00", false, "Cancelled"},
		{"open → uncollectible", nil, writeOff, ok, "uncollectible", "100.00", false, "Sent"},
		{"partially paid → uncollectible", []step{pay("50.00")}, writeOff, ok, "uncollectible", "50.00", false, "Sent"},
		{"paid write-off refused", []step{pay("100.00")}, writeOff, refused, "paid", "0.00", false, "Paid"},
		{"void write-off refused", []step{void}, writeOff, refused, "void", "100.00", false, "Cancelled"},
		{"uncollectible takes no payment", []step{writeOff}, pay("1.00"), refused, "uncollectible", "100.00", false, "Sent"},
		{"open → disputed", nil, dispute, ok, "open", "100.00", true, "Sent"},
		{"disputed takes a payment", []step{dispute}, pay("20.00"), ok, "partially_paid", "80.00", true, "Sent"},
		{"dispute twice refused", []step{dispute}, dispute, refused, "open", "100.00", true, "Sent"},
		{"disputed → undisputed", []step{dispute}, undispute, ok, "open", "100.00", false, "Sent"},
		{"undispute refused when not disputed", nil, undispute, refused, "open", "100.00", false, "Sent"},
		{"paid dispute refused", []step{pay("100.00")}, dispute, refused, "paid", "0.00", false, "Paid"},
		{"disputed → void", []step{dispute}, void, ok, "void", "100.00", true, "Cancelled"},
	}
	do := func(id int64, st step) error {
		var err error
		switch st.name {
		case "pay":
			_, _, err = b.svc.RecordPayment(b.ctx, b.manager, id, invoice.PaymentInput{Amount: st.amount, PaidOn: date(paidOn), Method: "bank-transfer", Reference: "case"})
		case "void":
			_, err = b.svc.Void(b.ctx, b.manager, id)
		case "uncollectible":
			_, err = b.svc.WriteOff(b.ctx, b.manager, id)
		case "dispute":
			_, err = b.svc.Dispute(b.ctx, b.manager, id)
		case "undispute":
			_, err = b.svc.Undispute(b.ctx, b.manager, id)
		}
		return err
	}
	audits := func(id int64) int {
		var n int
		if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM audit_log WHERE entity = 'invoice' AND entity_id = $1`, fmt.Sprint(id)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	next := b.monthly(t, len(tests))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, key := next(i + 1)
			for _, st := range tt.setup {
				if err := do(inv.ID, st); err != nil {
					t.Fatalf("setup %v: %v", st, err)
				}
			}
			before := audits(inv.ID)
			err := do(inv.ID, tt.action)
			switch {
			case tt.wantOK && err != nil:
				t.Fatalf("%v: %v", tt.action, err)
			case !tt.wantOK && !remit.IsKind(err, remit.Unprocessable):
				t.Fatalf("%v: %v, want Unprocessable", tt.action, err)
			}
			if want := before + map[bool]int{true: 1, false: 0}[tt.wantOK]; audits(inv.ID) != want {
				t.Fatalf("the action wrote %d audit entries", audits(inv.ID)-before)
			}
			got, err := b.db.Invoice(b.ctx, b.tenant.ClientKey, inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.wantStatus || got.Balance().StringFixed(2) != tt.wantBal || got.Disputed != tt.disputed {
				t.Fatalf("after: %s balance %s disputed %v; want %s %s %v", got.Status, got.Balance(), got.Disputed, tt.wantStatus, tt.wantBal, tt.disputed)
			}
			if ids := b.syncJobs(t); len(ids) > 0 {
				for _, id := range ids {
					b.runSync(t, id)
				}
			}
			is, _ := b.site.Issue(key)
			p := b.property(t, key)
			if is.Status != tt.jira || p.Status != string(tt.wantStatus) || p.Balance.String() != tt.wantBal {
				t.Fatalf("Jira: issue in %q with property %+v; want %q, %s, %s", is.Status, p, tt.jira, tt.wantStatus, tt.wantBal)
			}
		})
	}
}

// TestPaymentRace records two payments of the last balance at once,
// several times: each time exactly one is taken and the other refused,
// and no invoice is ever paid past its total.
func TestPaymentRace(t *testing.T) {
	t.Parallel()
	b := setup(t)
	next := b.monthly(t, 5)
	for i := 1; i <= 5; i++ {
		inv, _ := next(i)
		if _, _, err := b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "70.00", PaidOn: date("2026-02-01"), Method: "bank-transfer"}); err != nil {
			t.Fatal(err)
		}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for j := range errs {
			wg.Go(func() {
				<-start
				_, _, errs[j] = b.svc.RecordPayment(b.ctx, b.manager, inv.ID, invoice.PaymentInput{Amount: "30.00", PaidOn: date("2026-02-02"), Method: "bank-transfer"})
			})
		}
		close(start)
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) || !remit.IsKind(errs[0], remit.Unprocessable) && !remit.IsKind(errs[1], remit.Unprocessable) {
			t.Fatalf("round %d: racing payments answered %v, want one taken and one Unprocessable", i, errs)
		}
		got, err := b.svc.Invoice(b.ctx, b.manager, inv.ID)
		if err == nil {
			err = b.svc.LoadDetails(b.ctx, b.tenant.ClientKey, &got)
		}
		if err != nil || got.Status != invoice.StatusPaid || !got.Balance().IsZero() || len(got.Payments) != 2 {
			t.Fatalf("round %d: %s balance %s with %d payments (%v)", i, got.Status, got.Balance(), len(got.Payments), err)
		}
	}
	var n int
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM invoices i WHERE paid > total + late_fees
		OR paid <> (SELECT coalesce(sum(amount), 0) FROM payments p WHERE p.invoice_id = i.id)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d invoices paid past their total or unlike their payments (%v)", n, err)
	}
}
