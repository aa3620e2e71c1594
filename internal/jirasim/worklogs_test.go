package jirasim

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

type worklogPage struct {
	StartAt, MaxResults, Total int
	Worklogs                   []struct {
		ID, IssueID, Started, TimeSpent string
		TimeSpentSeconds                int64
		Comment                         json.RawMessage
		Author                          struct{ AccountID string }
	}
}

func TestWorklogsStartedFilterAndShape(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{})
	day := time.Date(2026, 2, 1, 12, 34, 0, 0, time.UTC)
	for i := range 5 {
		if _, err := e.site.AddWorklog(WorklogSpec{Issue: key, Author: "alice", Started: day.AddDate(0, 0, i), TimeSpentSeconds: 12000, Comment: "work"}); err != nil {
			t.Fatal(err)
		}
	}
	var page worklogPage
	q := fmt.Sprintf("?startedAfter=%d&startedBefore=%d", day.AddDate(0, 0, 1).UnixMilli(), day.AddDate(0, 0, 3).UnixMilli())
	e.mustCall("GET", "/rest/api/2/issue/"+key+"/worklog"+q, nil, 200, &page)
	if page.Total != 2 || page.MaxResults != 5000 || len(page.Worklogs) != 2 {
		t.Fatalf("page = %+v", page)
	}
	w := page.Worklogs[0]
	if w.Started != "2026-02-02T12:34:00.000+0000" || w.TimeSpent != "3h 20m" || w.TimeSpentSeconds != 12000 ||
		string(w.Comment) != `"work"` || w.Author.AccountID != "alice" || w.IssueID == "" {
		t.Fatalf("worklog = %+v", w)
	}
	e.mustCall("GET", "/rest/api/3/issue/"+key+"/worklog?startAt=4&maxResults=10", nil, 200, &page)
	if page.Total != 5 || len(page.Worklogs) != 1 || !strings.HasPrefix(string(page.Worklogs[0].Comment), `{"type":"doc"`) {
		t.Fatalf("v3 page = %+v", page)
	}
}

func TestWorklogWritesAndList(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{})
	var created struct{ ID string }
	e.mustCall("POST", "/rest/api/3/issue/"+key+"/worklog", map[string]any{"started": "2026-02-01T09:00:00.000+0000", "timeSpent": "1h 30m", "comment": adfDoc("x")}, 201, &created)
	e.mustCall("POST", "/rest/api/3/issue/"+key+"/worklog", map[string]any{"started": "2026-02-01T09:00:00.000+0000"}, 400, nil)
	e.mustCall("PUT", "/rest/api/3/issue/"+key+"/worklog/"+created.ID, map[string]any{"timeSpentSeconds": 60}, 200, nil)

	var list []struct {
		ID               string
		TimeSpentSeconds int64
	}
	e.mustCall("POST", "/rest/api/3/worklog/list", map[string]any{"ids": []any{json.Number(created.ID), 1}}, 200, &list)
	if len(list) != 1 || list[0].TimeSpentSeconds != 60 {
		t.Fatalf("list = %+v", list)
	}
	ids := make([]int, 1001)
	var ec errorCollection
	e.mustCall("POST", "/rest/api/3/worklog/list", map[string]any{"ids": ids}, 400, &ec)
	e.mustCall("POST", "/rest/api/3/worklog/list", map[string]any{"ids": []int{}}, 400, nil)
	e.mustCall("DELETE", "/rest/api/3/issue/"+key+"/worklog/"+created.ID, nil, 204, nil)
	e.mustCall("GET", "/rest/api/3/issue/"+key+"/worklog/"+created.ID, nil, 404, nil)
}

func TestWorklogUpdatedFeed(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{})
	var specs []WorklogSpec
	for i := range 2500 {
		specs = append(specs, WorklogSpec{Issue: key, Author: "bob", Started: e.clock.Now(), TimeSpentSeconds: 60,
			Created: e.clock.Now().Add(time.Duration(i/2) * time.Millisecond)}) // pairs share a millisecond
	}
	if _, err := e.site.Seed(SeedData{Worklogs: specs}); err != nil {
		t.Fatal(err)
	}
	// Nothing is older than a minute yet: the last minute is excluded.
	e.clock.Add(30 * time.Second)
	var feed struct {
		Values   []struct{ WorklogID, UpdatedTime int64 }
		Since    int64
		Until    int64
		LastPage bool
		NextPage string
	}
	e.mustCall("GET", "/rest/api/3/worklog/updated?since=0", nil, 200, &feed)
	if len(feed.Values) != 0 || !feed.LastPage {
		t.Fatalf("recent worklogs leaked: %d values", len(feed.Values))
	}
	e.clock.Add(time.Minute)
	seen := map[int64]bool{}
	since, pages := int64(0), 0
	for {
		e.mustCall("GET", fmt.Sprintf("/rest/api/3/worklog/updated?since=%d", since), nil, 200, &feed)
		pages++
		if len(feed.Values) > 1000 {
			t.Fatalf("page of %d", len(feed.Values))
		}
		for _, v := range feed.Values {
			if seen[v.WorklogID] {
				t.Fatalf("duplicate %d", v.WorklogID)
			}
			seen[v.WorklogID] = true
		}
		if feed.LastPage {
			break
		}
		if !strings.HasSuffix(feed.NextPage, fmt.Sprintf("since=%d", feed.Until)) {
			t.Fatalf("nextPage %q, until %d", feed.NextPage, feed.Until)
		}
		since = feed.Until
	}
	if len(seen) != 2500 || pages != 3 {
		t.Fatalf("seen %d worklogs in %d pages", len(seen), pages)
	}
	// Deletions show up in /worklog/deleted once a minute old.
	gone := feed.Values[0].WorklogID
	if err := e.site.DeleteWorklog(fmt.Sprint(gone)); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(61 * time.Second)
	e.mustCall("GET", "/rest/api/3/worklog/deleted?since=0", nil, 200, &feed)
	if len(feed.Values) != 1 || feed.Values[0].WorklogID != gone {
		t.Fatalf("deleted feed = %+v", feed.Values)
	}
}
