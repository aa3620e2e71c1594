package store_test

import (
	"context"
	"testing"
)

// jiraNoticeIsolationChecks: B can neither add a notice to A's invoice,
// read A's pending notices, nor mark them posted.
func jiraNoticeIsolationChecks(a, b string) map[string]func(t *testing.T, e env) {
	ctx := context.Background()
	seed := func(t *testing.T, e env) (invoiceID, noticeID int64) {
		t.Helper()
		invoiceID = idOf(t, e, "invoices", a)
		must(t, e.db.AddJiraNotice(ctx, nil, a, invoiceID, "notice of A"))
		pending, err := e.db.PendingJiraNotices(ctx, a, invoiceID)
		must(t, err)
		if len(pending) != 1 {
			t.Fatalf("A has %d pending notices, want 1", len(pending))
		}
		return invoiceID, pending[0].ID
	}
	stillPending := func(t *testing.T, e env, invoiceID int64, want int) {
		t.Helper()
		pending, err := e.db.PendingJiraNotices(ctx, a, invoiceID)
		must(t, err)
		if len(pending) != want {
			t.Fatalf("A has %d pending notices after B's call, want %d", len(pending), want)
		}
	}
	return map[string]func(t *testing.T, e env){
		"AddJiraNotice": func(t *testing.T, e env) {
			id, _ := seed(t, e)
			if err := e.db.AddJiraNotice(ctx, nil, b, id, "B's notice on A's invoice"); err == nil {
				t.Fatal("B added a notice to A's invoice")
			}
			stillPending(t, e, id, 1)
		},
		"PendingJiraNotices": func(t *testing.T, e env) {
			id, _ := seed(t, e)
			got, err := e.db.PendingJiraNotices(ctx, b, id)
			if err != nil || len(got) != 0 {
				t.Fatalf("B sees A's notices: %+v %v", got, err)
			}
		},
		"MarkJiraNoticePosted": func(t *testing.T, e env) {
			id, notice := seed(t, e)
			must(t, e.db.MarkJiraNoticePosted(ctx, b, notice, "10001"))
			stillPending(t, e, id, 1)
			must(t, e.db.MarkJiraNoticePosted(ctx, a, notice, "10001"))
			stillPending(t, e, id, 0)
		},
	}
}
