package jirasync

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Worker runs SyncArgs jobs.
type Worker struct {
	river.WorkerDefaults[SyncArgs]
	DB     *store.DB
	Jira   jira.Sites
	Now    func() time.Time
	Logger *slog.Logger
	// Recheck is how long to wait before searching again for an issue
	// whose create answer was lost; zero means 15 s.
	Recheck time.Duration
	// Recorded, when set, is told of each follow-up transition event the
	// sync recorded (by the event's step and its status), for the engine's
	// metrics.
	Recorded func(step, status string)
	// Lease is how long an invoice's sync lease lasts unless renewed, and
	// RenewEvery how often a running sync renews it; zero means leaseFor
	// and a third of the lease. Tests shorten them.
	Lease, RenewEvery time.Duration
}

// Timeout bounds one attempt. A sync cut short by it is retried and
// picks up where it stopped (every step is idempotent), so it need not
// cover linking hundreds of issues under rate limits in one go; it is
// also how long a sync stranded by a killed process waits to be rescued.
func (w *Worker) Timeout(*river.Job[SyncArgs]) time.Duration { return syncTimeout }

const (
	syncTimeout = 3 * time.Minute
	// leaseFor is how long the invoice's sync lease lasts unless renewed;
	// a running sync renews it every leaseFor/3, so a lease stranded by a
	// killed process frees up within leaseFor while two syncs of one
	// invoice never overlap.
	leaseFor = time.Minute
)

// Work makes the invoice's Jira issue match the invoice: it finds or
// creates the issue (never two), links the billed issues, writes the
// remit-invoice property and moves the issue to the status the invoice is
// in. Every step is idempotent, so a retry after any failure is safe.
func (w *Worker) Work(ctx context.Context, job *river.Job[SyncArgs]) error {
	a := job.Args
	ctx = jira.WithoutWaiting(ctx) // a 429 snoozes the job (below), never holds the worker
	log := w.Logger.With(slog.String("client_key", a.ClientKey), slog.Int64("invoice_id", a.InvoiceID), slog.Int("attempt", job.Attempt))
	t, err := w.DB.TenantByClientKey(ctx, a.ClientKey)
	if remit.IsKind(err, remit.NotFound) || (err == nil && t.State == remit.TenantUninstalled) {
		log.InfoContext(ctx, "tenant gone; invoice not synced to Jira")
		return nil
	}
	if err != nil {
		return err
	}
	if !t.Enabled {
		return river.JobSnooze(time.Hour) // Remit is disabled on the site; try again later
	}
	st, err := w.DB.JiraSyncState(ctx, a.ClientKey, a.InvoiceID)
	if remit.IsKind(err, remit.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Deleted || (st.Invoice.IssueKey != "" && st.SyncedVersion >= st.Version && st.Problem == "") {
		return nil // nothing to do, or nothing we may do
	}
	lease, ok, err := w.DB.ClaimJiraSync(ctx, a.ClientKey, a.InvoiceID, w.Now().Add(w.lease()))
	if err != nil {
		return err
	}
	if !ok {
		return river.JobSnooze(5 * time.Second) // another job is syncing this invoice
	}
	ctx, stop := w.holdLease(ctx, log, a, lease)
	defer stop()
	// Re-read under the lease: the job that held it may have synced already.
	if st, err = w.DB.JiraSyncState(ctx, a.ClientKey, a.InvoiceID); err != nil {
		return err
	}
	if st.Deleted {
		return nil
	}
	set, ok, err := w.DB.GetSettings(ctx, a.ClientKey)
	if err != nil {
		return err
	}
	if !ok {
		return river.JobCancel(errors.New("no settings"))
	}
	c, err := w.Jira.For(t)
	if err != nil {
		return err
	}
	today := invoice.DateOf(w.Now().In(set.Location()))
	inv := st.Invoice

	reached, problem, err := w.sync(ctx, c, a.ClientKey, &st, set, today)
	if errors.Is(err, errIssueDeleted) {
		log.WarnContext(ctx, "invoice issue was deleted in Jira; the invoice stays", slog.String("issue_key", inv.IssueKey))
		return w.DB.InTx(ctx, func(tx *store.Tx) error { return w.DB.MarkInvoiceIssueDeleted(ctx, tx, a.ClientKey, a.InvoiceID) })
	}
	if err != nil {
		if apiErr, ok := jira.AsAPIError(err); ok && apiErr.RetryAfter > 0 {
			log.InfoContext(ctx, "jira asked us to wait", slog.Duration("retry_after", apiErr.RetryAfter))
			return river.JobSnooze(apiErr.RetryAfter)
		}
		return err
	}
	lic, err := w.DB.TenantLicence(ctx, a.ClientKey)
	if err != nil {
		return err
	}
	var current int64
	var finished []string
	status, detail := transitionOutcome(st, set, lic, reached, problem)
	err = w.DB.InTx(ctx, func(tx *store.Tx) error {
		// The version synced and the transitions it completes commit
		// together: a crash before leaves both for the retry, which finds
		// Jira already moved and records them then.
		var err error
		if current, err = w.DB.MarkJiraSynced(ctx, tx, a.ClientKey, a.InvoiceID, st.Version, problem); err != nil || status == "" {
			return err
		}
		finished, err = w.DB.FinishSyncedTransitions(ctx, tx, a.ClientKey, a.InvoiceID, st.Version, status, detail)
		return err
	})
	if err != nil {
		return err
	}
	for _, step := range finished {
		log.InfoContext(ctx, "follow-up transition recorded", slog.String("step", step), slog.String("status", status), slog.String("detail", detail))
		if w.Recorded != nil {
			w.Recorded(step, status)
		}
	}
	if err := w.scheduleOverdue(ctx, a.ClientKey, st.Invoice, set, today); err != nil {
		return err
	}
	if problem != "" {
		log.WarnContext(ctx, "invoice issue not fully in step", slog.String("problem", problem))
	}
	if current > st.Version {
		return river.JobSnooze(time.Second) // changed while we worked: go again
	}
	return nil
}

var errIssueDeleted = errors.New("invoice issue deleted in Jira")

// transitionOutcome is what a sync that brought Jira to the invoice's
// version (reaching status reached, or stopped by problem) records for
// the invoice's follow-up transitions waiting on it: done when the issue
// is in the overdue status, failed with the problem or the status it is
// in otherwise. An empty status leaves them queued for their action job's
// own look (transitionRecheck in followupengine), which knows what
// the sync does not: a tenant whose licence lapsed must not see its
// follow-ups finish, and an invoice paid or voided since cancels them.
func transitionOutcome(st store.JiraSync, set invoice.Settings, licence, reached, problem string) (status, detail string) {
	overdue := set.Statuses.Overdue
	if licence == store.LicenceNone || !st.Invoice.Open() || overdue == "" {
		return "", ""
	}
	key := st.Invoice.IssueKey
	switch {
	case problem != "":
		return store.EventFailed, problem
	case strings.EqualFold(reached, overdue):
		return store.EventDone, fmt.Sprintf("%s is in %s", key, reached)
	case reached == "":
		return "", ""
	}
	return store.EventFailed, fmt.Sprintf("%s is in %q after the sync, not %q", key, reached, overdue)
}

// sync does the steps; reached is the status the issue is in at the end
// ("" when the invoice calls for none), problem a condition people must
// fix in Jira (a workflow without the transition), which retrying cannot.
func (w *Worker) sync(ctx context.Context, c jira.Site, clientKey string, st *store.JiraSync, set invoice.Settings, today invoice.Date) (reached, problem string, err error) {
	inv := st.Invoice
	if inv.IssueKey == "" {
		key, id, err := w.findOrCreate(ctx, c, inv, set, today)
		if err != nil {
			return "", "", err
		}
		err = w.DB.InTx(ctx, func(tx *store.Tx) error { return w.DB.SetInvoiceIssue(ctx, tx, clientKey, inv.ID, key, id) })
		if err != nil {
			return "", "", err
		}
		inv.IssueKey, st.Invoice.IssueKey, st.IssueID = key, key, id
	}
	if !st.LinksDone {
		if err := w.link(ctx, c, inv); err != nil {
			return "", "", err
		}
		if err := w.DB.MarkJiraLinksDone(ctx, clientKey, inv.ID); err != nil {
			return "", "", err
		}
	}
	if err := c.SetIssueProperty(ctx, inv.IssueKey, jira.InvoicePropertyKey, PropertyOf(inv, today)); err != nil {
		if remit.IsKind(err, remit.NotFound) {
			return "", "", errIssueDeleted
		}
		return "", "", err
	}
	target := TargetStatus(inv, today, set.Statuses)
	var avoid []string // never pass through a status that says something else of the invoice
	for _, st := range []string{set.Statuses.Paid, set.Statuses.Void, set.Statuses.Overdue} {
		if st != "" && !strings.EqualFold(st, target) {
			avoid = append(avoid, st)
		}
	}
	reached, problem, err = w.moveTo(ctx, c, inv.IssueKey, target, set.Statuses.Open, avoid...)
	if err != nil {
		return "", "", err
	}
	return reached, problem, w.postNotices(ctx, c, clientKey, inv.ID, inv.IssueKey)
}

// postNotices posts the invoice's pending notices as comments, each once:
// before posting it looks for a comment with the notice's text, so a
// retry after a lost answer finds its earlier write instead of repeating it.
func (w *Worker) postNotices(ctx context.Context, c jira.Site, clientKey string, invoiceID int64, issueKey string) error {
	notices, err := w.DB.PendingJiraNotices(ctx, clientKey, invoiceID)
	if err != nil || len(notices) == 0 {
		return err
	}
	for _, n := range notices {
		id, found, err := c.FindComment(ctx, issueKey, func(body json.RawMessage) bool {
			text, ok := jira.ParagraphText(body)
			return ok && text == n.Body
		})
		if err != nil {
			return err
		}
		if !found {
			if id, err = c.AddComment(ctx, issueKey, jira.ParagraphDoc(n.Body)); err != nil {
				return err
			}
		}
		if err := w.DB.MarkJiraNoticePosted(ctx, clientKey, n.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// findOrCreate looks the issue up by its property first: a create whose
// answer was lost may have happened, and an invoice gets one issue only.
func (w *Worker) findOrCreate(ctx context.Context, c jira.Site, inv invoice.Invoice, set invoice.Settings, today invoice.Date) (key, id string, err error) {
	found, ok, err := c.FindIssueByProperty(ctx, set.BillingProjectKey, jira.InvoicePropertyKey, "number", inv.Number)
	if err != nil {
		return "", "", err
	}
	if ok {
		return found.Key, found.ID, nil
	}
	created, err := c.CreateIssue(ctx, jira.NewIssue{
		Project:     set.BillingProjectKey,
		IssueType:   set.InvoiceIssueType,
		Summary:     Summary(inv),
		Description: Description(inv).ADF(),
		Properties:  map[string]any{jira.InvoicePropertyKey: PropertyOf(inv, today)},
	})
	if err != nil {
		var unc *jira.UncertainError
		if errors.As(err, &unc) {
			// The create may have happened; Jira's search index can lag a
			// fresh issue, so look again a little later before creating.
			return "", "", river.JobSnooze(cmp.Or(w.Recheck, 15*time.Second))
		}
		return "", "", err
	}
	return created.Key, created.ID, nil
}

// link relates the invoice issue to each billed issue. Jira answers 201
// for a link that already exists, so repeating this is harmless.
func (w *Worker) link(ctx context.Context, c jira.Site, inv invoice.Invoice) error {
	seen := map[string]bool{}
	for _, l := range inv.Lines {
		if seen[l.IssueKey] {
			continue
		}
		seen[l.IssueKey] = true
		err := c.LinkIssues(ctx, "Relates", inv.IssueKey, l.IssueKey)
		if remit.IsKind(err, remit.NotFound) {
			continue // the billed issue was deleted since; nothing to link
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// moveTo transitions the issue to the status named target by finding a
// transition whose target status has that name (case-insensitively). A
// workflow may not lead there directly: from Open it goes through the
// invoice's open status first (Open → Sent → Overdue), and from a status
// with no way to target or the open status, such as Paid when a move
// there was not applied, through another status it has not been in and
// that is none of avoid (Paid → Open → Sent). At most three moves.
// reached is the status (as Jira names it) the issue is in at the end.
func (w *Worker) moveTo(ctx context.Context, c jira.Site, key, target, via string, avoid ...string) (reached, problem string, err error) {
	if target == "" {
		return "", "", nil
	}
	visited := map[string]bool{}
	for _, a := range avoid {
		visited[strings.ToLower(a)] = true
	}
	for hop := 0; ; hop++ {
		current, transitions, err := w.statusAndTransitions(ctx, c, key)
		if err != nil {
			return "", "", err
		}
		if strings.EqualFold(current, target) {
			return current, "", nil
		}
		visited[strings.ToLower(current)] = true
		next := transitions[strings.ToLower(target)]
		if next == "" && hop < 3 && via != "" && !strings.EqualFold(current, via) {
			next = transitions[strings.ToLower(via)]
		}
		if next == "" && hop < 3 {
			for _, to := range slices.Sorted(maps.Keys(transitions)) {
				if !visited[to] {
					next = transitions[to]
					break
				}
			}
		}
		if next == "" || hop >= 3 {
			return current, fmt.Sprintf("no transition leads from %q to %q on %s; check the workflow or the status names in Remit's settings", current, target, key), nil
		}
		if err := c.Transition(ctx, key, next); err != nil {
			return "", "", err
		}
	}
}

// statusAndTransitions reads the issue's status and the transitions
// available from it, by lower-cased target status name.
func (w *Worker) statusAndTransitions(ctx context.Context, c jira.Site, key string) (string, map[string]string, error) {
	status, err := c.IssueStatus(ctx, key)
	if err != nil {
		if remit.IsKind(err, remit.NotFound) {
			return "", nil, errIssueDeleted
		}
		return "", nil, err
	}
	transitions, err := c.Transitions(ctx, key)
	if err != nil {
		return "", nil, err
	}
	byTarget := map[string]string{}
	for _, t := range transitions {
		if _, seen := byTarget[strings.ToLower(t.To)]; !seen {
			byTarget[strings.ToLower(t.To)] = t.ID
		}
	}
	return status, byTarget, nil
}

// holdLease renews the invoice's sync lease every third of its term while the
// sync runs. The returned context ends when the lease is lost (not
// renewed in time, or taken over); stop ends the renewals and releases
// the lease.
func (w *Worker) holdLease(parent context.Context, log *slog.Logger, a SyncArgs, lease time.Time) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	done := make(chan struct{})
	finished := make(chan time.Time, 1)
	go func() {
		held := lease
		defer func() { finished <- held }()
		tick := time.NewTicker(w.renewEvery())
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			next, ok, err := w.DB.RenewJiraSync(ctx, a.ClientKey, a.InvoiceID, held, w.Now().Add(w.lease()))
			switch {
			case err == nil && ok:
				held = next
			case err == nil:
				log.WarnContext(ctx, "sync lease lost; stopping this attempt")
				cancel(errLeaseLost)
				return
			case w.Now().After(held):
				log.WarnContext(ctx, "sync lease could not be renewed before it expired; stopping this attempt", slog.String("error", err.Error()))
				cancel(errLeaseLost)
				return
			default:
				log.WarnContext(ctx, "renew sync lease", slog.String("error", err.Error()))
			}
		}
	}()
	return ctx, func() {
		close(done)
		held := <-finished
		cancel(nil)
		if err := w.DB.ReleaseJiraSync(context.WithoutCancel(parent), a.ClientKey, a.InvoiceID, held); err != nil {
			log.ErrorContext(parent, "release sync lease", slog.String("error", err.Error()))
		}
	}
}

// errLeaseLost ends an attempt whose invoice lease another job holds now.
var errLeaseLost = errors.New("jira sync lease lost")

func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return leaseFor
}

func (w *Worker) renewEvery() time.Duration {
	if w.RenewEvery > 0 {
		return w.RenewEvery
	}
	return w.lease() / 3
}
