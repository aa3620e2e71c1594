package invoice

import (
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// Action is a change of state someone asks for (SPEC §4). Payments are
// checked by CheckPayment instead, since they carry an amount.
type Action string

// The state-changing actions.
const (
	ActionVoid      Action = "void"          // cancel: open and unpaid → void, worklogs released
	ActionWriteOff  Action = "uncollectible" // write off: open or partially paid → uncollectible
	ActionDispute   Action = "dispute"       // flag: pauses follow-ups
	ActionUndispute Action = "undispute"     // clear the flag
)

// Apply returns the invoice as it is after action, or a
// remit.Unprocessable error saying why the action is refused. The rules:
// only an open invoice with nothing paid can be voided (money received
// must stay on record, so a partially paid invoice is written off
// instead); an open or partially paid invoice can be written off; only an
// invoice that still expects money can be disputed, and only a disputed
// one undisputed.
func Apply(inv Invoice, action Action) (Invoice, error) {
	const op = "invoice.Apply"
	refuse := func(why string) (Invoice, error) {
		return inv, remit.Errorf(remit.Unprocessable, op, "invoice %s cannot be %s: %s", inv.Number, pastTense(action), why)
	}
	switch action {
	case ActionVoid:
		if !inv.Open() {
			return refuse("it is " + string(inv.Status))
		}
		if inv.Paid.IsPositive() {
			return refuse(money.Format(inv.Paid, inv.Currency) + " " + string(inv.Currency) + " has been paid on it; write it off instead")
		}
		inv.Status = StatusVoid
	case ActionWriteOff:
		if !inv.Open() {
			return refuse("it is " + string(inv.Status))
		}
		inv.Status = StatusUncollectible
	case ActionDispute:
		if !inv.Open() {
			return refuse("it is " + string(inv.Status))
		}
		if inv.Disputed {
			return refuse("it is already disputed")
		}
		inv.Disputed = true
	case ActionUndispute:
		if !inv.Disputed {
			return refuse("it is not disputed")
		}
		inv.Disputed = false
	default:
		return inv, remit.Errorf(remit.Invalid, op, "unknown action %q", action)
	}
	return inv, nil
}

func pastTense(a Action) string {
	switch a {
	case ActionVoid:
		return "voided"
	case ActionWriteOff:
		return "written off"
	case ActionDispute:
		return "disputed"
	case ActionUndispute:
		return "undisputed"
	}
	return string(a)
}
