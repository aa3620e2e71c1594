package browsertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const panelFrame = "/pages/issue-panel"

// figuresJS reads a Figures list inside the frame as {label: text}.
const figuresJS = `Object.fromEntries([...document.querySelectorAll('[data-testid=%q] dd')].map(d => [d.dataset.figure, d.textContent]))`

// TestPages drives every page in Chromium against one stack: the panels,
// the generate flow, the admin and get-started pages, the token refresh
// and the load-time budget.
func TestPages(t *testing.T) {
	d := newDemo(t)
	t.Run("InvoicePanel", d.testInvoicePanel)
	t.Run("FirstPaint", d.testFirstPaint)
	t.Run("ExpiredTokenRefreshed", d.testExpiredToken)
	t.Run("WorkPanel", d.testWorkPanel)
	t.Run("GenerateFlow", d.testGenerateFlow)
	t.Run("AdminPage", d.testAdminPage)
	t.Run("GetStarted", d.testGetStarted)
	t.Run("RecordPayment", d.testRecordPayment)
	t.Run("FollowupTimeline", d.testFollowupTimeline)
	t.Run("DisputePauses", d.testDisputePauses)
	t.Run("PolicyEditor", d.testPolicyEditor)
	t.Run("PanelLoadTime", d.testPanelLoadTime)
	t.Run("ForgePanel", d.testForgePanel)
}

// testInvoicePanel: the overdue invoice's issue shows its figures, its
// overdue state, fits its content, and passes the axe check.
func (d *demo) testInvoicePanel(t *testing.T) {
	b := d.b
	b.t = t
	inv := d.overdue
	b.Run("open issue view", chromedp.Navigate(d.host("/browse/"+*inv.IssueKey)))
	// The figures are painted before the bundle runs; wait for the panel
	// React completes (its actions), as a person would to act on it.
	b.WaitInFrame("invoice panel", panelFrame, `document.querySelector('[data-testid=invoice-panel] [data-testid=invoice-figures]') && [...document.querySelectorAll('button')].some(b => b.textContent.trim() === 'Download PDF')`, 20*time.Second)
	var got map[string]string
	if err := b.InFrame(panelFrame, fmt.Sprintf(figuresJS, "invoice-figures"), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Total":   usd(inv.Total),
		"Paid":    usd(inv.Paid),
		"Balance": usd(inv.Balance),
		"Due":     fmt.Sprintf("%s · %d days overdue", dateLabel(*inv.DueDate), inv.DaysOverdue),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s shows %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if inv.DaysOverdue != 15 || !inv.Overdue {
		t.Errorf("fixture invoice is %d days overdue (overdue=%v), want 15", inv.DaysOverdue, inv.Overdue)
	}
	var header string
	if err := b.InFrame(panelFrame, `document.querySelector('[data-testid=invoice-panel]').innerText`, &header); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{inv.Number, "Open", "Overdue", "Record payment", "Dispute / pause", "Download PDF", "UBL", "CII", "XRechnung", "Factur-X"} {
		if !strings.Contains(header, s) {
			t.Errorf("panel lacks %q:\n%s", s, header)
		}
	}
	// AP.resize sized the iframe to the content (the panel asks on the
	// next frame after its content changes, so allow it a moment).
	var height, content float64
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		b.Run("iframe height", chromedp.Evaluate(`document.getElementById('app-frame').getBoundingClientRect().height`, &height))
		if err := b.InFrame(panelFrame, `document.documentElement.getBoundingClientRect().height`, &content); err != nil {
			t.Fatal(err)
		}
		if height >= 200 && height+1 >= content || time.Now().After(deadline) {
			break
		}
	}
	if height < 200 || height+1 < content {
		t.Errorf("iframe is %.0f px for %.0f px of content", height, content)
	}
	b.Settle(panelFrame)
	b.Screenshot("invoice-panel")
	b.Axe(panelFrame)
}

// testExpiredToken: the host hands the panel an expired context token
// first; Remit refuses it with 401 and the client fetches a fresh token
// and retries, so the person sees the figures and the follow-up timeline
// (the panel's first API call: the figures come with the page) all the
// same.
func (d *demo) testExpiredToken(t *testing.T) {
	b := d.b
	b.t = t
	before := d.count401(t)
	b.Run("open issue view with a stale token", chromedp.Navigate(d.host("/browse/"+*d.overdue.IssueKey+"?staleTokens=1")))
	b.WaitInFrame("invoice figures", panelFrame, `document.querySelector('[data-testid=invoice-figures]')`, 20*time.Second)
	b.WaitInFrame("follow-up timeline", panelFrame, `document.querySelector('[data-testid=timeline]')`, 20*time.Second)
	var stats struct{ TokensIssued, StaleIssued int }
	b.Run("host stats", chromedp.Evaluate(`({TokensIssued: remitDemo.tokensIssued, StaleIssued: remitDemo.staleIssued})`, &stats))
	if stats.StaleIssued != 1 || stats.TokensIssued < 2 {
		t.Fatalf("host issued %+v, want one stale token and a fresh one after it", stats)
	}
	if after := d.count401(t); after != before+1 {
		t.Fatalf("Remit answered 401 %d times during the load, want exactly 1", after-before)
	}
	var balance string
	if err := b.InFrame(panelFrame, `document.querySelector('[data-figure=Balance]').textContent`, &balance); err != nil || balance != usd(d.overdue.Balance) {
		t.Fatalf("balance %q (%v), want %q", balance, err, usd(d.overdue.Balance))
	}
	b.Screenshot("after-refresh")
}

// count401 reads how many API requests Remit refused with 401 so far.
func (d *demo) count401(t *testing.T) int {
	t.Helper()
	resp, err := http.Get(d.stack.OpsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	n := 0
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "remit_http_request_duration_seconds_count{") && strings.Contains(line, `route="/api/v1/`) && strings.Contains(line, `status="401"`) {
			var v int
			fmt.Sscanf(line[strings.LastIndexByte(line, ' ')+1:], "%d", &v)
			n += v
		}
	}
	return n
}

// testWorkPanel: a billed work issue shows its hours and the invoice.
func (d *demo) testWorkPanel(t *testing.T) {
	b := d.b
	b.t = t
	var billing struct{ HoursLogged, HoursBilled, HoursUnbilled string }
	if r := d.site.API(t, "GET", "/issues/ACME-2/billing", nil, &billing); r.StatusCode != 200 {
		t.Fatalf("billing: %d", r.StatusCode)
	}
	b.Run("open work issue", chromedp.Navigate(d.host("/browse/ACME-2")))
	b.WaitInFrame("work figures", panelFrame, `document.querySelector('[data-testid=work-figures]')`, 20*time.Second)
	var got map[string]string
	if err := b.InFrame(panelFrame, fmt.Sprintf(figuresJS, "work-figures"), &got); err != nil {
		t.Fatal(err)
	}
	hours := func(s string) string { return strings.TrimSuffix(strings.TrimRight(s, "0"), ".") + " h" }
	want := map[string]string{"Logged": hours(billing.HoursLogged), "Billed": hours(billing.HoursBilled), "Unbilled": hours(billing.HoursUnbilled)}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s shows %q, want %q", k, got[k], v)
		}
	}
	var text string
	if err := b.InFrame(panelFrame, `document.querySelector('[data-testid=work-panel]').innerText`, &text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, d.overdue.Number) {
		t.Errorf("work panel does not list %s:\n%s", d.overdue.Number, text)
	}
	b.Settle(panelFrame)
	b.Screenshot("work-panel")
	b.Axe(panelFrame)
}

// setInput types a value into a React-controlled input by id.
const setInput = `(() => { const el = document.getElementById(%q);
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, %q);
  el.dispatchEvent(new Event('input', {bubbles: true})); return el.value; })()`

// clickButton clicks the button whose text is exactly the given label.
const clickButton = `(() => { const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === %q && !b.disabled);
  if (!b) return false; b.click(); return true; })()`

// testGenerateFlow: customer and period → preview → create; the new
// invoice's total is the preview's, and the page links its Jira issue.
func (d *demo) testGenerateFlow(t *testing.T) {
	b := d.b
	b.t = t
	const frame = "/pages/project"
	b.Run("open project page", chromedp.Navigate(d.host("/projects/BILL/remit")))
	b.WaitInFrame("generate form", frame, `document.getElementById('gen-start')`, 20*time.Second)
	for id, v := range map[string]string{"gen-start": d.period2Start, "gen-end": d.period2End} {
		var got string
		if err := b.InFrame(frame, fmt.Sprintf(setInput, id, v), &got); err != nil || got != v {
			t.Fatalf("set %s: %q %v", id, got, err)
		}
	}
	b.WaitInFrame("preview button", frame, fmt.Sprintf(clickButton, "Preview"), 10*time.Second)
	b.WaitInFrame("preview totals", frame, `document.querySelector('[data-testid=preview-totals]')`, 30*time.Second)
	var preview map[string]string
	if err := b.InFrame(frame, fmt.Sprintf(figuresJS, "preview-totals"), &preview); err != nil {
		t.Fatal(err)
	}
	b.Settle(frame)
	b.Screenshot("preview")
	b.WaitInFrame("create button", frame, fmt.Sprintf(clickButton, "Create invoice"), 10*time.Second)
	b.WaitInFrame("created issue link", frame, `document.querySelector('[data-testid=created-issue]')`, 30*time.Second)
	var created string
	if err := b.InFrame(frame, `document.querySelector('[data-testid=created]').textContent`, &created); err != nil {
		t.Fatal(err)
	}
	var list struct{ Items []invoiceJSON }
	if r := d.site.API(t, "GET", "/invoices?limit=10", nil, &list); r.StatusCode != 200 {
		t.Fatalf("list: %d", r.StatusCode)
	}
	var newest invoiceJSON
	for _, inv := range list.Items {
		if inv.ID > newest.ID {
			newest = inv
		}
	}
	if newest.ID == d.overdue.ID {
		t.Fatal("no new invoice was created")
	}
	if preview["Total"] != usd(newest.Total) {
		t.Fatalf("preview total %q, created invoice total %q", preview["Total"], usd(newest.Total))
	}
	if !strings.Contains(created, "Total "+usd(newest.Total)) || newest.IssueKey == nil || !strings.Contains(created, "Open "+*newest.IssueKey) {
		t.Fatalf("created message %q for %+v", created, newest)
	}
	b.Settle(frame)
	b.Screenshot("created")
	b.Axe(frame)
}

// testAdminPage: the settings form shows the saved settings and the
// customers; the page passes the axe check.
func (d *demo) testAdminPage(t *testing.T) {
	b := d.b
	b.t = t
	const frame = "/pages/admin"
	b.Run("open admin page", chromedp.Navigate(d.host("/admin/remit")))
	b.WaitInFrame("settings form", frame, `document.getElementById('set-billingProjectKey')`, 20*time.Second)
	b.WaitInFrame("customers", frame, `[...document.querySelectorAll('td')].some(td => td.textContent === 'Acme')`, 10*time.Second)
	var project string
	if err := b.InFrame(frame, `document.getElementById('set-billingProjectKey').value`, &project); err != nil || project != "BILL" {
		t.Fatalf("billing project field %q (%v)", project, err)
	}
	b.Settle(frame)
	b.Screenshot("admin")
	b.Axe(frame)
}

// testGetStarted: the checklist marks what this site has done.
func (d *demo) testGetStarted(t *testing.T) {
	b := d.b
	b.t = t
	const frame = "/pages/get-started"
	b.Run("open get started", chromedp.Navigate(d.host("/admin/remit/get-started")))
	b.WaitInFrame("checklist", frame, `document.querySelector('[data-testid=checklist]')`, 20*time.Second)
	var items []string
	if err := b.InFrame(frame, `[...document.querySelectorAll('[data-testid=checklist] li')].map(li => li.innerText.replace(/\s+/g, ' '))`, &items); err != nil {
		t.Fatal(err)
	}
	if len(items) != 4 || !strings.HasPrefix(items[0], "Done Billing project") || !strings.HasPrefix(items[1], "Done First customer") || !strings.HasPrefix(items[3], "Done E-mail") {
		t.Fatalf("checklist %q", items)
	}
	b.Settle(frame)
	b.Screenshot("get-started")
	b.Axe(frame)
}

// testRecordPayment: a partial payment typed into the panel updates its
// figures and, through the sync job, the invoice issue's Jira property.
func (d *demo) testRecordPayment(t *testing.T) {
	b := d.b
	b.t = t
	inv := d.overdue
	b.Run("open issue view", chromedp.Navigate(d.host("/browse/"+*inv.IssueKey)))
	b.WaitInFrame("record payment button", panelFrame, fmt.Sprintf(clickButton, "Record payment"), 20*time.Second)
	b.WaitInFrame("payment form", panelFrame, `document.getElementById('pay-amount')`, 5*time.Second)
	for id, v := range map[string]string{"pay-amount": "500", "pay-ref": "WIRE-4711"} {
		var got string
		if err := b.InFrame(panelFrame, fmt.Sprintf(setInput, id, v), &got); err != nil || got != v {
			t.Fatalf("set %s: %q %v", id, got, err)
		}
	}
	b.Settle(panelFrame)
	b.Screenshot("payment-form")
	b.WaitInFrame("submit payment", panelFrame, `(() => { const f = document.querySelector('form[aria-label="Record payment"]'); if (!f) return false; f.requestSubmit(); return true; })()`, 5*time.Second)
	b.WaitInFrame("paid figure", panelFrame, `document.querySelector('[data-figure=Paid]')?.textContent === '$500.00'`, 20*time.Second)

	var after invoiceJSON
	if r := d.site.API(t, "GET", fmt.Sprintf("/invoices/%d", inv.ID), nil, &after); r.StatusCode != 200 {
		t.Fatalf("invoice: %d", r.StatusCode)
	}
	if after.Paid != "500.00" || after.Status != "partially_paid" {
		t.Fatalf("after the payment the API shows paid %s, status %s", after.Paid, after.Status)
	}
	var balance string
	if err := b.InFrame(panelFrame, `document.querySelector('[data-figure=Balance]').textContent`, &balance); err != nil || balance != usd(after.Balance) {
		t.Fatalf("panel balance %q (%v), want %q", balance, err, usd(after.Balance))
	}
	var text string
	_ = b.InFrame(panelFrame, `document.querySelector('[data-testid=invoice-panel]').innerText`, &text)
	if !strings.Contains(text, "Partially paid") {
		t.Errorf("panel does not say Partially paid:\n%s", text)
	}
	// The Jira property follows through the durable sync job.
	deadline := time.Now().Add(20 * time.Second)
	var prop struct {
		Status  string
		Balance json.Number
	}
	for time.Now().Before(deadline) {
		if is, ok := d.site.Site.Issue(*inv.IssueKey); ok && json.Unmarshal(is.Properties["remit-invoice"], &prop) == nil && prop.Balance.String() == after.Balance {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if prop.Balance.String() != after.Balance || prop.Status != "partially_paid" {
		t.Fatalf("Jira property shows balance %s status %q, want %s partially_paid", prop.Balance, prop.Status, after.Balance)
	}
	b.Settle(panelFrame)
	b.Screenshot("after-payment")
	b.Axe(panelFrame)
}
