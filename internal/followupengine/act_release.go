package followupengine

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// ReleaseArgs lifts the stop-work label one label action (EventID) put on
// the customer's work once its invoice no longer calls for it. The label
// action enqueues it; it is unique by that action's event, so each label
// is lifted at most once.
type ReleaseArgs struct {
	ClientKey string `json:"clientKey" river:"unique"`
	InvoiceID int64  `json:"invoiceId" river:"unique"`
	EventID   int64  `json:"eventId" river:"unique"`
	Label     string `json:"label"`
}

// Kind names the job.
func (ReleaseArgs) Kind() string { return "followup_release" }

// InsertOpts makes the job unique by the label action's event.
func (ReleaseArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// releaseRecheck is how often a release looks again at an invoice that
// still calls for its label. It is the safety net: the change that ends
// the hold (a payment, a plan being kept, a void, a write-off) wakes the
// job at once in its own transaction (billing's reschedule), and the job
// decides again from the invoice whatever woke it.
const releaseRecheck = time.Hour

// ReleaseWorker performs ReleaseArgs jobs.
type ReleaseWorker struct {
	river.WorkerDefaults[ReleaseArgs]
	Engine *Engine
}

// Timeout bounds one attempt.
func (w *ReleaseWorker) Timeout(*river.Job[ReleaseArgs]) time.Duration { return actionTimeout }

// Work waits (snoozing) while the invoice still calls for the label, then,
// unless another invoice of the customer still does, comments on each of
// the customer's labelled issues that work may resume and removes the
// label. The comment is looked for before it is posted and precedes the
// removal, so a retry after any fault neither posts it twice nor misses
// an issue; removing a label that is gone is a no-op.
func (w *ReleaseWorker) Work(ctx context.Context, job *river.Job[ReleaseArgs]) error {
	e, a := w.Engine, job.Args
	ctx = jira.WithoutWaiting(ctx) // a 429 snoozes the job (below), never holds the worker
	log := e.logger().With(slog.String("client_key", a.ClientKey), slog.Int64("invoice_id", a.InvoiceID), slog.Int("attempt", job.Attempt))
	t, err := e.DB.TenantByClientKey(ctx, a.ClientKey)
	if remit.IsKind(err, remit.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if t.State == remit.TenantUninstalled {
		return nil
	}
	lic, err := e.DB.TenantLicence(ctx, a.ClientKey)
	if err != nil {
		return err
	}
	if !t.Enabled || lic == store.LicenceNone {
		return river.JobSnooze(releaseRecheck)
	}
	set, ok, err := e.DB.GetSettings(ctx, a.ClientKey)
	if err != nil {
		return err
	}
	if !ok {
		set = invoice.DefaultSettings()
	}
	today := invoice.DateOf(e.now().In(set.Location()))
	st, err := e.DB.FollowupState(ctx, nil, a.ClientKey, a.InvoiceID)
	if remit.IsKind(err, remit.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Invoice.HoldsWork(today) {
		return river.JobSnooze(releaseRecheck)
	}
	others, err := e.DB.LabelledInvoicesOfCustomer(ctx, a.ClientKey, st.Invoice.CustomerID)
	if err != nil {
		return err
	}
	for _, id := range others {
		if id == a.InvoiceID {
			continue
		}
		o, err := e.DB.FollowupState(ctx, nil, a.ClientKey, id)
		if err != nil && !remit.IsKind(err, remit.NotFound) {
			return err
		}
		if err == nil && o.Invoice.HoldsWork(today) {
			log.InfoContext(ctx, "stop-work label kept: another invoice still calls for it", slog.Int64("other_invoice_id", id))
			return nil // that invoice's own release lifts it
		}
	}
	cust, err := e.DB.Customer(ctx, a.ClientKey, st.Invoice.CustomerID)
	if err != nil {
		return err
	}
	n, err := e.release(ctx, t, cust, a.Label, st.Invoice.Number)
	if remit.IsKind(err, remit.Invalid) {
		log.WarnContext(ctx, "stop-work label not lifted: the customer's JQL was refused by Jira", slog.String("error", err.Error()))
		return nil
	}
	if apiErr, ok := jira.AsAPIError(err); ok && apiErr.RetryAfter > 0 && apiErr.Status == http.StatusTooManyRequests {
		return river.JobSnooze(apiErr.RetryAfter)
	}
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "stop-work label lifted", slog.String("label", a.Label), slog.Int("issues", n))
	return nil
}

// ResumeComment is the comment a released issue gets.
func ResumeComment(number string) string {
	return fmt.Sprintf("Invoice %s is settled: the payment hold is lifted and work may resume.", number)
}

// release comments on and unlabels every issue of the customer's JQL
// that has the label, and returns how many it released. It reads all the
// pages before changing anything, since a removal changes the result.
func (e *Engine) release(ctx context.Context, t remit.Tenant, cust invoice.Customer, label, number string) (int, error) {
	c, err := e.Jira.For(t)
	if err != nil {
		return 0, err
	}
	jql := "(" + cust.JQL + ") AND labels = " + strconv.Quote(label)
	var keys []string
	token := ""
	for {
		page, err := c.IssueLabels(ctx, jql, token)
		if err != nil {
			return 0, err
		}
		for _, is := range page.Issues {
			keys = append(keys, is.Key)
		}
		if page.NextPageToken == "" || len(page.Issues) == 0 {
			break
		}
		token = page.NextPageToken
	}
	text := ResumeComment(number)
	for _, key := range keys {
		_, found, err := c.FindComment(ctx, key, func(body json.RawMessage) bool {
			got, ok := jira.ParagraphText(body)
			return ok && got == text
		})
		if remit.IsKind(err, remit.NotFound) {
			continue // deleted since the search
		}
		if err != nil {
			return 0, err
		}
		if !found {
			if _, err := c.AddComment(ctx, key, jira.ParagraphDoc(text)); err != nil && !remit.IsKind(err, remit.NotFound) {
				return 0, err
			}
		}
		if err := c.RemoveLabel(ctx, key, label); err != nil && !remit.IsKind(err, remit.NotFound) {
			return 0, err
		}
	}
	return len(keys), nil
}
