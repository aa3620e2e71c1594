package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/loadgen"
)

// waitWebhooks flushes the simulator's deliveries and waits until Remit
// has worked every webhook job.
func waitWebhooks(t *testing.T, s *apptest.Stack) { t.Helper(); waitWebhooksFor(t, s, 20*time.Second) }

func waitWebhooksFor(t *testing.T, s *apptest.Stack, limit time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	if err := s.Sim.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for ctx.Err() == nil {
		if count(t, s, `SELECT count(*) FROM river_job WHERE kind = 'webhook' AND state NOT IN ('completed', 'cancelled', 'discarded')`) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("webhook jobs still pending")
}

// paymentsOf counts an invoice's payments in the database.
func paymentsOf(t *testing.T, s *apptest.Stack, id int64) int {
	t.Helper()
	return count(t, s, `SELECT count(*) FROM payments WHERE invoice_id = $1`, id)
}

// deliveriesOf returns the simulator's delivery attempts of issue key's
// issue_updated events made by people (not by Remit's own app user, whose
// sync moves interleave with them), in the order Remit received them.
func deliveriesOf(st *jirasim.Site, key string) (ids, to []string) {
	for _, d := range st.Webhooks() {
		var b struct {
			User      struct{ AccountType string }
			Issue     struct{ Key string }
			Changelog struct {
				Items []struct{ Field, ToString string }
			}
		}
		if d.Event != "jira:issue_updated" || json.Unmarshal(d.Body, &b) != nil || b.Issue.Key != key || b.User.AccountType == "app" {
			continue
		}
		for _, it := range b.Changelog.Items {
			if it.Field == "status" {
				ids, to = append(ids, d.Identifier), append(to, it.ToString)
			}
		}
	}
	return ids, to
}

// TestWebhookStatusMoves follows people moving invoice issues in Jira:
// to Paid (delivered three times with one identifier, and reordered with
// a later move) records exactly one payment of the balance; back out of
// Paid reverses that payment; to Cancelled voids an unpaid invoice and is
// refused, with an audit note, for a paid one, as is a move out of Paid
// of an invoice paid in Remit; Remit's own app user moving an issue
// changes nothing.
func TestWebhookStatusMoves(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture()})
	l := newLedger(t, s, "hooks", 6, func(int) int { return 1 })
	// alice administers BILL and may record payments; bob may only move
	// its issues (Browse and Transition, no Administer Projects).
	must(t, l.Site.Site.SetPermissions("alice", nil, map[string][]string{"BILL": {"BROWSE_PROJECTS", "ADMINISTER_PROJECTS"}}))
	must(t, l.Site.Site.SetPermissions("bob", nil, map[string][]string{"BILL": {"BROWSE_PROJECTS", "TRANSITION_ISSUES"}}))
	issues := make([]jirasim.IssueView, 6)
	invs := make([]ledgerInvoice, 6)
	for i := range invs {
		invs[i] = l.invoice(t, l.acme, i+1, "2026-01-01", "2027-03-01")
		issues[i] = l.waitJira(t, invs[i].Number, "Sent", "open", "100.00")
	}
	waitWebhooks(t, s)
	moveAs := func(who, key, to string) {
		t.Helper()
		if err := l.Site.Site.TransitionIssue(key, to, who); err != nil {
			t.Fatal(err)
		}
	}
	move := func(key, to string) { t.Helper(); moveAs("alice", key, to) }

	t.Run("the same delivery three times pays once", func(t *testing.T) {
		s.Sim.AddWebhookFault(jirasim.WebhookFault{Site: "hooks", Event: "jira:issue_updated", Kind: jirasim.WebhookDuplicate, Copies: 2, Count: 1})
		move(issues[0].Key, "Paid")
		waitWebhooks(t, s)
		ids, _ := deliveriesOf(l.Site.Site, issues[0].Key)
		if len(ids) < 3 || ids[len(ids)-1] != ids[len(ids)-2] || ids[len(ids)-2] != ids[len(ids)-3] {
			t.Fatalf("deliveries %v: want the last three with one identifier", ids)
		}
		got := l.get(t, invs[0].ID)
		if got.Status != "paid" || len(got.Payments) != 1 || got.Payments[0].Amount != "100.00" ||
			got.Payments[0].Method != "jira-transition" || got.Payments[0].RecordedBy != "jira" {
			t.Fatalf("after the move to Paid: %+v", got)
		}
		l.waitJira(t, invs[0].Number, "Paid", "paid", "0.00")
	})

	t.Run("out of order with a later move pays once", func(t *testing.T) {
		s.Sim.AddWebhookFault(jirasim.WebhookFault{Site: "hooks", Event: "jira:issue_updated", Kind: jirasim.WebhookReorder, Batch: 2, Count: 2})
		move(issues[1].Key, "Paid")
		move(issues[1].Key, "Reopen")
		waitWebhooks(t, s)
		_, to := deliveriesOf(l.Site.Site, issues[1].Key)
		if n := len(to); n < 2 || to[n-2] != "Open" || to[n-1] != "Paid" {
			t.Fatalf("delivery order %v: want the Reopen before the move to Paid", to)
		}
		if got := l.get(t, invs[1].ID); got.Status != "paid" || paymentsOf(t, s, invs[1].ID) != 1 {
			t.Fatalf("after reordered moves: %s with %d payments", got.Status, paymentsOf(t, s, invs[1].ID))
		}
	})

	t.Run("a move out of Paid reverses the Jira payment; a paid invoice is not voided from Jira", func(t *testing.T) {
		move(issues[0].Key, "Reopen")
		waitWebhooks(t, s)
		if got := l.get(t, invs[0].ID); got.Status != "open" ||
			count(t, s, `SELECT count(*) FROM payments WHERE invoice_id = $1 AND reversed_at IS NOT NULL`, invs[0].ID) != 1 {
			t.Fatalf("after the move out of Paid: %s", got.Status)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity_id = $1 AND action = 'payment_reversed' AND actor = 'jira'`, fmt.Sprint(invs[0].ID)); n != 1 {
			t.Fatalf("%d reversal entries, want 1", n)
		}
		// Paid in Remit this time: neither a move out of Paid nor one to
		// Cancelled changes it.
		if code := l.pay(t, invs[0].ID, "100.00", "2026-11-20"); code != 201 {
			t.Fatalf("payment: %d", code)
		}
		l.waitJira(t, invs[0].Number, "Paid", "paid", "0.00")
		move(issues[0].Key, "Reopen")
		s.Clock.Set(s.Now().Add(time.Second)) // a later move: Remit applies moves in the order they were made
		move(issues[0].Key, "Cancelled")
		waitWebhooks(t, s)
		if got := l.get(t, invs[0].ID); got.Status != "paid" || paymentsOf(t, s, invs[0].ID) != 2 {
			t.Fatalf("paid invoice after moves out of Paid and to Cancelled: %s", got.Status)
		}
		// The two deliveries are worked concurrently: when the later one
		// (to Cancelled) is applied first, the earlier is dropped as older.
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity_id = $1 AND action = 'jira_status_refused' AND actor = 'jira'`, fmt.Sprint(invs[0].ID)); n < 1 || n > 2 {
			t.Fatalf("%d refusal notes, want one for each move applied (1 or 2)", n)
		}
	})

	t.Run("an unpaid invoice is voided from Jira", func(t *testing.T) {
		move(issues[2].Key, "Cancelled")
		waitWebhooks(t, s)
		if got := l.get(t, invs[2].ID); got.Status != "void" {
			t.Fatalf("after the move to Cancelled: %s", got.Status)
		}
		if n := count(t, s, `SELECT count(*) FROM billed_worklogs WHERE invoice_id = $1`, invs[2].ID); n != 0 {
			t.Fatalf("void kept %d billed worklogs", n)
		}
		l.waitJira(t, invs[2].Number, "Cancelled", "void", "100.00")
	})

	t.Run("moves by Remit's own app user are ignored", func(t *testing.T) {
		body := map[string]any{"timestamp": s.Now().UnixMilli(), "webhookEvent": "jira:issue_updated",
			"user":      map[string]any{"accountId": "remit-app", "accountType": "app"},
			"issue":     map[string]any{"id": issues[3].ID, "key": issues[3].Key},
			"changelog": map[string]any{"items": []any{map[string]any{"field": "status", "toString": "Paid"}}}}
		if n := l.Site.Site.SendEvent("jira:issue_updated", body); n != 1 {
			t.Fatalf("%d deliveries queued", n)
		}
		waitWebhooks(t, s)
		if got := l.get(t, invs[3].ID); got.Status != "open" || paymentsOf(t, s, invs[3].ID) != 0 {
			t.Fatalf("app user's move changed the invoice: %s", got.Status)
		}
	})

	// Whoever may transition the issue must not bypass the permission the
	// API asks for: the move is not applied, the issue goes back, and a
	// comment on it says why.
	for i, to := range map[int]string{4: "Paid", 5: "Cancelled"} {
		t.Run("a move to "+to+" by someone who may not "+map[string]string{"Paid": "record payments", "Cancelled": "void"}[to], func(t *testing.T) {
			moveAs("bob", issues[i].Key, to)
			waitWebhooks(t, s)
			l.waitJira(t, invs[i].Number, "Sent", "open", "100.00") // moved back by the sync
			if got := l.get(t, invs[i].ID); got.Status != "open" || paymentsOf(t, s, invs[i].ID) != 0 {
				t.Fatalf("bob's move to %s changed the invoice: %s with %d payments", to, got.Status, paymentsOf(t, s, invs[i].ID))
			}
			var notes []string
			for deadline := time.Now().Add(10 * time.Second); len(notes) == 0 && time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
				for _, c := range l.Site.Site.Comments(issues[i].Key) {
					if strings.Contains(c.Text, "did not apply the move") {
						notes = append(notes, c.Text)
					}
				}
			}
			if len(notes) != 1 || !strings.Contains(notes[0], "Administer Projects") || !strings.Contains(notes[0], invs[i].Number) {
				t.Fatalf("comments explaining the refusal: %q", notes)
			}
			if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity_id = $1 AND action = 'jira_status_refused'`, fmt.Sprint(invs[i].ID)); n != 1 {
				t.Fatalf("%d refusal notes in the audit log, want 1", n)
			}
		})
	}
}

// TestWebhookAuth refuses unsigned, wrong-qsh and context-token
// deliveries of a move to Paid with 401 and writes nothing; the same
// delivery properly signed records the payment.
func TestWebhookAuth(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture()})
	l := newLedger(t, s, "auth", 1, func(int) int { return 1 })
	inv := l.invoice(t, l.acme, 1, "2026-01-01", "2027-03-01")
	is := l.waitJira(t, inv.Number, "Sent", "open", "100.00")
	waitWebhooks(t, s)
	body := fmt.Appendf(nil, `{"timestamp":%d,"webhookEvent":"jira:issue_updated","user":{"accountId":%q,"accountType":"atlassian"},"issue":{"id":%q,"key":%q},"changelog":{"items":[{"field":"status","toString":"Paid"}]}}`,
		s.Now().UnixMilli(), ledgerAdmin, is.ID, is.Key)
	u, _ := url.Parse(s.URL + "/webhooks/jira")
	other, _ := url.Parse(s.URL + "/webhooks/other")
	now := s.Now()
	signed := func(u *url.URL) string {
		tok, err := connect.SignRequest(l.Inst.SharedSecret, l.Inst.ClientKey, "", http.MethodPost, u, "", now, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return "JWT " + tok
	}
	ctxTok, err := connect.SignContext(l.Inst.SharedSecret, l.Inst.ClientKey, "alice", now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	deliveries := func() int { return count(t, s, `SELECT count(*) FROM webhook_deliveries`) }
	before := deliveries()
	for _, tt := range []struct{ name, auth string }{{"unsigned", ""}, {"wrong qsh", signed(other)}, {"context token", "JWT " + ctxTok}} {
		r := s.Post(t, "/webhooks/jira", tt.auth, body, http.Header{"X-Atlassian-Webhook-Identifier": {"auth-" + tt.name}, "Content-Type": {"application/json"}})
		if r.StatusCode != 401 {
			t.Fatalf("%s delivery: %d, want 401", tt.name, r.StatusCode)
		}
	}
	waitWebhooks(t, s)
	if deliveries() != before || paymentsOf(t, s, inv.ID) != 0 {
		t.Fatal("a refused delivery was recorded or paid")
	}
	if r := s.Post(t, "/webhooks/jira", signed(u), body, http.Header{"X-Atlassian-Webhook-Identifier": {"auth-ok"}, "Content-Type": {"application/json"}}); r.StatusCode != 204 {
		t.Fatalf("signed delivery: %d", r.StatusCode)
	}
	waitWebhooks(t, s)
	if paymentsOf(t, s, inv.ID) != 1 {
		t.Fatal("the signed delivery did not record the payment")
	}
}

// TestWebhookBurstAndWorklogReview sends 1,000 signed worklog_updated
// deliveries for one billed worklog, in shuffled timestamp order, with 32
// concurrent senders: every one is answered 204 fast (p99 recorded), all
// are processed, and the invoice is flagged for review with the newest
// change only, its amounts untouched. Then a billed worklog is deleted
// and the invoice issue too: both flag the invoice, which stays.
func TestWebhookBurstAndWorklogReview(t *testing.T) {
	t.Parallel()
	// River fetches at most one batch per worker slot every 100 ms, so the
	// worker count bounds how fast a burst drains; production's default is 10.
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture(), Env: map[string]string{"REMIT_WORKERS": "10"}})
	l := newLedger(t, s, "burst", 2, func(int) int { return 1 })
	inv := l.invoice(t, l.acme, 1, "2026-01-01", "2027-03-01")
	inv2 := l.invoice(t, l.acme, 2, "2026-01-01", "2027-03-01")
	is2 := l.waitJira(t, inv2.Number, "Sent", "open", "100.00")
	waitWebhooks(t, s)
	worklog := l.worklogs["ACME-1 1"]
	const n = 1000
	base := s.Now().UnixMilli()
	order := rand.New(rand.NewPCG(1, 2)).Perm(n)
	u, _ := url.Parse(s.URL + "/webhooks/jira")
	jobsBefore := count(t, s, `SELECT count(*) FROM river_job WHERE kind = 'webhook'`)
	started := time.Now()
	res, err := loadgen.Run(context.Background(), loadgen.Options{
		Requests: n, Concurrency: 32,
		Make: func(i int) (*http.Request, error) {
			k := order[i] // the k-th change in time, sent i-th
			body := fmt.Appendf(nil, `{"timestamp":%d,"webhookEvent":"worklog_updated","worklog":{"id":%q,"issueId":"10000","timeSpentSeconds":%d}}`,
				base+int64(k), worklog, 3600+60*k)
			tok, err := connect.SignRequest(l.Inst.SharedSecret, l.Inst.ClientKey, "", http.MethodPost, u, "", s.Now(), 3*time.Minute)
			if err != nil {
				return nil, err
			}
			req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Authorization", "JWT "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Atlassian-Webhook-Identifier", "burst-"+strconv.Itoa(i))
			return req, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors > 0 || res.Status[http.StatusNoContent] != n {
		t.Fatalf("not every delivery accepted: %v", res)
	}
	p99 := res.Percentile(99)
	t.Logf("burst of %d webhook deliveries: %v", n, res)
	if p99 > 5*time.Second {
		t.Fatalf("p99 %v: Jira expects an answer within seconds", p99)
	}
	waitWebhooksFor(t, s, 2*time.Minute)
	t.Logf("all %d processed %v after the first was sent", n, time.Since(started).Round(time.Millisecond))
	if done := count(t, s, `SELECT count(*) FROM river_job WHERE kind = 'webhook' AND state = 'completed'`) - jobsBefore; done < n {
		t.Fatalf("%d of %d webhook jobs completed", done, n)
	}
	got := l.get(t, inv.ID)
	if !got.NeedsReview || len(got.NeedsReviewDetail) != 1 || got.Total != "100.00" || got.Balance != "100.00" {
		t.Fatalf("after the burst: %+v", got)
	}
	last := got.NeedsReviewDetail[0]
	// The newest change is k = 999: 3600 + 59,940 s, i.e. 999 minutes more, 1665.00 USD at 100.00/h.
	if last.NewSeconds != 3600+60*(n-1) || last.DifferenceSeconds != 60*(n-1) || last.DifferenceAmount != "1665" || last.Deleted {
		t.Fatalf("review detail %+v, want the newest change", last)
	}

	// A billed worklog deleted in Jira: the difference is all of it.
	if err := l.Site.Site.DeleteWorklog(l.worklogs["ACME-1 2"]); err != nil {
		t.Fatal(err)
	}
	waitWebhooks(t, s)
	got2 := l.get(t, inv2.ID)
	if !got2.NeedsReview || len(got2.NeedsReviewDetail) != 1 || !got2.NeedsReviewDetail[0].Deleted ||
		got2.NeedsReviewDetail[0].DifferenceSeconds != -3600 || got2.NeedsReviewDetail[0].DifferenceAmount != "-100" || got2.Total != "100.00" {
		t.Fatalf("after deleting a billed worklog: %+v", got2)
	}
	// The invoice issue deleted in Jira: the invoice stays, flagged once.
	if err := l.Site.Site.DeleteIssue(is2.Key, "alice"); err != nil {
		t.Fatal(err)
	}
	waitWebhooks(t, s)
	if got := l.get(t, inv2.ID); got.Total != "100.00" || got.Status != "open" {
		t.Fatalf("invoice after its issue was deleted: %+v", got)
	}
	if n := count(t, s, `SELECT count(*) FROM invoices WHERE id = $1 AND jira_deleted`, inv2.ID); n != 1 {
		t.Fatal("invoice not flagged as having lost its issue")
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity_id = $1 AND action = 'issue_deleted'`, fmt.Sprint(inv2.ID)); n != 1 {
		t.Fatalf("%d issue_deleted audit entries, want 1", n)
	}
}
