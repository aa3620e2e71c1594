package billing

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/invoicepdf"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Corrections of finalized invoices (SPEC §4 "Corrections"): an issued
// invoice is never edited. A credit note lowers its balance, a payment
// recorded in error is reversed, late fees are waived. Each runs in the
// frame of change (manage permission, the invoice row locked, the
// follow-ups rescheduled and the Jira sync enqueued in the same unit of
// work), is audited, and leaves a notice the Jira sync posts as a comment
// on the invoice issue.

// IssueCreditNote issues a credit note against an invoice that still
// takes money: its number comes from the credit-note sequence (gapless:
// taken in the transaction that stores the note, so a refusal or a
// rollback gives it back), its total never exceeds the open balance
// (422), an invoice whose balance it brings to zero is settled, and a
// payment plan is lowered with the balance (invoice.LowerPlan).
func (s *Service) IssueCreditNote(ctx context.Context, a Actor, id int64, in invoice.CreditNoteInput) (invoice.Invoice, invoice.CreditNote, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Invoice{}, invoice.CreditNote{}, err
	}
	key := a.Tenant.ClientKey
	// The lines and the customer are read before the unit of work: the
	// lines never change once issued, and the customer only lends the
	// document its parties. The figures are read under the lock below.
	issued, err := s.DB.Invoice(ctx, key, id)
	if err != nil {
		return invoice.Invoice{}, invoice.CreditNote{}, err
	}
	cust, err := s.DB.Customer(ctx, key, issued.CustomerID)
	if err != nil {
		return invoice.Invoice{}, invoice.CreditNote{}, err
	}
	format := set.CreditNoteNumberFormat
	if format == "" {
		format = invoice.DefaultCreditNoteNumberFormat
	}
	today := invoice.DateOf(s.Now().In(set.Location()))
	var cn invoice.CreditNote
	inv, err := s.change(ctx, a, id, func(tx *store.Tx, inv invoice.Invoice) error {
		inv.Lines = issued.Lines
		// The credit note names the document the invoice was issued with;
		// an invoice issued before documents were kept has it rebuilt
		// from its rows (see invoice.StoredDocument).
		parts, err := s.DB.InvoiceDocument(ctx, tx, key, id)
		if err != nil {
			return err
		}
		var orig invoice.Document
		if parts.Document != nil {
			orig = *parts.Document
		} else if orig, err = invoice.StoredDocument(&inv, set, cust); err != nil {
			return err
		}
		credited, err := s.DB.CreditedNet(ctx, tx, key, id)
		if err != nil {
			return err
		}
		seq, err := s.DB.NextInvoiceNumber(ctx, tx, key, invoice.SequenceScope(invoice.SequenceCreditNote, format, today))
		if err != nil {
			return err
		}
		number, err := invoice.FormatNumber(format, today, seq)
		if err != nil {
			return remit.Wrap(remit.Internal, "billing.IssueCreditNote", err)
		}
		if cn, err = invoice.IssueCreditNote(&inv, &orig, credited, in, number, today); err != nil {
			return err
		}
		after := invoice.ApplyCreditNote(inv, cn.Total)
		if err := s.DB.AddCreditNote(ctx, tx, key, &cn, after.Status, a.Name()); err != nil {
			return err
		}
		before, plan, err := s.followPlan(ctx, tx, key, id, func(ins []invoice.Installment) []invoice.Installment {
			return invoice.LowerPlan(ins, cn.Total, tx.Now())
		})
		if err != nil {
			return err
		}
		cur := inv.Currency
		doc := stateOf(after)
		doc.Note = cn.Reason
		doc.Plan = planDoc(plan, cur)
		doc.CreditNote = map[string]any{"id": cn.ID, "number": cn.Number, "issueDate": cn.IssueDate.String(),
			"amount": money.Format(cn.Amount, cur), "tax": money.Format(cn.Tax, cur), "total": money.Format(cn.Total, cur)}
		was := stateOf(inv)
		was.Plan = planDoc(before, cur)
		if err := s.audit(ctx, tx, key, a.Name(), "credit_note", id, was, doc); err != nil {
			return err
		}
		return s.DB.AddJiraNotice(ctx, tx, key, id, fmt.Sprintf("Credit note %s issued for %s (reason: %s). %s",
			cn.Number, amountText(cn.Total, cur), cn.Reason, balanceText(after)))
	})
	return inv, cn, err
}

// ReversePayment reverses a payment recorded in error: it stays in the
// history marked reversed (who, when, why), the invoice's paid and
// status are recomputed (a paid invoice reopens), its plan takes the
// amount back (invoice.RaisePlan), and the Jira issue follows it back out
// of the paid status.
func (s *Service) ReversePayment(ctx context.Context, a Actor, id, paymentID int64, reason string) (invoice.Invoice, error) {
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Invoice{}, err
	}
	return s.change(ctx, a, id, func(tx *store.Tx, inv invoice.Invoice) error {
		return s.reversePayment(ctx, tx, a.Tenant.ClientKey, set.Location(), inv, paymentID, reason, a.Name())
	})
}

// reversePayment reverses a payment of inv in tx on behalf of by, with an
// audit entry (payment_reversed) and a notice on the invoice issue. The
// money is owed again: a plan takes it back on its last open
// installment, or on a new one due today in loc.
func (s *Service) reversePayment(ctx context.Context, tx *store.Tx, key string, loc *time.Location, inv invoice.Invoice, paymentID int64, reason, by string) error {
	id := inv.ID
	var err error
	if inv.Payments, err = s.DB.PaymentsIn(ctx, tx, key, id); err != nil {
		return err
	}
	next, err := invoice.ReversePayment(inv, paymentID, reason, by, tx.Now())
	if err != nil {
		return err
	}
	var p invoice.Payment
	for _, q := range next.Payments {
		if q.ID == paymentID {
			p = q
		}
	}
	paid, err := s.DB.ReversePayment(ctx, tx, key, id, paymentID, by, p.ReversalReason, next.Status)
	if err != nil {
		return err
	}
	if !paid.Equal(next.Paid) {
		return remit.Errorf(remit.Internal, "billing.ReversePayment", "invoice %d: stored paid %s, computed %s", id, paid, next.Paid)
	}
	today := invoice.DateOf(tx.Now().In(loc))
	before, plan, err := s.followPlan(ctx, tx, key, id, func(ins []invoice.Installment) []invoice.Installment {
		return invoice.RaisePlan(ins, p.Amount.Sub(p.Returned), today)
	})
	if err != nil {
		return err
	}
	cur := inv.Currency
	doc := stateOf(next)
	doc.Note = p.ReversalReason
	doc.Plan = planDoc(plan, cur)
	doc.Payment = map[string]any{"id": p.ID, "amount": money.Format(p.Amount, cur), "paidOn": p.PaidOn.String(),
		"method": p.Method, "reference": p.Reference, "reversed": true}
	was := stateOf(inv)
	was.Plan = planDoc(before, cur)
	if err := s.audit(ctx, tx, key, by, "payment_reversed", id, was, doc); err != nil {
		return err
	}
	return s.DB.AddJiraNotice(ctx, tx, key, id, fmt.Sprintf("Payment #%d of %s received %s (%s) reversed (reason: %s). %s",
		p.ID, amountText(p.Amount, cur), p.PaidOn, p.Method, p.ReversalReason, balanceText(next)))
}

// WaiveLateFees waives part or all of the late fees still outstanding on
// an invoice (never more: 422 naming amount), lowering a payment plan
// with the balance (invoice.LowerPlan).
func (s *Service) WaiveLateFees(ctx context.Context, a Actor, id int64, amount, reason string) (invoice.Invoice, error) {
	return s.change(ctx, a, id, func(tx *store.Tx, inv invoice.Invoice) error {
		_, err := s.waiveLateFees(ctx, tx, a.Tenant.ClientKey, inv, amount, reason, a.Name())
		return err
	})
}

// waiveLateFees waives amount of inv's late fees in tx on behalf of by,
// lowering a payment plan with the balance, with an audit entry
// (late_fees_waived) and a notice on the invoice issue, and returns the
// invoice after.
func (s *Service) waiveLateFees(ctx context.Context, tx *store.Tx, key string, inv invoice.Invoice, amount, reason, by string) (invoice.Invoice, error) {
	id := inv.ID
	next, waived, err := invoice.WaiveLateFees(inv, amount, reason)
	if err != nil {
		return inv, err
	}
	if err := s.DB.WaiveLateFees(ctx, tx, key, id, waived, next.Status); err != nil {
		return inv, err
	}
	before, plan, err := s.followPlan(ctx, tx, key, id, func(ins []invoice.Installment) []invoice.Installment {
		return invoice.LowerPlan(ins, waived, tx.Now())
	})
	if err != nil {
		return inv, err
	}
	cur := inv.Currency
	why := strings.TrimSpace(reason)
	doc := stateOf(next)
	doc.Note = why
	doc.Waived = money.Format(waived, cur)
	doc.Plan = planDoc(plan, cur)
	was := stateOf(inv)
	was.Plan = planDoc(before, cur)
	if err := s.audit(ctx, tx, key, by, "late_fees_waived", id, was, doc); err != nil {
		return inv, err
	}
	return next, s.DB.AddJiraNotice(ctx, tx, key, id, fmt.Sprintf("Late fees of %s waived (reason: %s). %s",
		amountText(waived, cur), why, balanceText(next)))
}

// followPlan makes an invoice's payment plan, if it has one, follow a
// change of its balance, in tx: change is invoice.LowerPlan or RaisePlan
// by the amount the balance moved, so the installments keep adding up to
// the balance (SPEC §4 "Payment plans"). It returns the plan before and
// after (both nil without a plan).
func (s *Service) followPlan(ctx context.Context, tx *store.Tx, key string, id int64, change func([]invoice.Installment) []invoice.Installment) (before, after []invoice.Installment, err error) {
	if before, err = s.DB.Installments(ctx, tx, key, id); err != nil || before == nil {
		return nil, nil, err
	}
	after = change(before)
	if err := s.DB.UpdateInstallments(ctx, tx, key, id, after); err != nil {
		return nil, nil, err
	}
	return before, after, nil
}

// CreditNotePDF renders one of an invoice's credit notes from the
// document it was issued with, for someone who may read the invoice.
func (s *Service) CreditNotePDF(ctx context.Context, a Actor, id, creditNoteID int64) ([]byte, string, error) {
	if _, err := s.Invoice(ctx, a, id); err != nil {
		return nil, "", err
	}
	cn, err := s.DB.CreditNote(ctx, a.Tenant.ClientKey, id, creditNoteID)
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	if err := invoicepdf.RenderCreditNote(&buf, cn.Document, a.Tenant.LinkURL()); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), cn.Number + ".pdf", nil
}

func amountText(d decimal.Decimal, c money.Currency) string {
	return money.Format(d, c) + " " + string(c)
}

// balanceText is what a correction's Jira comment says of the invoice after it.
func balanceText(inv invoice.Invoice) string {
	if inv.Status == invoice.StatusPaid {
		return "Nothing is left to pay."
	}
	return "Balance due: " + amountText(inv.Balance(), inv.Currency) + "."
}
