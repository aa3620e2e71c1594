package jirasim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

type searchPage struct {
	Issues        []map[string]json.RawMessage `json:"issues"`
	NextPageToken *string                      `json:"nextPageToken"`
	IsLast        bool                         `json:"isLast"`
	Total         *int                         `json:"total"`
}

func TestSearchPagesWithNextPageToken(t *testing.T) {
	e := newEnv(t)
	var specs []IssueSpec
	for i := range 250 {
		specs = append(specs, IssueSpec{Project: "WORK", Summary: fmt.Sprintf("issue %d", i)})
	}
	if _, err := e.site.Seed(SeedData{Issues: specs}); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			seen := map[string]bool{}
			token, pages := "", 0
			for {
				var page searchPage
				if method == "GET" {
					q := url.Values{"jql": {"project = WORK ORDER BY key"}, "maxResults": {"100"}, "fields": {"summary"}}
					if token != "" {
						q.Set("nextPageToken", token)
					}
					e.mustCall("GET", "/rest/api/3/search/jql?"+q.Encode(), nil, 200, &page)
				} else {
					body := map[string]any{"jql": "project = WORK ORDER BY key", "maxResults": 100, "fields": []string{"summary"}, "nextPageToken": token}
					e.mustCall("POST", "/rest/api/3/search/jql", body, 200, &page)
				}
				pages++
				if page.Total != nil {
					t.Fatal("enhanced search must not report total")
				}
				for _, is := range page.Issues {
					var key string
					_ = json.Unmarshal(is["key"], &key)
					if seen[key] {
						t.Fatalf("duplicate %s on page %d", key, pages)
					}
					seen[key] = true
				}
				if page.IsLast {
					if page.NextPageToken != nil {
						t.Fatal("last page carries a nextPageToken")
					}
					break
				}
				if page.NextPageToken == nil || len(page.Issues) != 100 {
					t.Fatalf("page %d: %d issues, token %v", pages, len(page.Issues), page.NextPageToken)
				}
				token = *page.NextPageToken
			}
			if pages != 3 || len(seen) != 250 {
				t.Fatalf("pages = %d, issues = %d; want 3 and 250", pages, len(seen))
			}
			for i := 1; i <= 250; i++ {
				if !seen[fmt.Sprintf("WORK-%d", i)] {
					t.Fatalf("WORK-%d missing", i)
				}
			}
		})
	}
}

func TestSearchPageSizeCaps(t *testing.T) {
	e := newEnv(t)
	var specs []IssueSpec
	for range 160 {
		specs = append(specs, IssueSpec{Project: "WORK", Summary: "x"})
	}
	if _, err := e.site.Seed(SeedData{Issues: specs}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  int
	}{
		{"jql=project%3DWORK", 50},                                 // default
		{"jql=project%3DWORK&maxResults=1000", 160},                // id only: up to 5000
		{"jql=project%3DWORK&maxResults=1000&fields=key", 160},     // key only too
		{"jql=project%3DWORK&maxResults=1000&fields=summary", 100}, // otherwise 100
	}
	for _, tt := range tests {
		var page searchPage
		e.mustCall("GET", "/rest/api/3/search/jql?"+tt.query, nil, 200, &page)
		if len(page.Issues) != tt.want {
			t.Errorf("%s: %d issues, want %d", tt.query, len(page.Issues), tt.want)
		}
	}
}

func TestSearchFields(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{Summary: "Design", Labels: []string{"billable"}})
	for i := range 25 {
		if _, err := e.site.AddWorklog(WorklogSpec{Issue: key, Author: "alice", Started: e.clock.Now().Add(time.Duration(i) * time.Hour), TimeSpentSeconds: 600}); err != nil {
			t.Fatal(err)
		}
	}
	get := func(fields string) map[string]json.RawMessage {
		var page searchPage
		q := "jql=" + url.QueryEscape("key = "+key)
		if fields != "" {
			q += "&fields=" + url.QueryEscape(fields)
		}
		e.mustCall("GET", "/rest/api/3/search/jql?"+q, nil, 200, &page)
		if len(page.Issues) != 1 {
			t.Fatalf("fields=%q: %d issues", fields, len(page.Issues))
		}
		return page.Issues[0]
	}
	fieldNames := func(is map[string]json.RawMessage) map[string]json.RawMessage {
		var f map[string]json.RawMessage
		_ = json.Unmarshal(is["fields"], &f)
		return f
	}

	if is := get(""); len(is) != 1 || is["id"] == nil {
		t.Fatalf("default must be id only, got %v", is)
	}
	named := fieldNames(get("summary,labels"))
	if len(named) != 2 || string(named["summary"]) != `"Design"` || string(named["labels"]) != `["billable"]` {
		t.Fatalf("named fields = %v", named)
	}
	all := fieldNames(get("*all,-comment"))
	for _, f := range []string{"summary", "status", "issuetype", "project", "created", "worklog", "labels"} {
		if all[f] == nil {
			t.Errorf("*all lacks %s", f)
		}
	}
	if all["comment"] != nil {
		t.Error("-comment did not exclude comment")
	}
	if nav := fieldNames(get("*navigable")); nav["worklog"] != nil || nav["summary"] == nil {
		t.Errorf("*navigable = %v", nav)
	}
	var wl struct {
		StartAt, MaxResults, Total int
		Worklogs                   []json.RawMessage
	}
	_ = json.Unmarshal(all["worklog"], &wl)
	if wl.Total != 25 || len(wl.Worklogs) != 20 || wl.MaxResults != 20 {
		t.Fatalf("embedded worklog = total %d, %d entries, max %d; want 25, 20, 20", wl.Total, len(wl.Worklogs), wl.MaxResults)
	}
}

func TestSearchErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		method, path string
		body         any
		status       int
		msg          string
	}{
		{"GET", "/rest/api/3/search?jql=project%3DWORK", nil, 410, "The requested API has been removed"},
		{"POST", "/rest/api/2/search", map[string]any{"jql": "project=WORK"}, 410, "/rest/api/3/search/jql"},
		{"GET", "/rest/api/3/search/jql?jql=", nil, 400, "Unbounded JQL queries are not allowed here"},
		{"GET", "/rest/api/3/search/jql?jql=" + url.QueryEscape("ORDER BY key"), nil, 400, "Unbounded JQL"},
		{"GET", "/rest/api/3/search/jql?jql=" + url.QueryEscape("foo = bar"), nil, 400, "Field 'foo' does not exist"},
		{"GET", "/rest/api/3/search/jql?jql=" + url.QueryEscape("project WORK"), nil, 400, "Error in the JQL Query: Expecting operator"},
		{"GET", "/rest/api/3/search/jql?jql=project%3DWORK&nextPageToken=bogus", nil, 400, "next page token"},
		{"GET", "/rest/api/3/search/jql?jql=project%3DWORK&properties=a,b,c,d,e,f", nil, 400, "at most 5"},
		{"POST", "/rest/api/3/search/approximate-count", map[string]any{"jql": ""}, 400, "Unbounded"},
	}
	for _, tt := range tests {
		status, body, _ := e.call(tt.method, tt.path, tt.body)
		var ec errorCollection
		_ = json.Unmarshal(body, &ec)
		if status != tt.status || len(ec.ErrorMessages) != 1 || !strings.Contains(ec.ErrorMessages[0], tt.msg) || ec.Errors == nil {
			t.Errorf("%s %s: %d %s; want %d with %q", tt.method, tt.path, status, body, tt.status, tt.msg)
		}
	}
}

func TestApproximateCountAndV2Search(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{Description: "line one\nline two"})
	e.issue(IssueSpec{})
	var count struct{ Count int }
	e.mustCall("POST", "/rest/api/3/search/approximate-count", map[string]string{"jql": "project = WORK"}, 200, &count)
	if count.Count != 2 {
		t.Fatalf("count = %d", count.Count)
	}
	var page searchPage
	e.mustCall("GET", "/rest/api/2/search/jql?jql="+url.QueryEscape("key = "+key)+"&fields=description", nil, 200, &page)
	var f struct{ Description string }
	_ = json.Unmarshal(page.Issues[0]["fields"], &f)
	if f.Description != "line one\nline two" {
		t.Fatalf("v2 description = %q", f.Description)
	}
}
