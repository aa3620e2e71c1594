package followupengine

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// RunWait bounds how long POST /followups/run waits for the actions.
const RunWait = 20 * time.Second

func (e *Engine) requireAdmin(ctx context.Context, a remit.Actor) error {
	ok, err := e.Perms.CanAdmin(ctx, a.Tenant, a.AccountID)
	if err != nil {
		return err
	}
	if !ok {
		return remit.Errorf(remit.Forbidden, "followup", "this needs Jira administrator permission")
	}
	return nil
}

// Policy returns the tenant's follow-up policy (the default ladder when
// none was saved) and whether it was saved. Site administrators only.
func (e *Engine) Policy(ctx context.Context, a remit.Actor) (followup.Policy, bool, error) {
	if err := e.requireAdmin(ctx, a); err != nil {
		return followup.Policy{}, false, err
	}
	return e.DB.GetPolicy(ctx, a.Tenant.ClientKey)
}

// PutPolicy validates and saves the tenant's policy (422 naming each bad
// field, nothing saved), and has the next sweep plan every open invoice
// under it. Site administrators only.
func (e *Engine) PutPolicy(ctx context.Context, a remit.Actor, p followup.Policy) (followup.Policy, error) {
	if err := e.requireAdmin(ctx, a); err != nil {
		return p, err
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	old, _, err := e.DB.GetPolicy(ctx, a.Tenant.ClientKey)
	if err != nil {
		return p, err
	}
	// New and renamed steps are stamped now: an invoice already past
	// their day records them skipped instead of receiving them late.
	p = p.StampAdded(old, e.now())
	err = e.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := e.DB.PutPolicy(ctx, tx, a.Tenant.ClientKey, p, a.Name()); err != nil {
			return err
		}
		// Long past: the next sweep, at whatever instant, plans every open
		// invoice under the new ladder and stores its true next action time.
		_, err := e.DB.RescheduleOpenInvoices(ctx, tx, a.Tenant.ClientKey, time.Unix(0, 0).UTC())
		return err
	})
	return p, err
}

// Run sweeps the tenant at asOf and waits, up to RunWait, until every
// action it decided has been attempted. Site administrators only.
func (e *Engine) Run(ctx context.Context, a remit.Actor, asOf time.Time) (SweepResult, error) {
	if err := e.requireAdmin(ctx, a); err != nil {
		return SweepResult{}, err
	}
	res, err := e.Sweep(ctx, a.Tenant, asOf)
	if err != nil {
		return res, err
	}
	wctx, cancel := context.WithTimeout(ctx, RunWait)
	defer cancel()
	res.Outcomes, err = e.Wait(wctx, a.Tenant.ClientKey, res.Outcomes, nil)
	return res, err
}

// CustomerActor is the audit log's actor of what a customer does on the
// customer page, and the timeline's step of it.
const CustomerActor = "customer"

// CardActor is the audit log's actor of what the card payment provider
// reports (stripepay.Actor): payments, refunds and disputes, the
// timeline's step of them.
const CardActor = "stripe"

// TimelineEvent is one recorded action of an invoice.
type TimelineEvent struct {
	Step        string
	Installment int64
	Action      string
	Status      string
	At          time.Time
	Detail      string
}

// Timeline is an invoice's follow-up history and what comes next (nil
// when nothing is planned).
type Timeline struct {
	Events []TimelineEvent
	Next   *NextStep
}

// NextStep is the next step that will run for an invoice.
type NextStep struct {
	Step        string
	Installment int64
	DueAt       time.Time
}

// Timeline returns an invoice's follow-up events and its next step, for
// anyone who may read invoices.
func (e *Engine) Timeline(ctx context.Context, a remit.Actor, invoiceID int64) (Timeline, error) {
	if _, err := e.Billing.Invoice(ctx, a, invoiceID); err != nil {
		return Timeline{}, err // permission, configuration and existence
	}
	set, _, err := e.DB.GetSettings(ctx, a.Tenant.ClientKey)
	if err != nil {
		return Timeline{}, err
	}
	p, _, err := e.DB.GetPolicy(ctx, a.Tenant.ClientKey)
	if err != nil {
		return Timeline{}, err
	}
	st, err := e.DB.FollowupState(ctx, nil, a.Tenant.ClientKey, invoiceID)
	if err != nil {
		return Timeline{}, err
	}
	var tl Timeline
	for _, ev := range st.Events {
		tl.Events = append(tl.Events, TimelineEvent{Step: ev.Step, Installment: ev.Installment, Action: ev.Action, Status: ev.Status, At: ev.At, Detail: ev.Detail})
	}
	// What the customer did on the customer page (SPEC §15) reads in the
	// same history, as the step "customer".
	audit, err := e.DB.AuditEntries(ctx, a.Tenant.ClientKey, store.AuditFilter{Entity: "invoice", EntityID: strconv.FormatInt(invoiceID, 10), Limit: 1000})
	if err != nil {
		return Timeline{}, err
	}
	for _, en := range audit {
		switch en.Actor {
		case CustomerActor:
			tl.Events = append(tl.Events, TimelineEvent{Step: CustomerActor, Action: en.Action, Status: store.EventDone, At: en.At, Detail: customerDetail(en.After)})
		case CardActor:
			// What the card payment provider reported: payments, and the
			// money refunds and disputes gave back.
			tl.Events = append(tl.Events, TimelineEvent{Step: CardActor, Action: en.Action, Status: store.EventDone, At: en.At, Detail: cardDetail(en.After)})
		}
	}
	// Events are stored in the order a sweep locks them (by step key), so
	// one sweep that records several steps would list them alphabetically;
	// a timeline reads in time, then ladder, order.
	slices.SortStableFunc(tl.Events, func(x, y TimelineEvent) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		xs, xa := p.LadderRank(x.Step, followup.ActionKind(x.Action))
		ys, ya := p.LadderRank(y.Step, followup.ActionKind(y.Action))
		return cmp.Or(cmp.Compare(xs, ys), cmp.Compare(x.Installment, y.Installment), cmp.Compare(xa, ya))
	})
	loc := set.Location()
	in := followup.PlanInput{Facts: st.Facts(loc), Policy: p, Events: store.PlannerEvents(st.Events), AsOf: e.now(), Location: loc}
	r := followup.Plan(in)
	if len(r.Run) > 0 {
		first := r.Run[0]
		if day, ok := followup.StepDay(in, first.Step, first.Installment); ok {
			tl.Next = &NextStep{Step: first.Step, Installment: first.Installment, DueAt: day.Start(loc)}
		}
	} else if r.Next != nil {
		tl.Next = &NextStep{Step: r.Next.Step, Installment: r.Next.Installment, DueAt: r.Next.At}
	}
	return tl, nil
}

// cardDetail says in words what a card payment provider's audit entry
// records: its note, or the payment.
func cardDetail(after json.RawMessage) string {
	var d struct {
		Note    string `json:"note"`
		Payment struct {
			Amount    string `json:"amount"`
			Reference string `json:"reference"`
		} `json:"payment"`
	}
	if json.Unmarshal(after, &d) != nil {
		return ""
	}
	if d.Note != "" {
		return d.Note
	}
	if d.Payment.Amount != "" {
		return "paid " + d.Payment.Amount + " by card (" + d.Payment.Reference + ")"
	}
	return ""
}

// customerDetail says in words what the customer's audit entry records.
func customerDetail(after json.RawMessage) string {
	var d struct {
		PromisedOn   string   `json:"promisedOn"`
		Installments []string `json:"installments"`
		Note         string   `json:"note"`
		Reason       string   `json:"reason"`
	}
	if json.Unmarshal(after, &d) != nil {
		return ""
	}
	switch {
	case d.PromisedOn != "":
		return "promised to pay by " + d.PromisedOn
	case len(d.Installments) > 0:
		out := "asked for a payment plan: " + strings.Join(d.Installments, ", ")
		if d.Note != "" {
			out += " (" + d.Note + ")"
		}
		return out
	case d.Reason != "":
		return "disputed the invoice: " + d.Reason
	}
	return ""
}
