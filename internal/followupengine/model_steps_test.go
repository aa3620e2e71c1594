package followupengine_test

import (
	"errors"
	"fmt"
	"time"

	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/customerportal"
	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/remit"
)

// advance moves the clock forward (an hour to five days), sweeps at the
// new instant, works the jobs to quiescence and checks the invariants.
// Sometimes Jira is down for the sweep's first attempts.
func (m *model) advance(t *testing.T) {
	t.Helper()
	b := m.b
	b.clock.Set(b.clock.Now().Add(time.Duration(1+m.rng.IntN(72)) * time.Hour))
	if m.rng.IntN(10) == 0 {
		b.site.Down(jirafake.Unavailable())
		for _, j := range m.queuedJobs(t) {
			m.work(t, j, false)
		}
		b.site.Up()
	}
	if _, err := b.engine.Sweep(b.ctx, b.tenant, b.clock.Now()); err != nil {
		t.Fatalf("%s: sweep: %v", m, err)
	}
	m.stats.sweeps++
	m.drain(t)
	m.check(t)
}

// open is a random invoice that is open or partially paid, or false.
func (m *model) open(t *testing.T) (invoice.Invoice, bool) {
	t.Helper()
	var ids []int64
	rows, err := m.b.pool.Query(m.b.ctx, `SELECT id FROM invoices WHERE status IN ('open', 'partially_paid') ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if rows.Close(); rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(ids) == 0 {
		return invoice.Invoice{}, false
	}
	return m.invoice(t, ids[m.rng.IntN(len(ids))]), true
}

func (m *model) invoice(t *testing.T, id int64) invoice.Invoice {
	t.Helper()
	inv, err := m.b.billing.Detail(m.b.ctx, m.b.tenant.ClientKey, id)
	if err != nil {
		t.Fatalf("%s: invoice %d: %v", m, id, err)
	}
	return inv
}

// today is the tenant's date now.
func (m *model) today(t *testing.T) invoice.Date {
	t.Helper()
	d, err := m.b.billing.Today(m.b.ctx, m.b.tenant)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// refused fails the run unless err is a 422 (a use case saying no to
// what the model asked, which it may).
func (m *model) refused(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if remit.IsKind(err, remit.Unprocessable) || remit.IsKind(err, remit.Conflict) {
		m.stats.refused++
		return
	}
	t.Fatalf("%s: %s: %v", m, what, err)
}

// pay pays a random open invoice in full (one time in three) or in part.
func (m *model) pay(t *testing.T) {
	t.Helper()
	inv, ok := m.open(t)
	if !ok {
		return
	}
	amount := inv.Balance()
	if m.rng.IntN(3) > 0 {
		cents := amount.Shift(2).IntPart()
		if cents < 2 {
			return
		}
		amount = decimal.New(1+m.rng.Int64N(cents-1), -2)
	}
	_, _, err := m.b.billing.RecordPayment(m.b.ctx, m.b.manager, inv.ID, invoice.PaymentInput{Amount: amount.StringFixed(2),
		PaidOn: m.today(t), Method: "bank", Reference: fmt.Sprintf("model-%d", m.step)})
	m.refused(t, "payment", err)
	m.stats.payments++
}

// plan puts a random open invoice on a plan of one to three installments
// due from today to a few weeks on, replacing any plan it had.
func (m *model) plan(t *testing.T) {
	t.Helper()
	inv, ok := m.open(t)
	if !ok {
		return
	}
	n := 1 + m.rng.IntN(3)
	cents := inv.Balance().Shift(2).IntPart()
	if cents < int64(n) {
		return
	}
	due := m.today(t).AddDays(m.rng.IntN(10) - 2)
	if due.Before(inv.IssueDate) {
		due = inv.IssueDate
	}
	var in []invoice.InstallmentInput
	left := cents
	for i := range n {
		part := left
		if i < n-1 {
			part = 1 + m.rng.Int64N(left-int64(n-1-i))
		}
		left -= part
		in = append(in, invoice.InstallmentInput{DueDate: due, Amount: decimal.New(part, -2).StringFixed(2)})
		due = due.AddDays(7 + m.rng.IntN(21))
	}
	_, err := m.b.billing.SetPlan(m.b.ctx, m.b.manager, inv.ID, in)
	m.refused(t, "plan", err)
	m.stats.plans++
}

// dispute disputes a random open invoice, or withdraws its dispute.
func (m *model) dispute(t *testing.T) {
	t.Helper()
	inv, ok := m.open(t)
	if !ok {
		return
	}
	var err error
	if inv.Disputed {
		_, err = m.b.billing.Undispute(m.b.ctx, m.b.manager, inv.ID)
	} else {
		_, err = m.b.billing.Dispute(m.b.ctx, m.b.manager, inv.ID)
	}
	m.refused(t, "dispute", err)
	m.stats.disputes++
}

// editPolicy inserts a step, renames one, moves one's offset or changes
// the tenant's late-fee preset, through PutPolicy.
func (m *model) editPolicy(t *testing.T) {
	t.Helper()
	b := m.b
	p, _, err := b.db.GetPolicy(b.ctx, b.tenant.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	steps := p.Steps
	i := m.rng.IntN(len(steps))
	lo, hi := -365, 3650 // the offsets step i may take, strictly between its neighbours
	if i > 0 {
		lo = steps[i-1].OffsetDays + 1
	}
	if i < len(steps)-1 {
		hi = steps[i+1].OffsetDays - 1
	}
	switch m.rng.IntN(4) {
	case 0: // insert a step just before step i, when there is room
		if len(steps) >= 20 || steps[i].OffsetDays-1 < lo {
			return
		}
		m.renames++
		s := followup.Step{Key: fmt.Sprintf("extra-%d", m.renames), OffsetDays: lo + m.rng.IntN(steps[i].OffsetDays-lo),
			Template: followup.TemplatePolite, Actions: []followup.Action{{Kind: followup.ActionComment}}}
		if m.rng.IntN(2) == 0 {
			s.Actions = append(s.Actions, followup.Action{Kind: followup.ActionEmail})
		}
		if m.rng.IntN(4) == 0 {
			s.Actions = append([]followup.Action{{Kind: followup.ActionLateFee}}, s.Actions...)
		}
		p.Steps = append(steps[:i:i], append([]followup.Step{s}, steps[i:]...)...)
	case 1: // rename step i
		m.renames++
		steps[i].Key = fmt.Sprintf("renamed-%d", m.renames)
	case 2: // move step i
		if hi < lo {
			return
		}
		steps[i].OffsetDays = lo + m.rng.IntN(hi-lo+1)
	default:
		presets := []string{followup.PresetNone, followup.PresetUS, followup.PresetCustom}
		p.LateFee.Preset = presets[m.rng.IntN(len(presets))]
		p.LateFee.InterestPercentPerYear = decimal.NewFromInt(int64(m.rng.IntN(20)))
		p.LateFee.FixedFee = decimal.NewFromInt(int64(m.rng.IntN(50)))
	}
	_, err = b.engine.PutPolicy(b.ctx, b.manager, p)
	m.refused(t, "policy", err)
	m.stats.policies++
}

// customerFee changes the customer's late-fee preset (or clears it).
func (m *model) customerFee(t *testing.T) {
	t.Helper()
	b := m.b
	c, err := b.setup.Customer(b.ctx, b.manager, b.inv.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	presets := append([]string{""}, invoice.LateFeePresets...)
	c.LateFeePolicy = presets[m.rng.IntN(len(presets))]
	_, err = b.setup.SaveCustomer(b.ctx, b.manager, c)
	m.refused(t, "customer", err)
	m.stats.customers++
}

// timezone moves the tenant to another timezone.
func (m *model) timezone(t *testing.T) {
	t.Helper()
	b := m.b
	set, _, err := b.setup.Settings(b.ctx, b.manager)
	if err != nil {
		t.Fatal(err)
	}
	zones := []string{"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/New_York", "Asia/Tokyo"}
	set.Timezone = zones[m.rng.IntN(len(zones))]
	_, err = b.setup.PutSettings(b.ctx, b.manager, set)
	m.refused(t, "settings", err)
	m.stats.settings++
}

// newInvoice bills an hour of work logged yesterday, issued today (at
// most eight open invoices at a time, one a day).
func (m *model) newInvoice(t *testing.T) {
	t.Helper()
	today, open := m.today(t), 0
	for _, id := range m.ids {
		inv := m.invoice(t, id)
		if inv.IssueDate == today {
			return // one a day: the day's work is billed
		}
		if inv.Open() {
			open++
		}
	}
	if open >= 8 {
		return
	}
	m.invoiceFor(t, today.AddDays(-1), today)
}

// jiraFault arms one fault on a random method: a 429, a 5xx before the
// write, a 5xx after it, or an answer lost before or after the write.
func (m *model) jiraFault(t *testing.T) {
	t.Helper()
	meth := jiraMethods[m.rng.IntN(len(jiraMethods))]
	site := m.b.site
	switch m.rng.IntN(5) {
	case 0:
		site.FailNext(meth, jirafake.RateLimited(time.Duration(1+m.rng.IntN(90))*time.Second))
	case 1:
		site.FailNext(meth, jirafake.Unavailable())
	case 2:
		site.FailAfterWrite(meth, jirafake.Unavailable())
	case 3:
		site.FailNext(meth, jirafake.Lost(meth))
	default:
		site.FailAfterWrite(meth, jirafake.Lost(meth))
	}
	m.stats.jiraFaults++
}

// jiraOutage moves the clock and sweeps while Jira is down for as many
// rounds of work as an action has attempts, so the actions the sweep
// queued use up their budget and are recorded failed (or discarded, when
// a crash takes the last attempt); then Jira comes back and the model
// quiesces and checks as after advance.
func (m *model) jiraOutage(t *testing.T) {
	t.Helper()
	b := m.b
	b.site.Down(jirafake.Unavailable())
	b.clock.Set(b.clock.Now().Add(time.Duration(1+m.rng.IntN(72)) * time.Hour))
	if _, err := b.engine.Sweep(b.ctx, b.tenant, b.clock.Now()); err != nil {
		t.Fatalf("%s: sweep: %v", m, err)
	}
	for range b.engine.MaxAttempts {
		for _, j := range m.queuedJobs(t) {
			m.work(t, j, m.rng.IntN(100) < m.crashPct)
		}
	}
	b.site.Up()
	m.stats.jiraFaults++
	m.stats.sweeps++
	m.drain(t)
	m.check(t)
}

// mailFault arms one SMTP fault: a temporary failure before sending, a
// send whose reply is lost, or (rarely) a permanent refusal.
func (m *model) mailFault(t *testing.T) {
	t.Helper()
	m.mail.mu.Lock()
	defer m.mail.mu.Unlock()
	switch r := m.rng.IntN(10); {
	case r < 5:
		m.mail.fail = append(m.mail.fail, mailFault{err: &mail.Error{Temporary: true, Code: 421, Err: errors.New("try again later")}})
	case r < 9:
		m.mail.fail = append(m.mail.fail, mailFault{err: &mail.Error{Temporary: true, Err: errors.New("connection reset")}, lost: true})
	default:
		m.mail.fail = append(m.mail.fail, mailFault{err: &mail.Error{Code: 550, Err: errors.New("mailbox unavailable")}})
	}
	m.stats.mailFaults++
}

// modelPromise is a promise the model made: when, and the first instant
// at which it no longer holds the ladder.
type modelPromise struct {
	made, broken time.Time
	step         string
}

// promise has the customer of a random open invoice promise, through
// the customer page's use case, to pay within the tenant's limit.
func (m *model) promise(t *testing.T) {
	t.Helper()
	inv, ok := m.open(t)
	if !ok {
		return
	}
	b := m.b
	set, _, err := b.db.GetSettings(b.ctx, b.tenant.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	now := b.clock.Now()
	on := invoice.DateOf(now.In(set.Location())).AddDays(m.rng.IntN(set.PromiseLimit() + 1))
	svc := &customerportal.Service{DB: b.db, Billing: b.billing, Now: b.clock.Now}
	err = svc.Promise(b.ctx, customerportal.Access{Tenant: b.tenant, InvoiceID: inv.ID}, on)
	m.refused(t, "promise", err)
	if err != nil {
		return
	}
	p, err := b.db.LatestCustomerPromise(b.ctx, nil, b.tenant.ClientKey, inv.ID)
	if err != nil || p == nil {
		t.Fatalf("%s: the promise was not stored: %v", m, err)
	}
	m.promises[inv.ID] = modelPromise{made: now, broken: p.BrokenOn().Start(set.Location()), step: p.StepKey()}
	m.stats.promises++
}
