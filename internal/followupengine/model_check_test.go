package followupengine_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jirasync"
	"github.com/remitapp/remit/internal/store"
)

// checkFees checks, whenever the jobs quiesce, that no invoice's late fee
// went down: the engine never lowers a fee (SPEC §5).
func (m *model) checkFees(t *testing.T) {
	t.Helper()
	rows, err := m.b.pool.Query(m.b.ctx, `SELECT id, number, late_fees FROM invoices ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var number string
		var fee decimal.Decimal
		if err := rows.Scan(&id, &number, &fee); err != nil {
			t.Fatal(err)
		}
		if seen, ok := m.fees[id]; ok && fee.LessThan(seen) {
			t.Fatalf("%s: invoice %s's late fee went down from %s to %s", m, number, seen, fee)
		}
		m.fees[id] = fee
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// check verifies the promises of SPEC §5 at a quiescent point: every job
// worked or given up, the tenant swept at the current instant.
func (m *model) check(t *testing.T) {
	t.Helper()
	b := m.b
	set, _, err := b.db.GetSettings(b.ctx, b.tenant.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	policy, _, err := b.db.GetPolicy(b.ctx, b.tenant.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	loc, now := set.Location(), b.clock.Now()
	today := invoice.DateOf(now.In(loc))
	covers := m.mailCovers(t)
	m.checkLicence(t)
	unlicensed := m.unlicensed(t)
	for _, id := range m.ids {
		if m.closed[id] {
			continue // paid, void or written off, and checked so since: nothing moves it again
		}
		inv := m.invoice(t, id)
		st, err := b.db.FollowupState(b.ctx, nil, b.tenant.ClientKey, id)
		if err != nil {
			t.Fatal(err)
		}
		if !unlicensed {
			m.checkDue(t, inv, st, policy, loc) // an unlicensed tenant's actions wait, queued
		}
		m.checkPlan(t, inv)
		m.checkJira(t, inv, set, today)
		m.checkComments(t, inv, st.Events)
		m.checkPromise(t, inv, st.Events)
		m.checkEmailsSent(t, inv, st.Events, covers)
		m.closed[id] = !inv.Open()
	}
	m.checkMail(t)
	seen := map[jiraLabel]bool{}
	for _, l := range b.site.LabelsAdded() {
		k := jiraLabel{l.Key, l.Label}
		if seen[k] {
			t.Fatalf("%s: label %s added twice to %s", m, l.Label, l.Key)
		}
		seen[k] = true
	}
	for _, mv := range b.site.Moves() {
		if strings.EqualFold(mv.From, mv.To) {
			t.Fatalf("%s: %s moved from %s to itself", m, mv.Key, mv.From)
		}
	}
}

type jiraLabel struct{ key, label string }

// checkDue: no due step is lost. For an open invoice that is not
// disputed, every step due by now is recorded (done, skipped, cancelled
// or failed after its budget): the planner, asked now, has nothing left
// to decide, and no event waits queued.
func (m *model) checkDue(t *testing.T, inv invoice.Invoice, st store.FollowupState, p followup.Policy, loc *time.Location) {
	t.Helper()
	if !inv.Open() || inv.Disputed {
		return
	}
	for _, ev := range st.Events {
		if ev.Status == store.EventQueued {
			t.Fatalf("%s: invoice %s: %s %s (installment %d) still queued at quiescence", m, inv.Number, ev.Step, ev.Action, ev.Installment)
		}
	}
	r := followup.Plan(followup.PlanInput{Facts: st.Facts(loc), Policy: p, Events: store.PlannerEvents(st.Events), AsOf: m.b.clock.Now(), Location: loc})
	for _, group := range [][]followup.Planned{r.Run, r.Skip, r.Cancel} {
		for _, d := range group {
			next := "NULL"
			if st.NextActionAt != nil {
				next = st.NextActionAt.String()
			}
			t.Fatalf("%s: invoice %s: step %s %s (installment %d) is due at %s but was never decided (next action at %s)",
				m, inv.Number, d.Step, d.Action.Kind, d.Installment, m.b.clock.Now(), next)
		}
	}
}

// checkPlan: the installments of an open invoice's plan add up to its
// balance, so paying them all pays the invoice.
func (m *model) checkPlan(t *testing.T, inv invoice.Invoice) {
	t.Helper()
	if !inv.Open() || inv.Plan == nil {
		return
	}
	sum := decimal.Zero
	for _, in := range inv.Plan {
		sum = sum.Add(in.Balance())
	}
	if !sum.Equal(inv.Balance()) {
		t.Fatalf("%s: invoice %s: installments owe %s but the balance is %s (late fee %s)", m, inv.Number, sum, inv.Balance(), inv.LateFees)
	}
}

// checkJira: after the syncs ran, the issue's remit-invoice property
// shows Remit's status and balance, and a paid invoice's issue is in the
// paid status.
func (m *model) checkJira(t *testing.T, inv invoice.Invoice, set invoice.Settings, today invoice.Date) {
	t.Helper()
	if inv.IssueKey == "" {
		t.Fatalf("%s: invoice %s has no issue after quiescence", m, inv.Number)
	}
	raw, ok := m.b.site.Property(inv.IssueKey, "remit-invoice")
	if !ok {
		t.Fatalf("%s: %s has no remit-invoice property", m, inv.IssueKey)
	}
	var got jira.InvoiceProperty
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	bal, err := decimal.NewFromString(got.Balance.String())
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != string(inv.Status) || !bal.Equal(inv.Balance()) {
		t.Fatalf("%s: %s's property says %s, balance %s; Remit says %s, balance %s", m, inv.IssueKey, got.Status, bal, inv.Status, inv.Balance())
	}
	if is, _ := m.b.site.Issue(inv.IssueKey); inv.Open() && strings.EqualFold(is.Status, set.Statuses.Paid) {
		t.Fatalf("%s: open invoice %s's issue %s is in %s (balance %s)", m, inv.Number, inv.IssueKey, is.Status, inv.Balance())
	}
	if inv.Status == invoice.StatusPaid {
		is, _ := m.b.site.Issue(inv.IssueKey)
		if want := jirasync.TargetStatus(inv, today, set.Statuses); !strings.EqualFold(is.Status, want) {
			js, _ := m.b.db.JiraSyncState(m.b.ctx, m.b.tenant.ClientKey, inv.ID)
			t.Fatalf("%s: paid invoice %s's issue %s is in %s, not %s (synced version %d of %d, problem %q)", m, inv.Number,
				inv.IssueKey, is.Status, want, js.SyncedVersion, js.Version, js.Problem)
		}
	}
}

// checkComments: each comment Remit decided is on the issue at most once,
// and exactly once when its event is done. Two steps may render the same
// body (a step inserted with the tone of another, on the same day), so
// comments are counted per body: no more copies than events that may
// have posted it, no fewer than events done.
func (m *model) checkComments(t *testing.T, inv invoice.Invoice, evs []store.FollowupEvent) {
	t.Helper()
	type group struct {
		posted, done, onIssue int
		events                []string // each event's step, status and detail, for the failure message
	}
	groups := map[string]*group{}
	canon := func(raw json.RawMessage) string {
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return ""
		}
		out, _ := json.Marshal(v)
		return string(out)
	}
	for _, ev := range evs {
		if ev.Payload == nil || (ev.Action != string(followup.ActionComment) && ev.Action != string(followup.ActionNotifyAdmins)) {
			continue
		}
		var kept struct {
			Body json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(ev.Payload, &kept); err != nil || kept.Body == nil {
			continue
		}
		k := canon(kept.Body)
		if groups[k] == nil {
			groups[k] = &group{}
		}
		g := groups[k]
		g.events = append(g.events, fmt.Sprintf("%s/%s %s %q", ev.Step, ev.Action, ev.Status, ev.Detail))
		if ev.Status == store.EventDone || ev.Status == store.EventFailed || ev.Status == store.EventQueued {
			g.posted++
		}
		if ev.Status == store.EventDone {
			g.done++
		}
	}
	for _, c := range m.b.site.Comments(inv.IssueKey) {
		if g := groups[canon(c.Body)]; g != nil {
			g.onIssue++
		}
	}
	for body, g := range groups {
		if g.onIssue > g.posted || g.onIssue < g.done {
			t.Fatalf("%s: invoice %s: a comment %d events may have posted (%d done) is on %s %d times:\n%s\nevents: %v", m, inv.Number,
				g.posted, g.done, inv.IssueKey, g.onIssue, body, g.events)
		}
	}
}

// mailCovers maps the identity of each follow-up e-mail (the Message-ID
// it has alone) to the Message-ID of the message that carried it: its
// own, or that of the customer's one e-mail of a run (mail.CoversHeader).
// An e-mail carried by two different messages was sent twice.
func (m *model) mailCovers(t *testing.T) map[string]string {
	t.Helper()
	m.mail.mu.Lock()
	defer m.mail.mu.Unlock()
	out := map[string]string{}
	for _, msg := range m.mail.sent {
		ids := msg.Covers
		if len(ids) == 0 {
			ids = []string{msg.ID}
		} else {
			m.digests[msg.ID] = true
		}
		for _, id := range ids {
			if was, ok := out[id]; ok && was != msg.ID {
				t.Fatalf("%s: e-mail %s went out in two messages, %s and %s", m, id, was, msg.ID)
			}
			out[id] = msg.ID
		}
	}
	return out
}

// checkEmailsSent: each e-mail event recorded done as sent is in a
// message that was sent (alone or with the customer's others of its run).
func (m *model) checkEmailsSent(t *testing.T, inv invoice.Invoice, evs []store.FollowupEvent, covers map[string]string) {
	t.Helper()
	sum := sha256.Sum256([]byte(m.b.tenant.ClientKey))
	for _, ev := range evs {
		if ev.Action != string(followup.ActionEmail) || ev.Status != store.EventDone || !strings.HasPrefix(ev.Detail, "sent to") {
			continue
		}
		id := fmt.Sprintf("followup.%s.%d.%d.%s.email@remit.example", hex.EncodeToString(sum[:6]), inv.ID, ev.Installment, ev.Step)
		if _, ok := covers[id]; !ok {
			t.Fatalf("%s: invoice %s: e-mail of %s recorded %q, but no message carried it", m, inv.Number, ev.Step, ev.Detail)
		}
	}
}

// checkMail: each follow-up e-mail (one Message-ID per invoice,
// installment, step and action) is sent once, plus once more for each
// send whose reply the model dropped (SMTP cannot do better; SPEC §5).
func (m *model) checkMail(t *testing.T) {
	t.Helper()
	m.mail.mu.Lock()
	defer m.mail.mu.Unlock()
	count := map[string]int{}
	for _, msg := range m.mail.sent {
		count[msg.ID]++
	}
	for id, n := range count {
		if n > 1+m.mail.lost[id] {
			t.Fatalf("%s: e-mail %s sent %d times (%d replies lost)", m, id, n, m.mail.lost[id])
		}
	}
}

// checkPromise: while a promise holds (from when it was made until it is
// broken), no sweep runs or skips a step of the ladder (a payment may
// still cancel those it overtook), and no message queued
// before it goes out meanwhile (SPEC §5, §15). The planner asked now has
// nothing left to decide either way (checkDue), so a broken promise's
// step is never lost.
func (m *model) checkPromise(t *testing.T, inv invoice.Invoice, evs []store.FollowupEvent) {
	t.Helper()
	p, ok := m.promises[inv.ID]
	if !ok {
		return
	}
	for _, ev := range evs {
		if strings.HasPrefix(ev.Step, followup.StepPromiseBroken) {
			continue
		}
		// The model moves the tenant's zone: the promise's last day may
		// end up to 26 hours earlier than it did in the zone it was made in.
		during := func(at time.Time) bool { return !at.Before(p.made) && at.Before(p.broken.Add(-26*time.Hour)) }
		// Skipped and cancelled steps (a payment overtook them) say
		// nothing to anyone; the others ran, or tried to.
		ran := ev.Status != store.EventCancelled && ev.Status != store.EventSkipped
		if during(ev.AsOf) && ev.AsOf.After(p.made) && ran {
			st, _ := m.b.db.FollowupState(m.b.ctx, nil, m.b.tenant.ClientKey, inv.ID)
			t.Fatalf("%s: invoice %s: %s %s (%s, installment %d) decided at %s while the promise made at %s held until %s; promise %+v, status %s, disputed %v", m, inv.Number,
				ev.Step, ev.Action, ev.Status, ev.Installment, ev.AsOf, p.made, p.broken, st.Promise, inv.Status, inv.Disputed)
		}
		kind := followup.ActionKind(ev.Action)
		if ev.Status == store.EventDone && (kind == followup.ActionEmail || kind == followup.ActionComment) &&
			ev.CreatedAt.Before(p.made) && during(ev.At) && ev.At.After(p.made) {
			t.Fatalf("%s: invoice %s: %s %s went out at %s while the promise made at %s held until %s", m, inv.Number,
				ev.Step, ev.Action, ev.At, p.made, p.broken)
		}
	}
}
