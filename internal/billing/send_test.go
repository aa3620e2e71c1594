package billing_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// outbox records the e-mails a SendWorker sends.
type outbox struct{ sent []mail.Message }

func (o *outbox) Send(_ context.Context, m mail.Message) error {
	o.sent = append(o.sent, m)
	return nil
}

// sendJobs takes the send jobs off the queue.
func (b *testBundle) sendJobs(t *testing.T) []billing.SendArgs {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `DELETE FROM river_job WHERE kind = $1 RETURNING args`, billing.SendArgs{}.Kind())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []billing.SendArgs
	for rows.Next() {
		var raw []byte
		var a billing.SendArgs
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSendInvoice works the send job finalize enqueues: one e-mail to the
// customer's billing address with the PDF of the kept document, within
// the daily mail quota, audited. Send enqueues another; a draft is not
// sent; with sendOnFinalize off, finalize sends nothing.
func TestSendInvoice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.legal(t)
	box := &outbox{}
	w := &billing.SendWorker{Service: b.svc, Mail: box, MailDailyLimit: 1}
	work := func(a billing.SendArgs) error {
		return w.Work(b.ctx, &river.Job[billing.SendArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 10}, Args: a})
	}

	d, err := b.svc.CreateDraft(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Send(b.ctx, b.manager, d.ID); !remit.IsKind(err, remit.Conflict) {
		t.Fatalf("send of a draft: %v, want a conflict", err)
	}
	inv, err := b.svc.Finalize(b.ctx, b.manager, d.ID, billing.FinalizeRequest{IssueDate: date("2026-11-15")})
	if err != nil {
		t.Fatal(err)
	}
	jobs := b.sendJobs(t)
	if len(jobs) != 1 || jobs[0].InvoiceID != inv.ID {
		t.Fatalf("send jobs = %+v, want one for invoice %d", jobs, inv.ID)
	}
	if err := work(jobs[0]); err != nil {
		t.Fatal(err)
	}
	if len(box.sent) != 1 {
		t.Fatalf("%d e-mails sent, want 1", len(box.sent))
	}
	m := box.sent[0]
	if len(m.To) != 1 || m.To[0] != "ap@acme.example" || len(m.Attachments) != 1 || m.Attachments[0].Name != inv.Number+".pdf" {
		t.Fatalf("e-mail to %v with %d attachments", m.To, len(m.Attachments))
	}
	entries, err := b.db.AuditEntries(b.ctx, b.tenant.ClientKey, store.AuditFilter{Entity: "invoice", EntityID: strconv.FormatInt(inv.ID, 10)})
	if err != nil {
		t.Fatal(err)
	}
	sends := 0
	for _, e := range entries {
		if e.Action == "send" {
			sends++
		}
	}
	if sends != 1 {
		t.Fatalf("%d send audit entries, want 1", sends)
	}

	// Sent again the same day: the quota of one is spent, so it waits.
	b.clock.Advance(1) // a later request: the send job is unique per request instant
	if _, err := b.svc.Send(b.ctx, b.manager, inv.ID); err != nil {
		t.Fatal(err)
	}
	jobs = b.sendJobs(t)
	if len(jobs) != 1 {
		t.Fatalf("send again enqueued %d jobs", len(jobs))
	}
	var snooze *river.JobSnoozeError
	if err := work(jobs[0]); !errors.As(err, &snooze) || len(box.sent) != 1 {
		t.Fatalf("second send past the quota: %v with %d e-mails, want it snoozed", err, len(box.sent))
	}

	set, _, err := b.setup.Settings(b.ctx, b.admin)
	if err != nil {
		t.Fatal(err)
	}
	off := false
	set.SendOnFinalize = &off
	if _, err := b.setup.PutSettings(b.ctx, b.admin, set); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Void(b.ctx, b.manager, inv.ID); err != nil {
		t.Fatal(err)
	}
	d2, err := b.svc.CreateDraft(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Finalize(b.ctx, b.manager, d2.ID, billing.FinalizeRequest{}); err != nil {
		t.Fatal(err)
	}
	if jobs := b.sendJobs(t); len(jobs) != 0 {
		t.Fatalf("with sendOnFinalize off, finalize enqueued %+v", jobs)
	}
}

// pageLinks hands out a page address per invoice and counts the asks.
type pageLinks struct{ asked []int64 }

func (p *pageLinks) PageURL(_ context.Context, clientKey string, invoiceID int64) (string, error) {
	p.asked = append(p.asked, invoiceID)
	return "https://remit.example/c/token-of-" + clientKey + "-" + strconv.FormatInt(invoiceID, 10), nil
}

// TestSendInvoiceLinksThePage: the invoice e-mail carries the link to the
// invoice's customer page (SPEC §15).
func TestSendInvoiceLinksThePage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.legal(t)
	box, links := &outbox{}, &pageLinks{}
	w := &billing.SendWorker{Service: b.svc, Mail: box, Links: links}
	d, err := b.svc.CreateDraft(b.ctx, b.manager, b.november())
	if err != nil {
		t.Fatal(err)
	}
	inv, err := b.svc.Finalize(b.ctx, b.manager, d.ID, billing.FinalizeRequest{IssueDate: date("2026-11-15")})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range b.sendJobs(t) {
		if err := w.Work(b.ctx, &river.Job[billing.SendArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 10}, Args: a}); err != nil {
			t.Fatal(err)
		}
	}
	want := "https://remit.example/c/token-of-" + b.tenant.ClientKey + "-" + strconv.FormatInt(inv.ID, 10)
	if len(box.sent) != 1 || !strings.Contains(box.sent[0].Text, want) || len(links.asked) != 1 {
		t.Fatalf("e-mails %+v; want one with %s", box.sent, want)
	}
}
