package followupengine_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/store"
)

// reverse reverses a random payment that still counts, as one recorded
// in error (SPEC §4 Corrections): a paid invoice reopens, its plan takes
// the money back, and its issue follows it out of the paid status.
func (m *model) reverse(t *testing.T) {
	t.Helper()
	b := m.b
	type payment struct{ invoice, id int64 }
	var ps []payment
	rows, err := b.pool.Query(b.ctx, `SELECT p.invoice_id, p.id FROM payments p JOIN invoices i ON i.id = p.invoice_id
		WHERE p.reversed_at IS NULL AND i.status IN ('open', 'partially_paid', 'paid') ORDER BY p.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p payment
		if err := rows.Scan(&p.invoice, &p.id); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if rows.Close(); rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(ps) == 0 {
		return
	}
	p := ps[m.rng.IntN(len(ps))]
	_, err = b.billing.ReversePayment(b.ctx, b.manager, p.invoice, p.id, fmt.Sprintf("recorded in error (step %d)", m.step))
	m.refused(t, "reversal", err)
	if err == nil {
		m.closed[p.invoice] = false // a paid invoice is open again
		m.stats.reversals++
	}
}

// licence lapses the tenant's licence or brings it back, as Jira's
// licence API answers it. A page load records the change at once (the
// lic parameter) one time in two; otherwise the next run reads it from
// Jira. Half the lapses come while a sweep's actions are queued: the
// clock moves, the tenant is swept, some of its jobs are worked, a page
// load reports the licence lapsed, and the rest must wait for it.
func (m *model) licence(t *testing.T) {
	t.Helper()
	b := m.b
	record := func(state string) {
		if err := b.db.RecordLicence(b.ctx, b.tenant.ClientKey, state); err != nil {
			t.Fatalf("%s: record licence %s: %v", m, state, err)
		}
	}
	if m.lapsed {
		b.site.SetLicence(true)
		if m.rng.IntN(2) == 0 {
			record(store.LicenceActive)
		}
		m.lapsed = false
	} else {
		whileQueued := m.rng.IntN(2) == 0
		if whileQueued {
			b.clock.Set(b.clock.Now().Add(time.Duration(1+m.rng.IntN(72)) * time.Hour))
			if _, err := b.engine.Sweep(b.ctx, b.tenant, b.clock.Now()); err != nil {
				t.Fatalf("%s: sweep: %v", m, err)
			}
			m.stats.sweeps++
			jobs := m.queuedJobs(t)
			for _, j := range jobs[:m.rng.IntN(len(jobs)+1)] {
				m.work(t, j, m.rng.IntN(100) < m.crashPct)
			}
			m.stats.lapsedQueued += len(m.queuedJobs(t))
		}
		b.site.SetLicence(false)
		if whileQueued || m.rng.IntN(2) == 0 {
			record(store.LicenceNone)
			// What was done so far stands; from here nothing may be.
			e := m.effectsNow(t)
			m.effects = &e
		}
		m.lapsed = true
	}
	m.stats.licences++
	m.drain(t)
	m.check(t)
}

// unlicensed says whether the tenant is recorded unlicensed, which
// pauses its follow-ups.
func (m *model) unlicensed(t *testing.T) bool {
	t.Helper()
	lic, err := m.b.db.TenantLicence(m.b.ctx, m.b.tenant.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	return lic == store.LicenceNone
}

// effects is what the follow-up actions did so far: e-mails sent,
// follow-up comments in Jira, labels added, the late fees charged and
// the follow-up events finished. (Transitions are counted by their
// events: the Jira sync, which follows payments whatever the licence,
// moves issues too.)
type effects struct {
	mails, comments, labels, finished int
	fees                              string
}

func (m *model) effectsNow(t *testing.T) effects {
	t.Helper()
	b := m.b
	var e effects
	m.mail.mu.Lock()
	e.mails = len(m.mail.sent)
	m.mail.mu.Unlock()
	for _, id := range m.ids {
		inv := m.invoice(t, id)
		for _, c := range b.site.Comments(inv.IssueKey) {
			if _, ok := c.Properties[followupengine.CommentProperty]; ok {
				e.comments++
			}
		}
	}
	e.labels = len(b.site.LabelsAdded())
	var fees decimal.Decimal
	if err := b.pool.QueryRow(b.ctx, `SELECT coalesce(sum(late_fees), 0) FROM invoices`).Scan(&fees); err != nil {
		t.Fatal(err)
	}
	e.fees = fees.String()
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM followup_events WHERE status <> 'queued'`).Scan(&e.finished); err != nil {
		t.Fatal(err)
	}
	return e
}

// checkLicence: while the tenant is recorded unlicensed, no follow-up
// sends, charges, comments, labels or finishes anything; what was queued
// waits (checkDue finds it done once the licence is active again).
func (m *model) checkLicence(t *testing.T) {
	t.Helper()
	if !m.unlicensed(t) {
		m.effects = nil
		return
	}
	now := m.effectsNow(t)
	if was := m.effects; was != nil && now != *was {
		t.Fatalf("%s: follow-ups acted while the licence was inactive: before %+v, now %+v", m, *was, now)
	}
	m.effects = &now
}
