package followupengine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// dataFor is what the step's templates see: the invoice on the sweep's
// day, or the installment it chases.
func (e *Engine) dataFor(ac action) followup.Data {
	inv := ac.state.Invoice
	d := followup.DataFor(&inv, ac.set.Seller, ac.today)
	d.PaymentInstructions = invoice.PaymentInstructions(ac.set.Seller.Name, inv.Number)
	if p := ac.state.Promise; p != nil {
		d.PromisedOn = p.PromisedOn.String()
	}
	if ac.args.Installment == 0 {
		return d
	}
	for i, in := range inv.Plan {
		if in.ID != ac.args.Installment {
			continue
		}
		d.Installment = fmt.Sprintf("%d of %d", i+1, len(inv.Plan))
		d.Balance = money.Format(in.Balance(), inv.Currency)
		d.DueDate = in.DueDate.String()
		d.DaysOverdue, d.DaysUntilDue = 0, 0
		if days := in.DueDate.DaysUntil(ac.today); days > 0 {
			d.DaysOverdue = days
		} else {
			d.DaysUntilDue = -days
		}
	}
	return d
}

// lateFeeWait is how long a message waits for its step's late fee.
const lateFeeWait = 500 * time.Millisecond

// afterLateFee holds a message back while a late fee of the invoice is
// still queued, so that the formal notice and its PDF show the fee. Once
// none is queued it reads the invoice again: the fee's job may have
// charged it after ac was loaded and before the look for a queued fee,
// and the message must show what the fee made of the balance.
func (e *Engine) afterLateFee(ctx context.Context, ac *action) error {
	ck, id := ac.args.ClientKey, ac.args.InvoiceID
	queued, err := e.DB.FollowupActionQueued(ctx, ck, id, string(followup.ActionLateFee))
	if err == nil && queued {
		// A fee whose job was discarded would hold the message for ever.
		if n, ferr := e.DB.FailAbandonedFollowupEvents(ctx, ck); ferr != nil {
			return ferr
		} else if n > 0 {
			queued, err = e.DB.FollowupActionQueued(ctx, ck, id, string(followup.ActionLateFee))
		}
	}
	if err != nil {
		return err
	}
	if queued {
		return river.JobSnooze(lateFeeWait)
	}
	st, err := e.DB.FollowupState(ctx, nil, ck, id)
	if err != nil {
		return err
	}
	ac.state = st
	return nil
}

// issueOf is the invoice issue a comment goes on, or why there is none.
func issueOf(ac action) (string, error) {
	st := ac.state
	switch {
	case st.JiraDeleted:
		return "", skip("the invoice issue %s was deleted in Jira", st.Invoice.IssueKey)
	case st.Invoice.IssueKey == "":
		return "", skip("the invoice has no Jira issue")
	}
	return st.Invoice.IssueKey, nil
}

// messageID is the Message-ID of an action's e-mail, derived from the
// event's key, so a resend after a lost answer carries the same identity.
func (e *Engine) messageID(a ActionArgs, kind string) string {
	sum := sha256.Sum256([]byte(a.ClientKey))
	domain := e.MailDomain
	if domain == "" {
		domain = "remit.invalid"
	}
	return fmt.Sprintf("followup.%s.%d.%d.%s.%s@%s", hex.EncodeToString(sum[:6]), a.InvoiceID, a.Installment, a.Step, kind, domain)
}
