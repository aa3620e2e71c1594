package jirafake_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/remit"
)

// TestFaultsAndRecords checks the test-facing side of the fake: a fault
// before the write leaves nothing, a fault after it leaves the write,
// an outage fails every call until it ends, calls are counted, and
// concurrent writers each get their own comment.
func TestFaultsAndRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sites := &jirafake.Sites{}
	s := sites.Site("acme")
	s.AddProject("BILL")
	key := s.AddIssue("BILL", "Invoice")

	s.FailNext(jirafake.MethodAddComment, jirafake.Unavailable())
	if _, err := s.AddComment(ctx, key, jira.ParagraphDoc("one")); !remit.IsKind(err, remit.Unavailable) {
		t.Fatalf("FailNext: %v", err)
	}
	if n := len(s.Comments(key)); n != 0 {
		t.Fatalf("%d comments after a fault before the write", n)
	}
	s.FailAfterWrite(jirafake.MethodAddComment, jirafake.Lost(jirafake.MethodAddComment))
	_, err := s.AddComment(ctx, key, jira.ParagraphDoc("one"))
	var unc *jira.UncertainError
	if !remit.IsKind(err, remit.Unavailable) || !errors.As(err, &unc) {
		t.Fatalf("FailAfterWrite with Lost: %v", err)
	}
	if n := len(s.Comments(key)); n != 1 {
		t.Fatalf("%d comments after a fault after the write, want 1", n)
	}
	if s.Calls(jirafake.MethodAddComment) != 2 {
		t.Fatalf("calls = %d, want 2", s.Calls(jirafake.MethodAddComment))
	}

	s.Down(jirafake.RateLimited(0))
	if _, err := s.IssueStatus(ctx, key); !remit.IsKind(err, remit.Unavailable) {
		t.Fatalf("down: %v", err)
	}
	s.Up()
	if st, err := s.IssueStatus(ctx, key); err != nil || st != "Open" {
		t.Fatalf("up: %q, %v", st, err)
	}
	s.BeforeFn = func(m jirafake.Method, k string) error {
		if m == jirafake.MethodAddLabel {
			return jirafake.Forbidden()
		}
		return nil
	}
	if err := s.AddLabel(ctx, key, "x"); !remit.IsKind(err, remit.Forbidden) {
		t.Fatalf("BeforeFn: %v", err)
	}
	s.BeforeFn = nil

	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.AddComment(ctx, key, jira.ParagraphDoc("many")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	ids := map[string]bool{}
	for _, c := range s.Comments(key) {
		ids[c.ID] = true
	}
	if len(ids) != 21 {
		t.Fatalf("%d distinct comment ids, want 21", len(ids))
	}

	if _, err := sites.For(remit.Tenant{ClientKey: "acme", State: remit.TenantUninstalled}); !remit.IsKind(err, remit.Conflict) {
		t.Fatalf("For an uninstalled tenant: %v", err)
	}
}
