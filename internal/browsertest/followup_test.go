package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/remitapp/remit/internal/apptest"
)

// timelineJS reads the panel's follow-up timeline: each event as
// "step:status" and the next step's key ("" when there is none).
const timelineJS = `({events: [...document.querySelectorAll('[data-testid=timeline] li[data-status]')].map(li => li.dataset.step + ':' + li.dataset.status),
  next: document.querySelector('[data-testid=timeline-next]')?.dataset.step ?? ''})`

type timelineView struct {
	Events []string
	Next   string
}

// testFollowupTimeline: a follow-up run for the overdue invoice (15 days
// past due) sends the latest due step and skips the earlier ones; the
// panel's timeline shows what was done and skipped and the next step.
func (d *demo) testFollowupTimeline(t *testing.T) {
	b := d.b
	b.t = t
	var run struct {
		Actions []struct{ Step, Action, Status string }
	}
	if r := d.site.API(t, "POST", "/followups/run", map[string]string{"asOf": d.stack.Now().UTC().Format(time.RFC3339)}, &run); r.StatusCode != 200 {
		t.Fatalf("run: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	if len(run.Actions) == 0 {
		t.Fatal("the run decided nothing for a 15-days-overdue invoice")
	}
	b.Run("open issue view", chromedp.Navigate(d.host("/browse/"+*d.overdue.IssueKey)))
	b.WaitInFrame("timeline", panelFrame, `document.querySelector('[data-testid=timeline-next]')`, 20*time.Second)
	var tl timelineView
	if err := b.InFrame(panelFrame, timelineJS, &tl); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(tl.Events, " ")
	for _, want := range []string{"escalate-14:done", "overdue-1:skipped", "reminder-before-due:skipped"} {
		if !strings.Contains(joined, want) {
			t.Errorf("timeline lacks %s: %v", want, tl.Events)
		}
	}
	if tl.Next != "final-notice-30" {
		t.Errorf("next step %q, want final-notice-30", tl.Next)
	}
	var text string
	_ = b.InFrame(panelFrame, `document.getElementById('remit-timeline').closest('section').innerText`, &text)
	for _, s := range []string{"Follow-up", "Escalate 14", "Done", "Skipped", "Final notice 30", "Next"} {
		if !strings.Contains(text, s) {
			t.Errorf("timeline section lacks %q:\n%s", s, text)
		}
	}
	b.Settle(panelFrame)
	b.Screenshot("timeline")
	b.Axe(panelFrame)
}

// testDisputePauses: "Dispute / pause" marks the invoice disputed and the
// timeline's next step goes away (nothing is planned for a disputed
// invoice); "Resume follow-ups" brings it back.
func (d *demo) testDisputePauses(t *testing.T) {
	b := d.b
	b.t = t
	inv := d.overdue
	b.Run("open issue view", chromedp.Navigate(d.host("/browse/"+*inv.IssueKey)))
	b.WaitInFrame("timeline next", panelFrame, `document.querySelector('[data-testid=timeline-next]')`, 20*time.Second)
	b.WaitInFrame("dispute button", panelFrame, fmt.Sprintf(clickButton, "Dispute / pause"), 10*time.Second)
	b.WaitInFrame("disputed", panelFrame, `document.querySelector('[data-testid=invoice-panel]').innerText.includes('Disputed') && !document.querySelector('[data-testid=timeline-next]')`, 20*time.Second)
	var api struct{ Disputed bool }
	if r := d.site.API(t, "GET", fmt.Sprintf("/invoices/%d", inv.ID), nil, &api); r.StatusCode != 200 || !api.Disputed {
		t.Fatalf("after dispute the API shows %d disputed=%v", r.StatusCode, api.Disputed)
	}
	var tl timelineView
	if err := b.InFrame(panelFrame, timelineJS, &tl); err != nil || tl.Next != "" || len(tl.Events) == 0 {
		t.Fatalf("disputed timeline %+v (%v): want the history and no next step", tl, err)
	}
	b.Settle(panelFrame)
	b.Screenshot("disputed")
	b.Axe(panelFrame)

	b.WaitInFrame("resume button", panelFrame, fmt.Sprintf(clickButton, "Resume follow-ups"), 10*time.Second)
	b.WaitInFrame("resumed", panelFrame, `!document.querySelector('[data-testid=invoice-panel]').innerText.includes('Disputed') && document.querySelector('[data-testid=timeline-next]')?.dataset.step === 'final-notice-30'`, 20*time.Second)
	if r := d.site.API(t, "GET", fmt.Sprintf("/invoices/%d", inv.ID), nil, &api); r.StatusCode != 200 || api.Disputed {
		t.Fatalf("after resume the API shows %d disputed=%v", r.StatusCode, api.Disputed)
	}
	b.Settle(panelFrame)
	b.Screenshot("resumed")
}

// previewStepJS reads one step of the policy preview as text.
const previewStepJS = `document.querySelector('[data-testid=policy-preview] li[data-step=%q]')?.innerText ?? ''`

// testPolicyEditor: the preview renders the ladder with Remit's planner
// and templates; moving a step's offset moves its day in the preview
// before saving; saving stores it, and a reload shows the saved ladder.
func (d *demo) testPolicyEditor(t *testing.T) {
	b := d.b
	b.t = t
	const frame = "/pages/admin"
	today := d.stack.Now().UTC()
	due := today.AddDate(0, 0, 30) // the settings' 30 days' terms
	stepDay := func(offset int) string { return dateLabel(day(due.AddDate(0, 0, offset))) }

	b.Run("open admin page", chromedp.Navigate(d.host("/admin/remit")))
	b.WaitInFrame("policy preview", frame, fmt.Sprintf(previewStepJS, "overdue-7")+` !== ''`, 20*time.Second)
	var text string
	if err := b.InFrame(frame, fmt.Sprintf(previewStepJS, "overdue-7"), &text); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, stepDay(7)+" — overdue-7: comment, email") || !strings.Contains(text, "Comment: ") || !strings.Contains(text, "E-mail: ") {
		t.Fatalf("preview of overdue-7 before the change:\n%s\nwant it on %s with its comment and e-mail", text, stepDay(7))
	}
	// The preview's comment is the real template rendered for the sample invoice.
	if !strings.Contains(text, "INV-2026-0042") {
		t.Errorf("preview comment does not name the sample invoice:\n%s", text)
	}
	b.Settle(frame)
	b.Screenshot("policy-before")

	var got string
	if err := b.InFrame(frame, fmt.Sprintf(setInput, "policy-offset-overdue-7", "9"), &got); err != nil || got != "9" {
		t.Fatalf("set offset: %q %v", got, err)
	}
	b.WaitInFrame("preview moved", frame, fmt.Sprintf(previewStepJS, "overdue-7")+fmt.Sprintf(`.startsWith(%q)`, stepDay(9)+" — overdue-7"), 10*time.Second)
	var saved struct{ Steps []policyStep }
	if r := d.site.API(t, "GET", "/policy", nil, &saved); r.StatusCode != 200 || offsetOf(saved.Steps, "overdue-7") != 7 {
		t.Fatalf("the preview saved the policy: %d %+v", r.StatusCode, saved)
	}
	// An offset out of order is refused by the preview with the reason, before saving.
	if err := b.InFrame(frame, fmt.Sprintf(setInput, "policy-offset-overdue-7", "0"), &got); err != nil {
		t.Fatal(err)
	}
	b.WaitInFrame("preview problem", frame, `document.querySelector('[data-testid=policy-preview-problem]')?.textContent.includes('greater than the previous step')`, 10*time.Second)
	b.Screenshot("policy-invalid")
	if err := b.InFrame(frame, fmt.Sprintf(setInput, "policy-offset-overdue-7", "9"), &got); err != nil {
		t.Fatal(err)
	}
	b.WaitInFrame("preview valid again", frame, `!document.querySelector('[data-testid=policy-preview-problem]')`, 10*time.Second)
	b.Settle(frame)
	b.Screenshot("policy-changed")

	b.WaitInFrame("save", frame, fmt.Sprintf(clickButton, "Save policy"), 5*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for offsetOf(saved.Steps, "overdue-7") != 9 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		d.site.API(t, "GET", "/policy", nil, &saved)
	}
	if offsetOf(saved.Steps, "overdue-7") != 9 {
		t.Fatalf("saved policy %+v, want overdue-7 at 9 days", saved)
	}
	b.Run("reload admin page", chromedp.Navigate(d.host("/admin/remit")))
	b.WaitInFrame("saved preview", frame, fmt.Sprintf(previewStepJS, "overdue-7")+fmt.Sprintf(`.startsWith(%q)`, stepDay(9)+" — overdue-7"), 20*time.Second)
	b.Settle(frame)
	b.Screenshot("policy-saved")
	b.Axe(frame)
}

// policyStep is the part of a policy step the tests check.
type policyStep struct {
	Key        string
	OffsetDays int
}

func offsetOf(steps []policyStep, key string) int {
	for _, s := range steps {
		if s.Key == key {
			return s.OffsetDays
		}
	}
	return -1000
}
