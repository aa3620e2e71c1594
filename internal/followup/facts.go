package followup

import (
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// Facts are what the engine needs to know of one invoice, loaded by the
// executor in one read.
type Facts struct {
	InvoiceID int64
	Status    invoice.Status
	Disputed  bool
	DueDate   invoice.Date
	Currency  money.Currency
	// Total is the invoice total before fees (the debt size of uk-late-payment).
	Total decimal.Decimal
	// Balance is what is still owed, late fees included.
	Balance decimal.Decimal
	// LateFees are the fees already on the invoice.
	LateFees decimal.Decimal
	// PaidOn is the date (tenant's zone) of the payment that settled the
	// invoice; zero when open or unknown. Steps whose day came after it
	// are not cancelled, only those a payment overtook.
	PaidOn invoice.Date
	// Installments, when the invoice has a payment plan: each is chased
	// on its own ladder. Empty = the invoice is chased as a whole.
	Installments []Installment
	// TenantActive is false for uninstalled or disabled tenants.
	TenantActive bool
	// TenantLicensed is false when the tenant's licence is not active.
	TenantLicensed bool
	// Promise is the customer's latest promise to pay (SPEC §15): it
	// pauses the ladder until it is broken; nil when none.
	Promise *Promise
}

// Installment is one part of a payment plan.
type Installment struct {
	ID      int64
	DueDate invoice.Date
	Balance decimal.Decimal // unpaid principal of this installment
	PaidOn  invoice.Date    // when it was settled, as Facts.PaidOn
}

// EventStatus is the outcome recorded for a planned action.
type EventStatus string

// The recorded outcomes (SPEC §7 timeline). Plan treats every recorded
// event alike: the step it belongs to never runs again.
const (
	StatusDone      EventStatus = "done"
	StatusSkipped   EventStatus = "skipped"
	StatusFailed    EventStatus = "failed"
	StatusCancelled EventStatus = "cancelled"
)

// Event is an action already recorded for an invoice. Installment is 0
// for an invoice chased as a whole.
type Event struct {
	Step        string
	Installment int64
	Action      ActionKind
	Status      EventStatus
}

// Key identifies an action of a step for one invoice or installment; it
// is the identity of the durable job and of the recorded event, unique
// per invoice in the database.
type Key struct {
	Step        string
	Installment int64
	Action      ActionKind
}
