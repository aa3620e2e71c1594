package followupengine

import (
	"context"
	"fmt"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/jirasync"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/store"
)

// actorFollowup is the audit actor of the engine's own changes.
const actorFollowup = "followup"

// lateFee raises the invoice's late fee to what it accrued by the sweep's
// day under the tenant's terms (the customer's preset, when it has one),
// never lowering it; on an invoice with a payment plan the increase goes
// into the plan. With an audit entry, and the invoice marked changed for
// Jira, all in one transaction with the event's outcome, so a retry never
// applies it twice.
func (e *Engine) lateFee(ctx context.Context, ac action) (outcome, error) {
	ck, id := ac.args.ClientKey, ac.args.InvoiceID
	terms := ac.policy.LateFee.ForCustomer(ac.customer.LateFeePolicy)
	var res outcome
	err := e.DB.InTx(ctx, func(tx *store.Tx) error {
		st, err := e.DB.FollowupState(ctx, tx, ck, id)
		if err != nil {
			return err
		}
		res = outcome{}
		if reason := stillDue(st, ac.args.Installment); reason != "" {
			res = outcome{store.EventCancelled, reason}
		} else {
			inv := st.Invoice
			fee := followup.LateFee(st.Facts(ac.loc), terms, ac.today)
			c := inv.Currency
			switch {
			case fee.Equal(inv.LateFees):
				res = done("late fee stays %s %s (%s, %s)", money.Format(fee, c), c, terms.Preset, ac.today)
			case fee.LessThan(inv.LateFees):
				// Never lowered: a payment of the principal, a plan or other
				// terms can make the recomputed fee smaller than what was
				// charged, which stays owed.
				res = done("late fee stays %s %s (%s, %s, which computes %s; a fee is never lowered)",
					money.Format(inv.LateFees, c), c, terms.Preset, ac.today, money.Format(fee, c))
			default:
				note := fmt.Sprintf("%s as of %s", terms.Preset, ac.today)
				if err := e.DB.SetInvoiceLateFees(ctx, tx, ck, id, fee, actorFollowup, note); err != nil {
					return err
				}
				if len(inv.Plan) > 0 {
					// The fee joins the plan, so the installments still add
					// up to the balance and paying them pays the invoice.
					if err := e.DB.AddLateFeeToPlan(ctx, tx, ck, id, fee.Sub(inv.LateFees), ac.today); err != nil {
						return err
					}
					if err := e.DB.RescheduleFollowup(ctx, tx, ck, id); err != nil {
						return err
					}
				}
				if err := e.DB.BumpJiraVersion(ctx, tx, ck, id); err != nil {
					return err
				}
				if _, err := tx.Enqueue(ctx, jirasync.SyncArgs{ClientKey: ck, InvoiceID: id}, nil); err != nil {
					return err
				}
				res = done("late fee set to %s %s (%s, %s)", money.Format(fee, c), c, terms.Preset, ac.today)
			}
		}
		finished, err := e.DB.FinishFollowupEvent(ctx, tx, ck, ac.args.EventID, res.status, res.detail)
		if err != nil {
			return err
		}
		if !finished {
			return errFinished // another attempt recorded it: undo this one
		}
		return nil
	})
	if err != nil {
		return outcome{}, err
	}
	e.Metrics.count(ac.args.Step, ac.args.Action, res.status)
	return outcome{}, nil
}
