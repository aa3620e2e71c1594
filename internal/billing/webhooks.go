package billing

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// ActorJira is the audit actor of changes that Jira's webhooks cause (a
// person acting in Jira rather than in Remit).
const ActorJira = "jira"

// WebhookHandler processes one delivered Jira event of a tenant.
type WebhookHandler func(ctx context.Context, clientKey string, payload []byte) error

// WebhookHandlers are the Jira events billing reacts to (SPEC §6), by
// webhookEvent name. Each is idempotent and tolerates late deliveries:
// applying one twice, or an older one after a newer one, changes nothing.
func (s *Service) WebhookHandlers() map[string]WebhookHandler {
	return map[string]WebhookHandler{
		"jira:issue_updated": s.IssueUpdated,
		"jira:issue_deleted": s.IssueDeleted,
		"worklog_updated":    func(ctx context.Context, k string, p []byte) error { return s.WorklogChanged(ctx, k, p, false) },
		"worklog_deleted":    func(ctx context.Context, k string, p []byte) error { return s.WorklogChanged(ctx, k, p, true) },
	}
}

// eventTime is when Jira says the event happened (its timestamp in
// milliseconds), which orders deliveries; now when it is missing.
func eventTime(ms int64, now func() time.Time) time.Time {
	if ms <= 0 {
		return now()
	}
	return time.UnixMilli(ms)
}

// IssueUpdated applies a person's move of an invoice issue in Jira: to
// the paid status it records a payment of the balance (method
// jira-transition), to the void status it voids the invoice when that is
// allowed and otherwise records why not; out of the paid status it
// reverses the payment a move to paid recorded (audited), and leaves an
// invoice paid otherwise with a notice. Moves by Remit's own app user,
// to other statuses, of issues that are no invoice's, to the status the
// invoice is already in, and older than a move already applied are
// ignored.
func (s *Service) IssueUpdated(ctx context.Context, clientKey string, payload []byte) error {
	const op = "billing.IssueUpdated"
	ev, err := jira.DecodeIssueEvent(payload)
	if err != nil {
		return remit.Wrap(remit.Invalid, op, err)
	}
	from, to, moved := ev.StatusChange()
	if !moved || (ev.User != nil && ev.User.AccountType == "app") {
		return nil
	}
	set, ok, err := s.webhookSettings(ctx, clientKey)
	if err != nil || !ok {
		return err
	}
	var action invoice.Action
	switch {
	case set.Statuses.Paid != "" && strings.EqualFold(to, set.Statuses.Paid):
		action = "pay"
	case set.Statuses.Void != "" && strings.EqualFold(to, set.Statuses.Void):
		action = invoice.ActionVoid
	case set.Statuses.Paid != "" && strings.EqualFold(from, set.Statuses.Paid):
		action = "unpay"
	default:
		return nil
	}
	id, err := s.DB.InvoiceIDByIssue(ctx, clientKey, ev.Issue.ID, ev.Issue.Key)
	if remit.IsKind(err, remit.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	at := eventTime(ev.Timestamp, s.Now)
	by := ""
	if ev.User != nil {
		by = ev.User.AccountID
	}
	// Moving the issue records a payment or voids only for someone who
	// may do so through the API: whoever may merely transition the issue
	// must not bypass that permission. Asked of Jira before the
	// transaction; a Jira outage retries the delivery.
	mayManage, err := s.moverMayManage(ctx, clientKey, by, set.BillingProjectKey)
	if err != nil {
		return err
	}
	log := s.Logger.With(slog.String("client_key", clientKey), slog.Int64("invoice_id", id), slog.String("issue_key", ev.Issue.Key))
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		inv, err := s.DB.InvoiceForUpdate(ctx, tx, clientKey, id)
		if err != nil {
			return err
		}
		if (action == "pay" && inv.Status == invoice.StatusPaid) || (action == invoice.ActionVoid && inv.Status == invoice.StatusVoid) ||
			(action == "unpay" && inv.Status != invoice.StatusPaid) {
			return nil // Remit already agrees with Jira
		}
		fresh, err := s.DB.ClaimJiraEvent(ctx, tx, clientKey, id, at)
		if err != nil || !fresh {
			return err
		}
		moveNote := fmt.Sprintf("issue %s moved to %q in Jira by %s", ev.Issue.Key, to, by)
		var refused error
		var notice string
		switch {
		case !mayManage:
			what := "record a payment"
			switch action {
			case invoice.ActionVoid:
				what = "void an invoice"
			case "unpay":
				what = "reverse a payment"
			}
			refused = fmt.Errorf("the person who moved the issue may not %s (Administer Projects on %s is needed)", what, set.BillingProjectKey)
			notice = fmt.Sprintf("Remit did not apply the move to %q: only people with Administer Projects permission on %s "+
				"(or Jira administrators) may %s. The issue is moved back; invoice %s is unchanged.", to, set.BillingProjectKey, what, inv.Number)
		case action == "pay":
			if !inv.Open() || !inv.Balance().IsPositive() {
				refused = fmt.Errorf("invoice %s is %s and takes no payments", inv.Number, inv.Status)
			} else {
				paidOn := invoice.DateOf(at.In(set.Location()))
				if paidOn.Before(inv.IssueDate) {
					paidOn = inv.IssueDate
				}
				// The payment is the balance at the move, not when the
				// delivery is processed: late fees charged since the move
				// were charged on an invoice already paid, and are waived.
				since, err := s.lateFeesChargedSince(ctx, clientKey, id, at)
				if err != nil {
					return err
				}
				if since.IsPositive() && since.LessThan(inv.Balance()) && !since.GreaterThan(invoice.LateFeesOutstanding(&inv)) {
					if inv, err = s.waiveLateFees(ctx, tx, clientKey, inv, since.String(), fmt.Sprintf("charged after %s", moveNote), ActorJira); err != nil {
						return err
					}
				}
				p := invoice.Payment{Amount: inv.Balance(), PaidOn: paidOn, Method: invoice.MethodJiraTransition,
					Reference: moveNote, RecordedBy: ActorJira}
				if err := s.applyPayment(ctx, tx, clientKey, inv, &p); err != nil {
					return err
				}
				log.InfoContext(ctx, "payment recorded from a Jira transition", slog.String("amount", p.Amount.String()))
			}
		case action == "unpay":
			// SPEC §6 is silent on a move back out of Paid; the sync would
			// otherwise undo it. The payment the move to Paid recorded is
			// reversed (audited, as any reversal); a paid invoice whose
			// last payment came otherwise is left paid, and why is said.
			last, err := s.lastPayment(ctx, tx, clientKey, id)
			if err != nil {
				return err
			}
			if last == nil || last.Method != invoice.MethodJiraTransition {
				refused = fmt.Errorf("invoice %s was paid by a payment recorded in Remit, not by a move to %q; reverse that payment in Remit", inv.Number, set.Statuses.Paid)
				notice = fmt.Sprintf("Remit did not apply the move out of %q: invoice %s was paid by a payment recorded in Remit, "+
					"which only a reversal in Remit undoes. The issue is moved back.", set.Statuses.Paid, inv.Number)
				break
			}
			if err := s.reversePayment(ctx, tx, clientKey, set.Location(), inv, last.ID, moveNote+": the move to "+set.Statuses.Paid+" is undone", ActorJira); err != nil {
				return err
			}
			log.InfoContext(ctx, "payment from a Jira transition reversed by the move out of Paid", slog.Int64("payment_id", last.ID))
		default:
			if _, err := invoice.Apply(inv, invoice.ActionVoid); err != nil {
				refused = err
			} else if err := s.DB.VoidInvoice(ctx, tx, clientKey, id, ActorJira); err != nil {
				return err
			} else {
				log.InfoContext(ctx, "invoice voided from a Jira transition")
			}
		}
		if refused != nil {
			// Leave the invoice as it is, say why in the audit log, and let
			// the sync job move the issue back where the workflow allows.
			after := stateOf(inv)
			after.Note = moveNote + "; not applied: " + refused.Error()
			if err := s.audit(ctx, tx, clientKey, ActorJira, "jira_status_refused", id, stateOf(inv), after); err != nil {
				return err
			}
			if notice != "" {
				if err := s.DB.AddJiraNotice(ctx, tx, clientKey, id, notice); err != nil {
					return err
				}
			}
			log.InfoContext(ctx, "Jira status change not applied", slog.String("reason", refused.Error()))
		}
		return s.syncLater(ctx, tx, clientKey, id)
	})
}

// lateFeesChargedSince sums the late fee increases recorded for the
// invoice after since (the audit log's late_fee entries, before and
// after each).
func (s *Service) lateFeesChargedSince(ctx context.Context, clientKey string, id int64, since time.Time) (decimal.Decimal, error) {
	sum := decimal.Zero
	f := store.AuditFilter{Entity: "invoice", EntityID: strconv.FormatInt(id, 10), Limit: 1000}
	for {
		page, err := s.DB.AuditEntries(ctx, clientKey, f)
		if err != nil {
			return sum, err
		}
		for _, e := range page {
			if e.Action != "late_fee" || !e.At.After(since) {
				continue
			}
			var before, after struct {
				LateFees string `json:"lateFees"`
			}
			if json.Unmarshal(e.Before, &before) != nil || json.Unmarshal(e.After, &after) != nil {
				continue
			}
			b, err1 := decimal.NewFromString(before.LateFees)
			a, err2 := decimal.NewFromString(after.LateFees)
			if err1 == nil && err2 == nil && a.GreaterThan(b) {
				sum = sum.Add(a.Sub(b))
			}
		}
		if len(page) < f.Limit {
			return sum, nil
		}
		f.AfterID = page[len(page)-1].ID
	}
}

// lastPayment is the invoice's latest payment not reversed, nil when it
// has none.
func (s *Service) lastPayment(ctx context.Context, tx *store.Tx, clientKey string, id int64) (*invoice.Payment, error) {
	ps, err := s.DB.PaymentsIn(ctx, tx, clientKey, id)
	if err != nil {
		return nil, err
	}
	for i := len(ps) - 1; i >= 0; i-- {
		if !ps[i].Reversed {
			return &ps[i], nil
		}
	}
	return nil, nil
}

// moverMayManage says whether the person who moved an invoice issue may
// record payments and void invoices (SPEC §3); nobody named may not.
func (s *Service) moverMayManage(ctx context.Context, clientKey, accountID, billingProject string) (bool, error) {
	if accountID == "" {
		return false, nil
	}
	t, err := s.DB.TenantByClientKey(ctx, clientKey)
	if err != nil {
		return false, err
	}
	ok, err := s.Perms.CanManage(ctx, t, accountID, billingProject)
	if remit.IsKind(err, remit.NotFound) || remit.IsKind(err, remit.Invalid) {
		return false, nil // an account Jira no longer knows may do nothing
	}
	return ok, err
}

// IssueDeleted flags the invoice whose issue people deleted; the invoice
// itself stays (money is never lost).
func (s *Service) IssueDeleted(ctx context.Context, clientKey string, payload []byte) error {
	const op = "billing.IssueDeleted"
	ev, err := jira.DecodeIssueEvent(payload)
	if err != nil {
		return remit.Wrap(remit.Invalid, op, err)
	}
	if ok, err := s.webhookTenant(ctx, clientKey); err != nil || !ok {
		return err
	}
	id, err := s.DB.InvoiceIDByIssue(ctx, clientKey, ev.Issue.ID, ev.Issue.Key)
	if remit.IsKind(err, remit.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	st, err := s.DB.JiraSyncState(ctx, clientKey, id)
	if err != nil || st.Deleted {
		return err // already flagged: a repeated event changes nothing
	}
	s.Logger.WarnContext(ctx, "invoice issue deleted in Jira; the invoice stays",
		slog.String("client_key", clientKey), slog.Int64("invoice_id", id), slog.String("issue_key", ev.Issue.Key))
	return s.DB.MarkInvoiceIssueDeleted(ctx, nil, clientKey, id)
}

// WorklogChanged flags the invoice that bills a worklog changed or
// deleted in Jira for review, with the difference in seconds and money.
// The invoice's amounts never change. A change of a worklog no invoice
// bills, an edit that left its time alone, and a delivery older than the
// change already recorded for that worklog change nothing.
func (s *Service) WorklogChanged(ctx context.Context, clientKey string, payload []byte, deleted bool) error {
	const op = "billing.WorklogChanged"
	ev, err := jira.DecodeWorklogEvent(payload)
	if err != nil {
		return remit.Wrap(remit.Invalid, op, err)
	}
	wid, err := strconv.ParseInt(ev.WorklogID, 10, 64)
	if err != nil {
		return remit.Errorf(remit.Invalid, op, "worklog id %q is not a number", ev.WorklogID)
	}
	set, ok, err := s.webhookSettings(ctx, clientKey)
	if err != nil || !ok {
		return err
	}
	bw, billed, err := s.DB.BilledWorklog(ctx, clientKey, wid)
	if err != nil || !billed {
		return err
	}
	inv, err := s.DB.Invoice(ctx, clientKey, bw.InvoiceID)
	if err != nil {
		return err
	}
	issueID := bw.IssueID
	if ev.IssueID != "" {
		issueID = ev.IssueID
	}
	c := invoice.NewRoundedWorklogChange(wid, issueID, bw.IssueKey, bw.Seconds, ev.TimeSpentSeconds, deleted, set.RoundingMinutes, bw.Rate, inv.Currency, eventTime(ev.Timestamp, s.Now))
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		applied, err := s.DB.FlagWorklogChange(ctx, tx, clientKey, inv.ID, c, c.DiffSeconds == 0)
		if err != nil || !applied {
			return err
		}
		before := stateOf(inv)
		before.Note = fmt.Sprintf("worklog %d billed %d s", wid, bw.Seconds)
		if err := s.audit(ctx, tx, clientKey, ActorJira, "worklog_changed", inv.ID, before, c); err != nil {
			return err
		}
		return s.syncLater(ctx, tx, clientKey, inv.ID)
	})
}

// webhookTenant reports whether the tenant is still installed and
// enabled; events of others are dropped.
func (s *Service) webhookTenant(ctx context.Context, clientKey string) (bool, error) {
	t, err := s.DB.TenantByClientKey(ctx, clientKey)
	if remit.IsKind(err, remit.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return t.Active(), nil
}

// webhookSettings is the tenant's settings for a status event; ok is
// false when the tenant is gone or not configured.
func (s *Service) webhookSettings(ctx context.Context, clientKey string) (invoice.Settings, bool, error) {
	if ok, err := s.webhookTenant(ctx, clientKey); err != nil || !ok {
		return invoice.Settings{}, false, err
	}
	return s.DB.GetSettings(ctx, clientKey)
}
