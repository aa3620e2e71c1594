package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/clock"
	"github.com/remitapp/remit/internal/jirasim"
)

// TestMailDailyQuota: a tenant may make Remit send at most
// REMIT_MAIL_TENANT_DAILY_LIMIT e-mails a day. Two invoices due a
// reminder on the same day with a limit of one: one e-mail goes, under
// the seller's name marked "via Remit"; the other waits for the next day
// (its job snoozed past midnight on Remit's clock, its event still
// queued, nothing lost), and the tenant's people are told once, in Jira.
// The invoices are two customers': one customer's would share an e-mail.
func TestMailDailyQuota(t *testing.T) {
	c := clock.At(time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC))
	st := apptest.Start(t, apptest.Options{WithSim: true, SMTP: true, Clock: c,
		Env: map[string]string{"REMIT_MAIL_TENANT_DAILY_LIMIT": "1"}})
	f := &followStack{Stack: st, clock: c, smtp: st.SMTP}
	s := f.newFollowSite(t, "quota", 2, "100.00", "USD")
	// November's work too, for a second invoice due on the same day.
	if _, err := s.Site.Site.Seed(jirasim.SeedData{Worklogs: []jirasim.WorklogSpec{
		{Issue: "WORK-2", Author: "alice", Started: time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC), TimeSpentSeconds: 3600}}}); err != nil {
		t.Fatal(err)
	}
	_, keyDec := s.invoice(t, followIssued, followDue)
	// Another customer's: one customer's invoices due the same day share
	// one e-mail (SPEC §5), so two e-mails need two customers.
	const otherEmail = "ap@other.example"
	var other struct{ ID int64 }
	ok(t, f.api(t, s.Site, "POST", "/customers", map[string]any{"name": "Other customer", "jql": "project = WORK", "currency": "USD",
		"hourlyRate": "100.00", "billingEmail": otherEmail}, &other), 201, "second customer")
	var nov struct{ ID int64 }
	ok(t, f.api(t, s.Site, "POST", "/invoices", map[string]any{"customerId": other.ID, "periodStart": "2026-11-01", "periodEnd": "2026-11-30",
		"issueDate": followIssued.Format(time.DateOnly), "dueDate": followDue.Format(time.DateOnly)}, &nov), 201, "November invoice")

	// Three days before the due date both invoices are due their friendly
	// reminder: two comments, two e-mails wanted, one allowed.
	c.Set(day(followDue, -3))
	ok(t, f.api(t, s.Site, "POST", "/followups/run", map[string]string{"asOf": c.Now().Format(time.RFC3339)}, nil), 200, "run")
	eventually(t, "one reminder e-mail and the quota notice", func() bool {
		return len(f.mails(s.email))+len(f.mails(otherEmail)) == 1 && quotaNotices(s.Site.Site) == 1
	})
	time.Sleep(500 * time.Millisecond) // the held e-mail has had its chance to go
	mails := append(f.mails(s.email), f.mails(otherEmail)...)
	if len(mails) != 1 {
		t.Fatalf("%d e-mails sent with a daily limit of 1", len(mails))
	}
	if from, err := mails[0].Header.AddressList("From"); err != nil || len(from) != 1 || from[0].Name != "Remit Consulting LLC via Remit" {
		t.Fatalf("From %v (%v): the seller's name is not marked as sent through Remit", from, err)
	}
	if n := quotaNotices(s.Site.Site); n != 1 {
		t.Fatalf("%d quota notices in Jira, want 1", n)
	}
	// The held e-mail is not lost: its event is queued and its job waits
	// for the next day on Remit's clock (15 hours from 09:00 UTC).
	var queued int
	need(t, f.Pool.QueryRow(context.Background(), `SELECT count(*) FROM followup_events WHERE action = 'email' AND status = 'queued'`).Scan(&queued))
	if queued != 1 {
		t.Fatalf("%d e-mail events queued, want the held one", queued)
	}
	var seconds float64
	need(t, f.Pool.QueryRow(context.Background(), `SELECT extract(epoch FROM scheduled_at - now())::float8 FROM river_job
		WHERE state = 'scheduled' AND kind = 'followup_action' AND args->>'action' = 'email'`).Scan(&seconds))
	wait := time.Duration(seconds * float64(time.Second))
	if wait < 14*time.Hour || wait > 16*time.Hour {
		t.Fatalf("the held e-mail waits %v, want until the next day (about 15 h)", wait)
	}
	if keyDec == "" {
		t.Fatal("no invoice issue")
	}
}

// quotaNotices counts the comments telling the site its e-mail quota
// is reached, over every invoice issue.
func quotaNotices(site *jirasim.Site) int {
	n := 0
	for _, is := range site.Issues() {
		for _, cm := range site.Comments(is.Key) {
			if strings.Contains(cm.Text, "today's limit of 1 e-mails") {
				n++
			}
		}
	}
	return n
}
