package jira_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/jirasim/simtest"
)

// TestWorklogsSelectsExactlyThePeriod seeds issues with 0, 5, 20 (the
// embedding cap), 21 and 60 worklogs straddling a New York month across a
// DST change, plus work the JQL excludes, and checks that exactly the
// worklogs started inside the period come back, with one search page plus
// one request per issue that has more than 20 worklogs.
func TestWorklogsSelectsExactlyThePeriod(t *testing.T) {
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, ny)
	to := time.Date(2026, 11, 1, 0, 0, 0, 0, ny) // exclusive; DST ends 2026-11-01 02:00
	seed := jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "ACME", Name: "Acme"}, {Key: "OTHER", Name: "Other"}},
	}
	counts := []int{0, 5, 20, 21, 60}
	for _, n := range counts {
		seed.Issues = append(seed.Issues, jirasim.IssueSpec{Project: "ACME", Summary: fmt.Sprintf("issue with %d worklogs", n)})
	}
	seed.Issues = append(seed.Issues,
		jirasim.IssueSpec{Project: "ACME", Summary: "not billable", Labels: []string{"non-billable"}},
		jirasim.IssueSpec{Project: "OTHER", Summary: "another customer"})
	type planned struct {
		issue  string
		inside bool
	}
	var plan []planned
	// Starts cycle through: just before the period, the first instant, the
	// middle, the last second, and the first instant after.
	starts := []struct {
		at     time.Time
		inside bool
	}{
		{from.Add(-time.Second), false}, {from, true}, {time.Date(2026, 10, 15, 12, 0, 0, 0, ny), true},
		{to.Add(-time.Second), true}, {to, false},
	}
	for i, n := range counts {
		key := "ACME-" + strconv.Itoa(i+1)
		for j := range n {
			s := starts[j%len(starts)]
			seed.Worklogs = append(seed.Worklogs, jirasim.WorklogSpec{Issue: key, Author: "alice", Started: s.at, TimeSpentSeconds: int64(60 * (j + 1))})
			plan = append(plan, planned{key, s.inside})
		}
	}
	for _, key := range []string{"ACME-6", "OTHER-1"} {
		seed.Worklogs = append(seed.Worklogs, jirasim.WorklogSpec{Issue: key, Author: "alice", Started: from.Add(time.Hour), TimeSpentSeconds: 600})
		plan = append(plan, planned{key, false})
	}
	env := simtest.Start(t, simtest.Options{Seed: seed})

	f := &jira.Factory{AppKey: simtest.AppKey, HTTP: &http.Client{}}
	c, err := f.Client(env.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	got, stats, err := c.Worklogs(context.Background(), jira.WorklogQuery{
		JQL: "(project = ACME) AND (labels is EMPTY OR labels not in (non-billable))", From: from, To: to,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, p := range plan {
		if p.inside {
			want++
		}
	}
	if len(got) != want {
		t.Fatalf("got %d worklogs, want %d", len(got), want)
	}
	seen := map[int64]bool{}
	for _, w := range got {
		if seen[w.ID] {
			t.Fatalf("worklog %d returned twice", w.ID)
		}
		seen[w.ID] = true
		if w.Started.Before(from) || !w.Started.Before(to) {
			t.Fatalf("worklog %d started %v, outside the period", w.ID, w.Started)
		}
		if w.IssueKey == "ACME-6" || w.IssueKey == "OTHER-1" || w.AuthorID != "alice" || w.ProjectKey != "ACME" || w.IssueSummary == "" {
			t.Fatalf("unexpected worklog %+v", w)
		}
	}
	// One search page (4 matching issues with worklogs in range ≤ 100) plus
	// one worklog request for each of the two issues with more than 20.
	if stats.Requests != 3 || stats.Worklogs != want {
		t.Fatalf("stats %+v, want 3 requests", stats)
	}
	keys := map[string]bool{}
	for _, w := range got {
		keys[w.IssueKey] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	if !slices.Equal(ks, []string{"ACME-2", "ACME-3", "ACME-4", "ACME-5"}) {
		t.Fatalf("issues %v", ks)
	}
}
