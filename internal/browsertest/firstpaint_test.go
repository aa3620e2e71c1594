package browsertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// figureWatch counts, in every document, how often an invoice figures
// list is added to and removed from the page, on the <html> element (so
// that the panel's own nodes stay untouched).
const figureWatch = `new MutationObserver(records => {
  const html = document.documentElement;
  const figures = n => n.nodeType === 1 && (n.matches('[data-testid=invoice-figures]') || n.querySelector('[data-testid=invoice-figures]'));
  for (const r of records) {
    for (const n of r.addedNodes) if (figures(n)) html.dataset.figuresAdded = String(Number(html.dataset.figuresAdded || 0) + 1);
    for (const n of r.removedNodes) if (figures(n)) html.dataset.figuresRemoved = String(Number(html.dataset.figuresRemoved || 0) + 1);
  }
}).observe(document, {childList: true, subtree: true});`

// testFirstPaint: the invoice panel's page draws the summary from the
// answer it carries before any of the panel's scripts have loaded, and
// the panel keeps those nodes: the figures are drawn once, not replaced
// when React mounts, and the page has one landmark.
func (d *demo) testFirstPaint(t *testing.T) {
	b := d.b
	b.t = t
	inv := d.overdue
	want := map[string]string{
		"Total":   usd(inv.Total),
		"Paid":    usd(inv.Paid),
		"Balance": usd(inv.Balance),
		"Due":     fmt.Sprintf("%s · %d days overdue", dateLabel(*inv.DueDate), inv.DaysOverdue),
	}
	check := func(what string) {
		t.Helper()
		var got map[string]string
		if err := b.InFrame(panelFrame, fmt.Sprintf(figuresJS, "invoice-figures"), &got); err != nil {
			t.Fatal(err)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s shows %q, want %q (all: %v)", what, k, got[k], v, got)
			}
		}
	}

	// Without the panel's scripts, the first paint alone shows the figures.
	b.Run("block the bundles", network.Enable(), network.SetBlockedURLs([]string{"*/static/assets/*.js"}))
	b.Run("open issue view", chromedp.Navigate(d.host("/browse/"+*inv.IssueKey)))
	b.WaitInFrame("first paint", panelFrame, `document.querySelector('#remit-first [data-testid=invoice-figures]')`, 20*time.Second)
	check("without the bundle")
	var number string
	if err := b.InFrame(panelFrame, `document.querySelector('[data-testid=invoice-number]').textContent`, &number); err != nil || number != inv.Number {
		t.Errorf("first paint shows number %q (%v), want %s", number, err, inv.Number)
	}
	var buttons int
	if err := b.InFrame(panelFrame, `document.querySelectorAll('button').length`, &buttons); err != nil || buttons != 0 {
		t.Fatalf("%d buttons without the bundle (%v): the figures did not come from the first paint", buttons, err)
	}
	b.Screenshot("first-paint-only")

	// With them, React fills the frame around the same nodes.
	b.Run("unblock the bundles", network.SetBlockedURLs([]string{}))
	var watch page.ScriptIdentifier
	b.Run("watch the figures", chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		watch, err = page.AddScriptToEvaluateOnNewDocument(figureWatch).Do(ctx)
		return err
	}))
	defer b.Run("stop watching", page.RemoveScriptToEvaluateOnNewDocument(watch))
	b.Run("open issue view", chromedp.Navigate(d.host("/browse/"+*inv.IssueKey)))
	b.WaitInFrame("panel actions", panelFrame, `[...document.querySelectorAll('button')].some(b => b.textContent.trim() === 'Record payment') && document.querySelector('[data-testid=invoice-panel] [data-testid=timeline]')`, 20*time.Second)
	check("with the bundle")
	var state struct {
		Added, Removed           string
		Figures, Mains, Statuses int
		FirstPaint               bool
	}
	if err := b.InFrame(panelFrame, `({Added: document.documentElement.dataset.figuresAdded || '0', Removed: document.documentElement.dataset.figuresRemoved || '0',
	  Figures: document.querySelectorAll('[data-testid=invoice-figures]').length, Mains: document.querySelectorAll('main').length,
	  Statuses: document.querySelectorAll('[data-slot=status] *').length, FirstPaint: !!document.querySelector('#remit-first [data-testid=invoice-panel]')})`, &state); err != nil {
		t.Fatal(err)
	}
	if state.Added != "1" || state.Removed != "0" || state.Figures != 1 || state.Mains != 1 || state.Statuses == 0 || !state.FirstPaint {
		t.Fatalf("after the panel mounted: %+v; want the first paint's figures kept (added once, never removed), one landmark and the status in its slot", state)
	}
	b.Settle(panelFrame)
	b.Screenshot("first-paint-kept")
	b.Axe(panelFrame)
}
