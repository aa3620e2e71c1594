package browsertest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/remitapp/remit/internal/apptest"
)

// TestCustomerPage opens the overdue invoice's customer page (SPEC §15)
// as its customer would, from the link the panel gives: on a desktop and
// on a phone, with screenshots and the axe check each time, and once
// with JavaScript disabled, where the figures read and a promise to pay
// goes through its form.
func TestCustomerPage(t *testing.T) {
	d := newDemo(t)
	settings := map[string]any{"billingProjectKey": "BILL", "currency": "USD", "timezone": "UTC",
		"seller":  map[string]any{"name": "Remit Consulting LLC", "email": "billing@remit.example", "address": "1 Main St\nSpringfield"},
		"payment": map[string]string{"accountName": "Remit Consulting LLC", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}}
	if r := d.site.API(t, "PUT", "/settings", settings, nil); r.StatusCode != 200 {
		t.Fatalf("settings: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	var link struct{ URL string }
	if r := d.site.API(t, "POST", fmt.Sprintf("/invoices/%d/customer-link", d.overdue.ID), nil, &link); r.StatusCode != 200 {
		t.Fatalf("customer link: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	if !strings.HasPrefix(link.URL, d.stack.URL+"/c/") {
		t.Fatalf("link %q is not under %s/c/", link.URL, d.stack.URL)
	}
	b := d.b
	b.t = t
	inv := d.overdue
	read := func(what string) map[string]string {
		t.Helper()
		var got map[string]string
		js := `({due: document.getElementById('amount-due')?.textContent, dueDate: document.getElementById('due-date')?.textContent,
			paid: document.getElementById('paid')?.textContent, reference: document.getElementById('reference')?.textContent,
			h1: document.querySelector('h1')?.textContent, lang: document.documentElement.lang,
			overflow: String(document.documentElement.scrollWidth > window.innerWidth),
			styled: String(getComputedStyle(document.querySelector('section')).borderTopStyle === 'solid')})`
		if err := b.InPage(js, &got); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		want := map[string]string{"due": inv.Balance + " USD", "dueDate": *inv.DueDate, "paid": inv.Paid + " USD",
			"reference": inv.Number, "h1": "Invoice " + inv.Number + " to Acme", "lang": "en", "overflow": "false", "styled": "true"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", what, k, got[k], v)
			}
		}
		return got
	}

	b.Run("open the page", chromedp.Navigate(link.URL), chromedp.WaitVisible("#amount-due", chromedp.ByQuery))
	read("desktop")
	b.Screenshot("desktop")
	b.Axe("")

	b.Run("phone viewport", emulation.SetDeviceMetricsOverride(390, 844, 3, true), chromedp.Navigate(link.URL),
		chromedp.WaitVisible("#amount-due", chromedp.ByQuery))
	read("phone")
	b.Screenshot("phone")
	b.Axe("")

	// No script: read the figures and promise to pay through the form.
	promise := d.stack.Now().UTC().AddDate(0, 0, 10).Format(time.DateOnly)
	b.Run("scripts off", emulation.SetScriptExecutionDisabled(true), chromedp.Navigate(link.URL),
		chromedp.WaitVisible("#amount-due", chromedp.ByQuery))
	read("no script")
	b.Run("promise without script",
		chromedp.SetAttributeValue("#promise-date", "value", promise, chromedp.ByQuery),
		chromedp.Click(`form[action$="/promise"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`p[role=status]`, chromedp.ByQuery))
	var after map[string]string
	if err := b.InPage(`({status: document.querySelector('p[role=status]').textContent, url: location.href,
		banner: [...document.querySelectorAll('.note')].map(n => n.textContent).join(' | ')})`, &after); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(after["status"], "promise to pay is recorded") || !strings.HasSuffix(after["url"], "?done=promise") ||
		!strings.Contains(after["banner"], "You promised to pay by "+promise) {
		t.Fatalf("after the promise without script: %v", after)
	}
	b.Screenshot("promised-no-script")
	b.Run("scripts back on", emulation.SetScriptExecutionDisabled(false), emulation.ClearDeviceMetricsOverride())

	// The customer asks for a plan on the page; the panel shows the link
	// to copy, the request to accept, and revokes the link.
	plan := url.Values{"date": {d.stack.Now().UTC().AddDate(0, 0, 20).Format(time.DateOnly)}, "amount": {inv.Balance}}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).PostForm(link.URL+"/plan", plan)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("plan request: %d", resp.StatusCode)
	}
	b.Run("open issue view", chromedp.Navigate(d.host("/browse/"+*inv.IssueKey)))
	b.WaitInFrame("plan request", panelFrame, `document.querySelector('[data-testid=plan-request]')`, 20*time.Second)
	b.WaitInFrame("show link", panelFrame, fmt.Sprintf(clickButton, "Show customer link"), 10*time.Second)
	b.WaitInFrame("the link", panelFrame, fmt.Sprintf(`document.querySelector('input[aria-label="Customer page link"]')?.value === %q`, link.URL), 10*time.Second)
	b.Settle(panelFrame)
	b.Screenshot("panel-link-and-request")
	b.Axe(panelFrame)
	b.WaitInFrame("accept", panelFrame, fmt.Sprintf(clickButton, "Accept"), 10*time.Second)
	b.WaitInFrame("plan accepted", panelFrame, `document.querySelector('#remit-plan') && !document.querySelector('[data-testid=plan-request]')`, 20*time.Second)
	b.WaitInFrame("revoke", panelFrame, fmt.Sprintf(clickButton, "Revoke"), 10*time.Second)
	b.WaitInFrame("revoked", panelFrame, `!document.querySelector('input[aria-label="Customer page link"]')`, 10*time.Second)
	b.Run("revoked page", chromedp.Navigate(link.URL), chromedp.WaitVisible("h1", chromedp.ByQuery))
	var h1 string
	if err := b.InPage(`document.querySelector('h1').textContent`, &h1); err != nil || h1 != "This link was revoked" {
		t.Fatalf("the revoked link shows %q (%v)", h1, err)
	}
	b.Screenshot("revoked")
}
