package app_test

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// The dates of the follow-up scenarios: invoices issued on 4 January
// 2027 and due on 3 February, chased in UTC.
var (
	followIssued = time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	followDue    = time.Date(2027, 2, 3, 0, 0, 0, 0, time.UTC)
)

// putLateFee saves the default ladder with the given late-fee terms.
func (s *followSite) putLateFee(t *testing.T, lateFee map[string]any) {
	t.Helper()
	var p map[string]any
	ok(t, s.f.api(t, s.Site, "GET", "/policy", nil, &p), 200, "get policy")
	if p["saved"] != false {
		t.Fatalf("a fresh tenant's policy is saved: %v", p["saved"])
	}
	delete(p, "saved")
	p["lateFee"] = lateFee
	ok(t, s.f.api(t, s.Site, "PUT", "/policy", p, nil), 200, "put policy")
}

// ladderDays is what the default ladder does on each day (offset from the
// due date) it acts, every action done once.
var ladderDays = map[int]map[string]int{
	-3: {"reminder-before-due/comment=done": 1, "reminder-before-due/email=done": 1},
	1:  {"overdue-1/comment=done": 1, "overdue-1/email=done": 1, "overdue-1/transition=done": 1},
	7:  {"overdue-7/comment=done": 1, "overdue-7/email=done": 1},
	14: {"escalate-14/comment=done": 1, "escalate-14/email=done": 1},
	30: {"final-notice-30/late_fee=done": 1, "final-notice-30/comment=done": 1, "final-notice-30/email=done": 1},
	45: {"stop-work-45/label=done": 1, "stop-work-45/comment=done": 1},
	60: {"collections-60/comment=done": 1, "collections-60/notify_admins=done": 1},
}

// TestFollowupLadder walks one invoice through the default ladder day by
// day, from ten days before its due date to seventy after, running the
// follow-ups twice a day: each step acts once on its day, the second run
// of a day adds nothing, and Jira, the mailbox and the invoice end up
// with exactly the comments, transition, e-mails, labels and fee the
// ladder prescribes.
func TestFollowupLadder(t *testing.T) {
	f := startFollowStack(t, true)
	s := f.newFollowSite(t, "ladder", 12, "100.00", "USD")
	s.putLateFee(t, map[string]any{"preset": "us-1.5pct-month"})
	id, key := s.invoice(t, followIssued, followDue)

	for n := -10; n <= 70; n++ {
		at := day(followDue, n)
		got := counts(f.run(t, s.Site, at))
		want := ladderDays[n]
		if want == nil {
			want = map[string]int{}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("day %+d (%s): actions %v, want %v", n, at.Format(time.DateOnly), got, want)
		}
		if again := f.run(t, s.Site, at.Add(time.Hour)); len(again) != 0 {
			t.Fatalf("day %+d: a second run did %v", n, counts(again))
		}
	}

	// Jira: eight comments on the invoice issue (one per step, and the
	// hand-off addressed to the administrators), one move to Overdue on
	// the day after the due date, payment-hold on the open work only.
	comments := s.Site.Site.Comments(key)
	if len(comments) != 8 {
		t.Fatalf("%d comments on %s, want 8", len(comments), key)
	}
	for _, c := range comments {
		if !strings.Contains(c.Text, "INV-2027-0001") {
			t.Errorf("comment without the invoice number: %q", c.Text)
		}
	}
	// The last step's comment and its note to the administrators are two
	// jobs of one day; either may land first.
	if !strings.Contains(comments[6].Text+comments[7].Text, "Jira administrators") {
		t.Errorf("last comments %q and %q hold no hand-off to the administrators", comments[6].Text, comments[7].Text)
	}
	var overdue []string
	for _, tr := range s.Site.Site.TransitionHistory() {
		if tr.IssueKey == key && tr.To == "Overdue" {
			overdue = append(overdue, tr.At.UTC().Format(time.DateOnly))
		}
	}
	if want := []string{day(followDue, 1).Format(time.DateOnly)}; !slices.Equal(overdue, want) {
		t.Fatalf("moves to Overdue on %v, want %v", overdue, want)
	}
	for _, k := range []string{"WORK-1", "WORK-2", "WORK-3"} {
		is, _ := s.Site.Site.Issue(k)
		if held := slices.Contains(is.Labels, "payment-hold"); held != (k != "WORK-3") {
			t.Errorf("%s (%s) labels %v", k, is.Status, is.Labels)
		}
	}

	// The fee: 18 % a year on 1,200.00 for 30 days, rounded half-up once.
	wantFee := roundCents(new(big.Rat).SetFrac64(1200*18*30, 36500)).FloatString(2)
	var inv struct{ LateFees, Balance, Total string }
	ok(t, f.api(t, s.Site, "GET", fmt.Sprintf("/invoices/%d", id), nil, &inv), 200, "invoice")
	if inv.LateFees != wantFee || inv.Balance != addCents(inv.Total, wantFee) {
		t.Fatalf("late fees %s, balance %s; want fee %s on %s", inv.LateFees, inv.Balance, wantFee, inv.Total)
	}

	// E-mail: five to the customer, the escalation contacts copied from
	// escalate-14 on, the PDF attached, one identity each; one hand-off to
	// the seller.
	msgs := f.mails(s.email)
	if len(msgs) != 5 {
		t.Fatalf("%d e-mails to the customer, want 5", len(msgs))
	}
	ids := map[string]bool{}
	for i, m := range msgs {
		cc := len(m.CC) > 0
		if wantCC := i >= 3; cc != wantCC || (cc && !slices.Equal(m.CC, []string{"cfo@ladder.example", "ceo@ladder.example"})) {
			t.Errorf("e-mail %d (%q) cc %v", i, m.Subject, m.CC)
		}
		if len(m.Attachments) != 1 || m.Attachments[0].ContentType != "application/pdf" || !bytes.HasPrefix(m.Attachments[0].Data, []byte("%PDF")) {
			t.Errorf("e-mail %d (%q) attachments %+v", i, m.Subject, m.Attachments)
		}
		if ids[m.MessageID] || m.MessageID == "" {
			t.Errorf("e-mail %d has a repeated or empty Message-ID %q", i, m.MessageID)
		}
		// From the seller by name, answers to the seller's own address.
		from, _ := m.Header.AddressList("From")
		reply, _ := m.Header.AddressList("Reply-To")
		if len(from) != 1 || from[0].Name != "Remit Consulting LLC via Remit" || len(reply) != 1 || reply[0].Address != "seller@ladder.example" {
			t.Errorf("e-mail %d from %v, reply to %v", i, from, reply)
		}
		ids[m.MessageID] = true
	}
	final := msgs[4]
	if !strings.Contains(final.Text, wantFee) || !strings.Contains(pdfText(t, final.Attachments[0].Data), wantFee) {
		t.Errorf("the formal notice or its PDF does not show the fee %s:\n%s", wantFee, final.Text)
	}
	if seller := f.mails("seller@ladder.example"); len(seller) != 1 || !strings.Contains(seller[0].Subject, "Collections hand-off") {
		t.Errorf("e-mails to the seller: %d", len(seller))
	}

	// The timeline shows the sixteen actions done and nothing next.
	var tl struct {
		Events []struct{ Step, Action, Status, At, Detail string }
		Next   *struct{ Step, DueAt string }
	}
	ok(t, f.api(t, s.Site, "GET", fmt.Sprintf("/invoices/%d/timeline", id), nil, &tl), 200, "timeline")
	if len(tl.Events) != 16 || tl.Next != nil {
		t.Fatalf("timeline: %d events, next %+v", len(tl.Events), tl.Next)
	}
	for _, ev := range tl.Events {
		if ev.Status != "done" {
			t.Errorf("timeline event %+v", ev)
		}
	}
	resp, err := http.Get(f.OpsURL + "/metrics")
	need(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `remit_followup_actions_total{action="comment",outcome="done",step="overdue-1"} 1`) {
		t.Error("metrics do not count the overdue-1 comment")
	}
	if !strings.Contains(string(body), `remit_followup_actions_total{action="transition",outcome="done",step="overdue-1"} 1`) {
		t.Error("metrics do not count the overdue-1 transition the sync recorded")
	}
}

// addCents adds two decimal strings with two decimals.
func addCents(a, b string) string {
	x, _ := new(big.Rat).SetString(a)
	y, _ := new(big.Rat).SetString(b)
	return new(big.Rat).Add(x, y).FloatString(2)
}

// pdfText extracts a PDF's text with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	need(t, err)
	return string(out)
}

// eventsOf reads an invoice's recorded events straight from the database.
func eventsOf(t *testing.T, f *followStack, id int64) map[string]string {
	t.Helper()
	rows, err := f.Pool.Query(t.Context(), `SELECT step, installment_id, action, status, detail FROM followup_events WHERE invoice_id = $1`, id)
	need(t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var step, action, status, detail string
		var inst int64
		need(t, rows.Scan(&step, &inst, &action, &status, &detail))
		k := step + "/" + action
		if inst != 0 {
			k = fmt.Sprintf("%s#%d/%s", step, inst, action)
		}
		out[k] = status + ": " + detail
	}
	return out
}
