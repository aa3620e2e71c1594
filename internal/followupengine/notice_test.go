package followupengine_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/remit"
)

// pdfHook runs onPDF before rendering an invoice's PDF: a point inside
// an e-mail action where another job can be made to finish.
type pdfHook struct {
	followupengine.Invoices
	onPDF func(id int64)
}

func (h *pdfHook) InvoicePDF(ctx context.Context, t remit.Tenant, id int64) ([]byte, string, error) {
	if h.onPDF != nil {
		h.onPDF(id)
	}
	return h.Invoices.InvoicePDF(ctx, t, id)
}

// TestFormalNoticeShowsAFeeChargedWhileItWasLoaded: two invoices of one
// customer reach final-notice-30 in one sweep, so one e-mail carries
// both. The second invoice's e-mail job loads its invoice while its late
// fee is still queued; the fee is charged while the job renders the
// first invoice's part, before the job looks for a queued fee. The
// e-mail must show the balance with the fee, not the one read before it
// (under load, the formal notice of TestFollowupLadder went out without
// the fee its PDF showed).
func TestFormalNoticeShowsAFeeChargedWhileItWasLoaded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.usLateFees(t)
	b.secondInvoice(t)
	rec := b.withRecordedMail(t)
	res := b.sweepAt(t, time.Date(2027, 1, 14, 10, 0, 0, 0, time.UTC)) // due date + 30
	ms := mails(res)
	if len(ms) != 2 {
		t.Fatalf("%d e-mails queued: %v", len(ms), plan(res))
	}
	slices.SortFunc(ms, func(x, y followupengine.Outcome) int { return int(x.EventID - y.EventID) })
	first, second := ms[0], ms[1]
	fees := map[int64]followupengine.Outcome{}
	for _, o := range res.Outcomes {
		if o.Step == followup.StepFinalNotice30 && o.Action == string(followup.ActionLateFee) {
			fees[o.InvoiceID] = o
		}
	}
	if len(fees) != 2 {
		t.Fatalf("late fees queued: %v", plan(res))
	}
	if err := b.act(res, fees[first.InvoiceID], 1); err != nil {
		t.Fatal(err)
	}
	hook := &pdfHook{Invoices: b.engine.Billing}
	hook.onPDF = func(id int64) {
		if id != first.InvoiceID {
			return
		}
		hook.onPDF = nil
		if err := b.act(res, fees[second.InvoiceID], 1); err != nil {
			t.Error(err)
		}
	}
	b.engine.Billing = hook
	b.actUntilDone(t, res, second)
	if hook.onPDF != nil {
		t.Fatal("the e-mail did not render the first invoice's part first")
	}
	if len(rec.sent) != 1 {
		t.Fatalf("%d e-mails sent, want 1", len(rec.sent))
	}
	for _, o := range ms {
		inv, err := b.billing.Detail(b.ctx, b.tenant.ClientKey, o.InvoiceID)
		if err != nil {
			t.Fatal(err)
		}
		if !inv.LateFees.IsPositive() {
			t.Fatalf("%s has no late fee: %s", inv.Number, b.event(t, fees[o.InvoiceID].EventID))
		}
		if bal := inv.Balance().StringFixed(2); !strings.Contains(rec.sent[0].Text, bal) {
			t.Errorf("the e-mail does not show %s's balance %s with its fee %s:\n%s", inv.Number, bal, inv.LateFees, rec.sent[0].Text)
		}
	}
}
