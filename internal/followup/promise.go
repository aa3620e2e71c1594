package followup

import (
	"strconv"

	"github.com/remitapp/remit/internal/invoice"
)

// StepPromiseBroken is the step that runs when a customer's promise to
// pay (SPEC §15) was not kept: a comment and an e-mail reminding the
// customer of the promise. It is not on the policy's ladder; an
// invoice's second and later promises have steps of their own
// ("promise-broken-2", ...), so each broken promise is told once.
const StepPromiseBroken = "promise-broken"

// TemplatePromiseBroken is the built-in tone of the promise-broken step.
const TemplatePromiseBroken = "promise-broken"

// Promise is the latest promise a customer made to pay an invoice by a
// date. It pauses the invoice's ladder until BrokenOn; from that day, if
// the invoice is still not paid, the promise's step runs and the ladder
// continues.
type Promise struct {
	Seq        int          // 1 for the invoice's first promise, then 2, ...
	PromisedOn invoice.Date // the customer's date
	GraceDays  int          // the tenant's grace when the promise was made
}

// DefaultPromiseGraceDays is the grace after a promised date before the
// promise counts as broken, when the tenant set none.
const DefaultPromiseGraceDays = 2

// BrokenOn is the first day on which the promise counts as broken: the
// day after the promised date plus the grace days.
func (p Promise) BrokenOn() invoice.Date { return p.PromisedOn.AddDays(p.GraceDays + 1) }

// Paused reports whether the promise still holds the ladder on today.
func (p Promise) Paused(today invoice.Date) bool { return today.Before(p.BrokenOn()) }

// StepKey is the key of the promise's broken step.
func (p Promise) StepKey() string {
	if p.Seq <= 1 {
		return StepPromiseBroken
	}
	return StepPromiseBroken + "-" + strconv.Itoa(p.Seq)
}

// Step is the promise's broken step: a comment and an e-mail in the
// promise-broken tone.
func (p Promise) Step() Step {
	return Step{Key: p.StepKey(), Template: TemplatePromiseBroken, Actions: []Action{{Kind: ActionComment}, {Kind: ActionEmail}}}
}

// FindStep is the step with the key: one of the policy's, or the broken
// step of the invoice's promise.
func (p Policy) FindStep(key string, promise *Promise) (Step, bool) {
	for _, s := range p.Steps {
		if s.Key == key {
			return s, true
		}
	}
	if promise != nil && promise.StepKey() == key {
		return promise.Step(), true
	}
	return Step{}, false
}
