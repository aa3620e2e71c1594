package followupengine_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/store"
)

// The regression tests of what the model found (docs/followup.md, "The
// model"), each small and deterministic.

// usLateFees makes the tenant charge us-1.5pct-month.
func (b *testBundle) usLateFees(t *testing.T) {
	t.Helper()
	p, _, err := b.db.GetPolicy(b.ctx, b.tenant.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	p.LateFee.Preset = followup.PresetUS
	if _, err := b.engine.PutPolicy(b.ctx, b.manager, p); err != nil {
		t.Fatal(err)
	}
}

func (b *testBundle) setPlan(t *testing.T, parts ...invoice.InstallmentInput) invoice.Invoice {
	t.Helper()
	inv, err := b.billing.SetPlan(b.ctx, b.manager, b.inv.ID, parts)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func (b *testBundle) reload(t *testing.T) invoice.Invoice {
	t.Helper()
	inv, err := b.billing.Detail(b.ctx, b.tenant.ClientKey, b.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func date(t *testing.T, s string) invoice.Date {
	t.Helper()
	d, err := invoice.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestLateFeeJoinsThePlan: a late fee charged on an invoice with a payment
// plan goes into its last open installment, so the installments still
// add up to the balance (seed 3 of the model, before the fix: a fee
// belonged to no installment and was never chased).
func TestLateFeeJoinsThePlan(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.usLateFees(t)
	b.setPlan(t, invoice.InstallmentInput{DueDate: date(t, "2026-12-15"), Amount: "150.00"},
		invoice.InstallmentInput{DueDate: date(t, "2027-01-15"), Amount: "200.00"})
	res := b.sweepAt(t, time.Date(2027, 1, 14, 10, 0, 0, 0, time.UTC)) // 30 days after the first installment
	fee := queued(t, res, followup.StepFinalNotice30, string(followup.ActionLateFee))
	if err := b.act(res, fee, 1); err != nil {
		t.Fatal(err)
	}
	inv := b.reload(t)
	if !inv.LateFees.IsPositive() {
		t.Fatalf("no late fee: %s", b.event(t, fee.EventID))
	}
	sum := decimal.Zero
	for _, in := range inv.Plan {
		sum = sum.Add(in.Balance())
	}
	if !sum.Equal(inv.Balance()) || !inv.Plan[1].Amount.Equal(decimal.NewFromInt(200).Add(inv.LateFees)) {
		t.Fatalf("installments %+v owe %s, balance %s with a fee of %s", inv.Plan, sum, inv.Balance(), inv.LateFees)
	}
}

// TestLateFeeIsNeverLowered: a later installment's late fee, computed on
// less principal, leaves the fee charged before as it is (seeds 2 and 4
// of the model: the fee went from 13.07 to 0.38).
func TestLateFeeIsNeverLowered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.usLateFees(t)
	res := b.sweepAt(t, time.Date(2027, 1, 14, 10, 0, 0, 0, time.UTC)) // due date + 30
	fee := queued(t, res, followup.StepFinalNotice30, string(followup.ActionLateFee))
	if err := b.act(res, fee, 1); err != nil {
		t.Fatal(err)
	}
	inv := b.reload(t)
	charged, bal := inv.LateFees, inv.Balance()
	b.setPlan(t, invoice.InstallmentInput{DueDate: date(t, "2027-01-15"), Amount: "10.00"},
		invoice.InstallmentInput{DueDate: date(t, "2027-06-15"), Amount: bal.Sub(decimal.NewFromInt(10)).StringFixed(2)})
	res = b.sweepAt(t, time.Date(2027, 2, 14, 10, 0, 0, 0, time.UTC)) // first installment + 30
	fee = queued(t, res, followup.StepFinalNotice30, string(followup.ActionLateFee))
	if err := b.act(res, fee, 1); err != nil {
		t.Fatal(err)
	}
	if got := b.reload(t).LateFees; !got.Equal(charged) {
		t.Fatalf("late fee %s after %s (%s)", got, charged, b.event(t, fee.EventID))
	}
}

// TestTimezoneChangeMovesTheNextAction: a step's day begins at local
// midnight, so moving the tenant to a zone ahead of UTC brings its next
// action forward (seed 4 of the model, before the fix: the reminder due
// in Kiritimati waited for UTC's midnight).
func TestTimezoneChangeMovesTheNextAction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	set, _, err := b.setup.Settings(b.ctx, b.manager)
	if err != nil {
		t.Fatal(err)
	}
	set.Timezone = "Pacific/Kiritimati" // UTC+14: 12 December starts at 10:00 UTC on the 11th
	if _, err := b.setup.PutSettings(b.ctx, b.manager, set); err != nil {
		t.Fatal(err)
	}
	res := b.sweepAt(t, time.Date(2026, 12, 11, 12, 0, 0, 0, time.UTC))
	queued(t, res, followup.StepReminderBeforeDue, string(followup.ActionComment))
}

// TestSameCommentOfAnotherEventIsNotThisOnes: when a replaced plan's
// installment renders the very comment an earlier installment posted, a
// retry does not take that comment for its own (seed 4 of the model,
// before the fix: the second comment was recorded done and never posted).
func TestSameCommentOfAnotherEventIsNotThisOnes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	whole := invoice.InstallmentInput{DueDate: date(t, "2026-12-15"), Amount: "350.00"}
	b.setPlan(t, whole)
	res := b.sweepAt(t, overdueDay)
	first := queued(t, res, followup.StepOverdue1, string(followup.ActionComment))
	if err := b.act(res, first, 1); err != nil {
		t.Fatal(err)
	}
	b.setPlan(t, whole) // the same plan again: a new installment, its own ladder
	res = b.sweepAt(t, overdueDay.Add(time.Hour))
	second := queued(t, res, followup.StepOverdue1, string(followup.ActionComment))
	b.site.FailNext(jirafake.MethodAddComment, jirafake.Unavailable())
	if err := b.act(res, second, 1); err == nil {
		t.Fatal("the first attempt should have failed")
	}
	if err := b.act(res, second, 2); err != nil {
		t.Fatal(err)
	}
	ev, err := b.db.FollowupEvent(b.ctx, b.tenant.ClientKey, second.EventID)
	if err != nil || ev.Status != store.EventDone {
		t.Fatalf("second comment: %+v, %v", ev, err)
	}
	var kept struct {
		Body any `json:"body"`
	}
	if err := json.Unmarshal(ev.Payload, &kept); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range b.site.Comments(b.key) {
		var body any
		if json.Unmarshal(c.Body, &body) == nil && reflect.DeepEqual(body, kept.Body) {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("the comment is on %s %d times, want 2 (one per installment): %s", b.key, n, ev.Detail)
	}
}
