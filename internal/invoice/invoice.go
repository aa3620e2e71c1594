package invoice

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
)

// Status is where an invoice stands. Overdue is not a status: it is
// derived from the balance and the due date (see Overdue).
type Status string

// The invoice states (SPEC §4).
const (
	StatusDraft         Status = "draft" // being prepared: no number, not sent, not chased
	StatusOpen          Status = "open"
	StatusPartiallyPaid Status = "partially_paid"
	StatusPaid          Status = "paid"
	StatusVoid          Status = "void"
	StatusUncollectible Status = "uncollectible"
)

// Invoice is an issued invoice with its lines.
type Invoice struct {
	ID          int64
	Number      string
	CustomerID  int64
	Customer    string // customer name at issue time
	Status      Status
	Disputed    bool
	NeedsReview bool
	Currency    money.Currency
	Subtotal    decimal.Decimal
	Tax         decimal.Decimal
	TaxPercent  decimal.Decimal
	Total       decimal.Decimal
	Paid        decimal.Decimal
	LateFees    decimal.Decimal // charged, waived or not
	// Corrections (SPEC §4): late fees waived, and credit notes' totals.
	LateFeesWaived decimal.Decimal
	Credited       decimal.Decimal
	IssueDate      Date
	DueDate        Date
	Period         Period
	IssueKey       string // the invoice issue in Jira, once created
	Lines          []Line
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Loaded with the invoice's details only (not in lists):
	Payments []Payment       // oldest first
	Plan     []Installment   // the payment plan by due date; nil when there is none
	Review   []WorklogChange // billed worklogs changed in Jira since, by worklog id
	// CreditNotes are the credit notes issued against it, oldest first.
	CreditNotes []CreditNote
}

// Balance is what is still owed: total plus late fees, minus late fees
// waived, payments (Paid counts no reversed payment) and credit notes.
func (inv *Invoice) Balance() decimal.Decimal {
	return inv.Owed().Sub(inv.Paid)
}

// Owed is what the invoice asks for in all, before payments: its total
// and late fees, less what was waived or credited since.
func (inv *Invoice) Owed() decimal.Decimal {
	return inv.Total.Add(inv.LateFees).Sub(inv.LateFeesWaived).Sub(inv.Credited)
}

// Open reports whether the invoice still expects money.
func (inv *Invoice) Open() bool {
	return inv.Status == StatusOpen || inv.Status == StatusPartiallyPaid
}

// HoldsWork reports whether the invoice still calls for the stop-work
// label on date today (in the tenant's zone): it is open (unpaid, not
// void or written off) and not on a payment plan being kept. A plan is
// kept while none of its unsettled installments is past its due date.
func (inv *Invoice) HoldsWork(today Date) bool {
	if !inv.Open() {
		return false
	}
	if len(inv.Plan) == 0 {
		return true
	}
	for _, in := range inv.Plan {
		if !in.Settled() && in.DueDate.Before(today) {
			return true
		}
	}
	return false
}

// Overdue reports whether the invoice is past due on date today (in the
// tenant's zone) with a balance left.
func (inv *Invoice) Overdue(today Date) bool {
	return inv.Open() && inv.Balance().IsPositive() && inv.DueDate.Before(today)
}

// DaysOverdue is how many days past due the invoice is on today (0 when not overdue).
func (inv *Invoice) DaysOverdue(today Date) int {
	if !inv.Overdue(today) {
		return 0
	}
	return inv.DueDate.DaysUntil(today)
}
