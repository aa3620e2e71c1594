package invoice

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// maxReason bounds the reason given for a correction.
const maxReason = 500

// StatusOf is the status an invoice that still takes money has, from its
// figures: paid when nothing is owed, partially paid when something was
// paid, open otherwise. A void or written-off invoice keeps its status.
func StatusOf(inv *Invoice) Status {
	if inv.Status == StatusVoid || inv.Status == StatusUncollectible {
		return inv.Status
	}
	switch {
	case !inv.Balance().IsPositive():
		return StatusPaid
	case inv.Paid.IsPositive():
		return StatusPartiallyPaid
	}
	return StatusOpen
}

// CreditNote is a correction of a finalized invoice: its own number from
// its own sequence, a reason, and a total that lowers the invoice's
// balance. Its Document is what its PDF and e-invoice show.
type CreditNote struct {
	ID        int64
	InvoiceID int64
	Number    string
	IssueDate Date
	Reason    string
	Amount    decimal.Decimal // net
	Tax       decimal.Decimal
	Total     decimal.Decimal
	Document  Document
}

// CreditNoteInput is a credit note as someone asks for it: an amount (net,
// shared among the invoice's tax categories as its taxable bases are) or
// lines, and the reason, which is required.
type CreditNoteInput struct {
	Amount string
	Lines  []LineItemInput
	Reason string
}

// IssueCreditNote checks a credit note against an invoice and the document
// it was issued with, and builds the credit note's document. The rules
// (SPEC §4 "Corrections"): only an invoice that still takes money can be
// credited; a reason is required; the credit is an amount or lines, not
// both; its total (tax included) never exceeds the invoice's open balance,
// and its net never exceeds the invoice's taxable base less earlier
// credit notes' net (creditedNet). Problems are remit.Unprocessable naming
// the field. The document keeps the invoice's parties, currency and tax
// terms, and names the invoice it corrects.
func IssueCreditNote(inv *Invoice, orig *Document, creditedNet decimal.Decimal, in CreditNoteInput, number string, issued Date) (CreditNote, error) {
	const op = "invoice.IssueCreditNote"
	if !inv.Open() {
		return CreditNote{}, remit.Errorf(remit.Unprocessable, op, "invoice %s is %s; only an invoice with a balance can be credited", inv.Number, inv.Status)
	}
	cur := orig.Currency
	f := map[string]string{}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" || len(reason) > maxReason {
		f["reason"] = fmt.Sprintf("is required (at most %d characters): the credit note states why", maxReason)
	}
	if strings.TrimSpace(number) == "" {
		f["number"] = "is required"
	}
	if issued.IsZero() || issued.Before(orig.IssueDate) {
		f["issueDate"] = "must not be before the invoice's issue date " + orig.IssueDate.String()
	}
	terms := TaxTerms{StandardRate: decimal.Zero, Reasons: map[TaxCategory]string{}}
	for _, t := range orig.Totals.Taxes {
		if t.Category == TaxStandard {
			terms.StandardRate = t.Rate
		}
		if t.Reason != "" {
			terms.Reasons[t.Category] = t.Reason
		}
	}
	var lines []LineItem
	switch {
	case in.Amount != "" && len(in.Lines) > 0:
		f["amount"] = "give an amount or lines, not both"
	case in.Amount != "":
		a, err := money.Parse(in.Amount, cur)
		switch {
		case err != nil:
			f["amount"] = "must be a plain decimal with at most " + exponentText(cur) + " for " + string(cur)
		case !a.IsPositive():
			f["amount"] = "must be more than zero"
		default:
			lines = creditLines(orig, a, reason)
		}
	case len(in.Lines) > 0:
		def := TaxStandard
		if len(orig.Totals.Taxes) == 1 {
			def = orig.Totals.Taxes[0].Category
		}
		ls, err := CheckLineItems(in.Lines, cur, def)
		if err != nil {
			mergeFields(f, err)
		}
		lines = ls
	default:
		f["amount"] = "give the amount to credit, or the lines"
	}
	var totals DocumentTotals
	if len(f) == 0 {
		t, err := DocumentTotalsOf(lines, Discount{}, terms, cur)
		if err != nil {
			mergeFields(f, err)
		}
		totals = t
		field := "amount"
		if len(in.Lines) > 0 {
			field = "lines"
		}
		switch base := orig.Totals.TaxableBase.Sub(creditedNet); {
		case err != nil:
		case totals.Total.GreaterThan(inv.Balance()):
			f[field] = fmt.Sprintf("the credit note's total of %s %s (tax included) exceeds the invoice's open balance of %s %s",
				money.Format(totals.Total, cur), cur, money.Format(inv.Balance(), cur), cur)
		case totals.TaxableBase.GreaterThan(base):
			f[field] = fmt.Sprintf("the credit note's net of %s %s exceeds what is left to credit of the invoice's net, %s %s",
				money.Format(totals.TaxableBase, cur), cur, money.Format(base, cur), cur)
		}
	}
	if len(f) > 0 {
		return CreditNote{}, remit.FieldErrors(remit.Unprocessable, op, "the credit note is not valid", f)
	}
	doc := Document{
		Version: DocumentVersion, Kind: KindCreditNote, Number: strings.TrimSpace(number),
		IssueDate: issued, PeriodStart: orig.PeriodStart, PeriodEnd: orig.PeriodEnd,
		Currency: cur, Seller: orig.Seller, Buyer: orig.Buyer, Lines: lines, Totals: totals,
		LatePaymentTerms: orig.LatePaymentTerms, Payment: orig.Payment,
		InvoiceNumber: orig.Number, InvoiceIssueDate: orig.IssueDate, Reason: reason,
	}
	return CreditNote{
		InvoiceID: inv.ID, Number: doc.Number, IssueDate: issued, Reason: reason,
		Amount: totals.TaxableBase, Tax: totals.Tax, Total: totals.Total, Document: doc,
	}, nil
}

// creditLines shares a net amount among the invoice's tax categories as
// their taxable bases are shared, one line per category.
func creditLines(orig *Document, net decimal.Decimal, reason string) []LineItem {
	weights := make([]decimal.Decimal, len(orig.Totals.Taxes))
	for i, t := range orig.Totals.Taxes {
		weights[i] = t.Base
	}
	shares, ok := money.Allocate(net, weights, orig.Currency)
	if !ok { // an invoice with nothing taxable: credit at its first category
		cat := TaxStandard
		if len(orig.Totals.Taxes) > 0 {
			cat = orig.Totals.Taxes[0].Category
		}
		return []LineItem{creditLine(orig.Number, reason, net, cat)}
	}
	var out []LineItem
	for i, s := range shares {
		if s.IsPositive() {
			out = append(out, creditLine(orig.Number, reason, s, orig.Totals.Taxes[i].Category))
		}
	}
	return out
}

func creditLine(invoiceNumber, reason string, amount decimal.Decimal, cat TaxCategory) LineItem {
	return LineItem{Kind: LineFixed, Description: "Credit on invoice " + invoiceNumber + ": " + reason,
		Quantity: decimal.NewFromInt(1), Unit: UnitOne, UnitPrice: amount, Amount: amount, TaxCategory: cat}
}

// ApplyCreditNote is the invoice after a credit note of total: its balance
// lowered, its status recomputed (a fully credited invoice is settled).
func ApplyCreditNote(inv Invoice, total decimal.Decimal) Invoice {
	inv.Credited = inv.Credited.Add(total)
	inv.Status = StatusOf(&inv)
	return inv
}

// ReversePayment marks a payment recorded in error as reversed (it stays
// in the history) and returns the invoice with Paid and the status
// recomputed: a paid invoice reopens as partially paid or open. Its plan,
// if any, is left to RaisePlan, which adds the amount back. A reason is required; a payment already
// reversed, an unknown payment and an invoice void or written off are
// refused, each as remit.Unprocessable (NotFound for the payment).
func ReversePayment(inv Invoice, paymentID int64, reason, by string, at time.Time) (Invoice, error) {
	const op = "invoice.ReversePayment"
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > maxReason {
		return inv, remit.FieldErrors(remit.Unprocessable, op, "the reversal is not valid",
			map[string]string{"reason": fmt.Sprintf("is required (at most %d characters): say why the payment was recorded in error", maxReason)})
	}
	if inv.Status == StatusVoid || inv.Status == StatusUncollectible {
		return inv, remit.Errorf(remit.Unprocessable, op, "invoice %s is %s; its payments stay as they are", inv.Number, inv.Status)
	}
	i := -1
	for k, p := range inv.Payments {
		if p.ID == paymentID {
			i = k
		}
	}
	if i < 0 {
		return inv, remit.Errorf(remit.NotFound, op, "invoice %s has no payment %d", inv.Number, paymentID)
	}
	if inv.Payments[i].Reversed {
		return inv, remit.Errorf(remit.Unprocessable, op, "payment %d was already reversed", paymentID)
	}
	ps := append([]Payment(nil), inv.Payments...)
	when := at.UTC()
	ps[i].Reversed, ps[i].ReversedAt, ps[i].ReversalReason, ps[i].ReversedBy = true, &when, reason, by
	inv.Payments = ps
	inv.Paid = PaidOf(ps)
	inv.Status = StatusOf(&inv)
	return inv, nil
}

// PaidOf is what the payments count for: those not reversed, less what
// of them went back to the payer.
func PaidOf(ps []Payment) decimal.Decimal {
	sum := decimal.Zero
	for _, p := range ps {
		sum = sum.Add(p.Kept())
	}
	return sum
}

// LateFeesOutstanding is what of the late fees may still be waived: those
// charged and not waived, and no more than the balance (a fee already paid
// is not waived; it would be refunded).
func LateFeesOutstanding(inv *Invoice) decimal.Decimal {
	fees := inv.LateFees.Sub(inv.LateFeesWaived)
	return decimal.Max(decimal.Zero, decimal.Min(fees, inv.Balance()))
}

// WaiveLateFees waives amount of an invoice's late fees for reason and
// returns the invoice with its balance and status recomputed, and the
// exact amount. The amount must be positive, exact in the currency and at
// most LateFeesOutstanding; the reason is required; the invoice must
// still take money. Problems are remit.Unprocessable naming the field.
func WaiveLateFees(inv Invoice, amount, reason string) (Invoice, decimal.Decimal, error) {
	const op = "invoice.WaiveLateFees"
	if !inv.Open() {
		return inv, decimal.Zero, remit.Errorf(remit.Unprocessable, op, "invoice %s is %s; only an invoice with a balance can have late fees waived", inv.Number, inv.Status)
	}
	f := map[string]string{}
	outstanding := LateFeesOutstanding(&inv)
	a, err := money.Parse(amount, inv.Currency)
	switch {
	case amount == "":
		f["amount"] = "is required"
	case err != nil:
		f["amount"] = "must be a plain decimal with at most " + exponentText(inv.Currency) + " for " + string(inv.Currency)
	case !a.IsPositive():
		f["amount"] = "must be more than zero"
	case a.GreaterThan(outstanding):
		f["amount"] = fmt.Sprintf("is more than the late fees outstanding, %s %s", money.Format(outstanding, inv.Currency), inv.Currency)
	}
	if r := strings.TrimSpace(reason); r == "" || len(r) > maxReason {
		f["reason"] = fmt.Sprintf("is required (at most %d characters)", maxReason)
	}
	if len(f) > 0 {
		return inv, decimal.Zero, remit.FieldErrors(remit.Unprocessable, op, "the waiver is not valid", f)
	}
	inv.LateFeesWaived = inv.LateFeesWaived.Add(a)
	inv.Status = StatusOf(&inv)
	return inv, a, nil
}

// mergeFields copies the field messages of a remit error into f, or its
// message under "" when it has none.
func mergeFields(f map[string]string, err error) {
	var re *remit.Error
	if asRemit(err, &re) && len(re.Fields) > 0 {
		for k, v := range re.Fields {
			f[k] = v
		}
		return
	}
	f["error"] = err.Error()
}
