package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// customerLink finds the customer page link in an e-mail's text.
var customerLink = regexp.MustCompile(`https?://\S+/c/[A-Za-z0-9_-]{43}`)

// TestCustomerPageJourney follows an invoice from its e-mail to a broken
// promise, over the wire: the invoice e-mail carries the customer page
// link; the page shows the invoice; the customer promises, on the page's
// form, to pay by a date; no follow-up runs until the promise is broken
// (the date plus two days of grace), although overdue-7 falls due
// meanwhile; then promise-broken comments on the issue and e-mails the
// customer about the promise, and the ladder goes on.
func TestCustomerPageJourney(t *testing.T) {
	f := startFollowStack(t, true)
	s := f.newFollowSite(t, "journey", 3, "100.00", "USD")
	id, key := s.invoice(t, followIssued, followDue)
	ok(t, f.api(t, s.Site, "POST", fmt.Sprintf("/invoices/%d/send", id), nil, nil), 202, "send")
	eventually(t, "the invoice e-mail", func() bool { return len(f.mails(s.email)) == 1 })
	sent := f.mails(s.email)[0]
	link := customerLink.FindString(sent.Text)
	if !strings.HasPrefix(link, f.URL+"/c/") {
		t.Fatalf("the invoice e-mail has no customer page link under %s/c/:\n%s", f.URL, sent.Text)
	}
	page := func() (int, string) {
		t.Helper()
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := page()
	if status != 200 || !strings.Contains(body, "INV-2027-0001") || !strings.Contains(body, "300.00 USD") {
		t.Fatalf("page: %d\n%s", status, body)
	}

	// Overdue-1 runs; the day after, the customer promises to pay by due+9.
	f.run(t, s.Site, day(followDue, 1))
	mailsBefore := len(f.mails(s.email))
	f.clock.Set(day(followDue, 2))
	promised := followDue.AddDate(0, 0, 9).Format(time.DateOnly)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(link+"/promise", url.Values{"date": {promised}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("promise: %d", resp.StatusCode)
	}
	if _, body := page(); !strings.Contains(body, "You promised to pay by "+promised) {
		t.Fatal("the page does not show the promise")
	}
	for n := 2; n <= 11; n++ {
		if got := f.run(t, s.Site, day(followDue, n)); len(got) != 0 {
			t.Fatalf("day %+d, the promise holds: %v", n, counts(got))
		}
	}
	if n := len(f.mails(s.email)); n != mailsBefore {
		t.Fatalf("%d e-mails while the promise held", n-mailsBefore)
	}
	got := counts(f.run(t, s.Site, day(followDue, 12)))
	want := map[string]int{"promise-broken/comment=done": 1, "promise-broken/email=done": 1,
		"overdue-7/comment=skipped": 1, "overdue-7/email=skipped": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("due+12: %v, want %v", got, want)
	}
	m := f.mails(s.email)[len(f.mails(s.email))-1]
	if !strings.Contains(m.Subject, "promise") || !strings.Contains(m.Text, promised) || !strings.Contains(m.Text, link) {
		t.Fatalf("promise-broken e-mail %q:\n%s", m.Subject, m.Text)
	}
	var promiseNoted, brokenNoted bool
	eventually(t, "the promise's comments", func() bool {
		for _, c := range s.Site.Site.Comments(key) {
			promiseNoted = promiseNoted || strings.Contains(c.Text, "promised on the customer page to pay invoice INV-2027-0001")
			brokenNoted = brokenNoted || strings.Contains(c.Text, "Promise not kept")
		}
		return promiseNoted && brokenNoted
	})
	var tl struct {
		Events []struct{ Step, Action string }
	}
	ok(t, f.api(t, s.Site, "GET", fmt.Sprintf("/invoices/%d/timeline", id), nil, &tl), 200, "timeline")
	seen := false
	for _, e := range tl.Events {
		seen = seen || (e.Step == "customer" && e.Action == "customer_promise")
	}
	if !seen {
		t.Fatalf("the timeline does not show the promise: %+v", tl.Events)
	}
	if got := counts(f.run(t, s.Site, day(followDue, 14))); got["escalate-14/email=done"] != 1 {
		t.Fatalf("due+14 after the broken promise: %v, want escalate-14", got)
	}
}
