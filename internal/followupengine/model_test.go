package followupengine_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/mail"
)

// The model's knobs: -model.seed (or REMIT_MODEL_SEED) replays a run,
// -model.steps (or REMIT_MODEL_STEPS) makes it longer.
var (
	modelSeed  = flag.Uint64("model.seed", 0, "seed of the follow-up model run (0: REMIT_MODEL_SEED or a fresh one)")
	modelSteps = flag.Int("model.steps", 0, "steps of the follow-up model run (0: REMIT_MODEL_STEPS or 3000)")
)

// defaultModelSteps is a few thousand steps: about a minute on a quiet 2-core machine.
const defaultModelSteps = 3000

// modelConfig is the seed and length of a run, from the flags, then the
// environment, then the defaults.
func modelConfig(t *testing.T) (uint64, int) {
	t.Helper()
	seed, steps := *modelSeed, *modelSteps
	if seed == 0 {
		if v := os.Getenv("REMIT_MODEL_SEED"); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				t.Fatalf("REMIT_MODEL_SEED=%q: %v", v, err)
			}
			seed = n
		}
	}
	for seed == 0 {
		seed = rand.Uint64() // a fresh seed, printed on failure
	}
	if steps == 0 {
		steps = defaultModelSteps
		if v := os.Getenv("REMIT_MODEL_STEPS"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("REMIT_MODEL_STEPS=%q: %v", v, err)
			}
			steps = n
		}
	}
	return seed, steps
}

// TestModel drives the follow-up engine with a random, seeded interleaving
// of the things real tenants do (sweeps at increasing instants, payments,
// disputes, plans, policy and settings edits, Jira and SMTP faults) and
// checks SPEC §5's promises after each quiescent point. See
// docs/followup.md, "The model".
func TestModel(t *testing.T) {
	seed, steps := modelConfig(t)
	m := newModel(t, seed)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replay with: go test ./internal/followupengine -run 'TestModel$' -model.seed=%d -model.steps=%d", seed, steps)
		}
	})
	m.run(t, steps)
	t.Logf("seed %d: %d steps (the run's time is the test's); %+v; %d e-mails carried several invoices; events %v",
		seed, steps, m.stats, len(m.digests), m.events(t))
}

// modelStats count what a run did, for the log and for judging its reach.
type modelStats struct {
	sweeps, payments, plans, disputes, policies, settings, customers, invoices, promises int
	jiraFaults, mailFaults, retries, discarded, crashes, refused                         int
	reversals, licences, lapsedQueued                                                    int
}

// model is one run: the bundle of setup, the random source, and what
// the model remembers to check the engine against.
type model struct {
	b        *testBundle
	rng      *rand.Rand
	seed     uint64
	step     int
	last     string // the last step, for failure messages
	mail     *recordingMailer
	crashPct int
	ids      []int64
	fees     map[int64]decimal.Decimal // the highest late fee seen per invoice
	closed   map[int64]bool            // invoices checked after they were settled
	promises map[int64]modelPromise    // the latest promise per invoice
	stats    modelStats
	renames  int
	digests  map[string]bool // the Message-IDs of e-mails that carried several invoices
	lapsed   bool            // Jira's licence API says the licence is inactive
	effects  *effects        // what the follow-ups had done when the licence was last seen inactive
}

func (m *model) String() string {
	return fmt.Sprintf("seed %d step %d (%s)", m.seed, m.step, m.last)
}

func newModel(t *testing.T, seed uint64) *model {
	t.Helper()
	b := setup(t)
	m := &model{b: b, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed: seed,
		mail: &recordingMailer{}, crashPct: 3, fees: map[int64]decimal.Decimal{}, closed: map[int64]bool{},
		promises: map[int64]modelPromise{}, digests: map[string]bool{}}
	b.engine.Mail, b.engine.MailDomain = m.mail, "remit.example"
	m.ids = append(m.ids, b.inv.ID)
	cust, err := b.setup.Customer(b.ctx, b.manager, b.inv.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	cust.BillingEmail, cust.EscalationEmails = "ap@acme.example", []string{"cfo@acme.example"}
	if _, err := b.setup.SaveCustomer(b.ctx, b.manager, cust); err != nil {
		t.Fatal(err)
	}
	p, _, err := b.db.GetPolicy(b.ctx, b.tenant.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	p.LateFee.Preset = "us-1.5pct-month"
	if _, err := b.engine.PutPolicy(b.ctx, b.manager, p); err != nil {
		t.Fatal(err)
	}
	// Two more invoices of older work, so some are overdue at once.
	for _, day := range []string{"2026-10-05", "2026-10-20"} {
		d, _ := invoice.ParseDate(day)
		m.invoiceFor(t, d, d.AddDays(1))
	}
	return m
}

// invoiceFor logs an hour on the work issue on day and invoices that day,
// issued on issued.
func (m *model) invoiceFor(t *testing.T, day, issued invoice.Date) {
	t.Helper()
	b := m.b
	set, _, err := b.db.GetSettings(b.ctx, b.tenant.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	b.site.LogWork(b.work, "557058:dev", time.Date(day.Year, day.Month, day.Day, 12, 0, 0, 0, set.Location()), 3600)
	inv, err := b.billing.Create(b.ctx, b.manager, billing.GenerateRequest{CustomerID: b.inv.CustomerID, IssueDate: issued,
		Period: invoice.Period{Start: day, End: day}})
	if err != nil {
		t.Fatalf("%s: create invoice: %v", m, err)
	}
	m.ids = append(m.ids, inv.ID)
	m.stats.invoices++
}

// run takes steps at random, with weights, and checks the invariants
// after every quiescent point.
func (m *model) run(t *testing.T, steps int) {
	t.Helper()
	type move struct {
		weight int
		name   string
		fn     func(t *testing.T)
	}
	moves := []move{
		{30, "advance", m.advance},
		{8, "pay", m.pay},
		{5, "plan", m.plan},
		{4, "dispute", m.dispute},
		{3, "policy", m.editPolicy},
		{2, "customer-fee", m.customerFee},
		{2, "timezone", m.timezone},
		{4, "invoice", m.newInvoice},
		{12, "jira-fault", m.jiraFault},
		{2, "jira-outage", m.jiraOutage},
		{5, "mail-fault", m.mailFault},
		{4, "promise", m.promise},
		{3, "reverse", m.reverse},
		{2, "licence", m.licence},
	}
	total := 0
	for _, mv := range moves {
		total += mv.weight
	}
	for m.step = 1; m.step <= steps; m.step++ {
		r := m.rng.IntN(total)
		for _, mv := range moves {
			if r < mv.weight {
				m.last = mv.name
				mv.fn(t)
				break
			}
			r -= mv.weight
		}
	}
	m.last = "final quiescence"
	m.b.site.Up()
	m.drain(t)
	m.check(t)
}

// recordingMailer keeps every e-mail sent and fails on demand: fail
// answers without sending, lost sends and then answers a temporary error
// (the reply was lost after the server stored the message).
type recordingMailer struct {
	mu   sync.Mutex
	sent []mail.Message
	fail []mailFault
	lost map[string]int // sends whose answer was dropped, by Message-ID
}

type mailFault struct {
	err  error
	lost bool
}

func (r *recordingMailer) Send(_ context.Context, msg mail.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.fail) > 0 {
		f := r.fail[0]
		r.fail = r.fail[1:]
		if f.lost {
			r.sent = append(r.sent, msg)
			if r.lost == nil {
				r.lost = map[string]int{}
			}
			r.lost[msg.ID]++
		}
		return f.err
	}
	r.sent = append(r.sent, msg)
	return nil
}

// jiraMethods are the calls the follow-up actions and the sync make.
var jiraMethods = []jirafake.Method{jirafake.MethodAddComment, jirafake.MethodFindComment, jirafake.MethodFindCommentByProperty,
	jirafake.MethodTransition,
	jirafake.MethodTransitions, jirafake.MethodIssueStatus, jirafake.MethodSetIssueProperty, jirafake.MethodIssueLabels,
	jirafake.MethodAddLabel}

// events counts the recorded follow-up events by status, to show what a
// run reached.
func (m *model) events(t *testing.T) map[string]int {
	t.Helper()
	rows, err := m.b.pool.Query(m.b.ctx, `SELECT status, count(*) FROM followup_events GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			t.Fatal(err)
		}
		out[status] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
