package jirasim

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseJQL(t *testing.T) {
	tests := []struct {
		jql     string
		wantErr string // substring; "" = valid
		order   int
	}{
		{jql: `project = ACME`},
		{jql: `project in (A, "B C") AND labels != x`},
		{jql: `labels not in (a, b) OR labels is EMPTY`},
		{jql: `NOT (status = "In Progress" OR statusCategory != Done) ORDER BY key DESC, created`, order: 2},
		{jql: `issue.property[remit-invoice].number = "INV-1"`},
		{jql: `key in (ABC-1, ABC-2) and issuetype = Task`},
		{jql: `labels is not empty`},
		{jql: `ORDER BY key`, order: 1},
		{jql: ``},
		{jql: `project = 'single quoted'`},
		{jql: `project ACME`, wantErr: "Expecting operator but got 'ACME'"},
		{jql: `project = ACME AND`, wantErr: "Expecting a field name at the end of the query"},
		{jql: `project = "ACME`, wantErr: "The quoted string 'ACME' has not been completed. (line 1, character 11)"},
		{jql: `project = ACME foo`, wantErr: "Expecting either 'OR' or 'AND' but got 'foo'. (line 1, character 16)"},
		{jql: `(project = ACME`, wantErr: "Expecting ')'"},
		{jql: `project in ACME`, wantErr: "Expecting '(' but got 'ACME'"},
		{jql: `labels is x`, wantErr: "can only be used with EMPTY or NULL"},
		{jql: `assignee = currentUser()`, wantErr: "Unable to find JQL function 'currentUser()'."},
		{jql: `project =`, wantErr: "Expecting either a value, list or function before the end of the query"},
		{jql: `ORDER key`, wantErr: "Expecting 'BY' but got 'key'"},
	}
	for _, tt := range tests {
		t.Run(tt.jql, func(t *testing.T) {
			q, err := parseJQL(tt.jql)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "Error in the JQL Query: ") && !strings.HasPrefix(err.Error(), "Unable") {
					t.Errorf("message %q lacks Jira's prefix", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if len(q.order) != tt.order {
				t.Errorf("order keys = %d, want %d", len(q.order), tt.order)
			}
		})
	}
}

func TestEvaluateJQL(t *testing.T) {
	e := newEnv(t)
	w1 := e.issue(IssueSpec{Labels: []string{"billable"}})
	w2 := e.issue(IssueSpec{Labels: []string{"non-billable"}, IssueType: "Bug"})
	w3 := e.issue(IssueSpec{Status: "Done"})
	b1 := e.issue(IssueSpec{Project: "BILL", Properties: map[string]json.RawMessage{"remit-invoice": json.RawMessage(`{"number":"INV-7","total":120.5}`)}})
	b2 := e.issue(IssueSpec{Project: "BILL", Status: "Sent", Properties: map[string]json.RawMessage{"remit-invoice": json.RawMessage(`{"number":"INV-8","total":99}`)}})
	for _, wl := range []WorklogSpec{
		{Issue: w1, Author: "alice", Started: time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC), TimeSpentSeconds: 60},
		{Issue: w2, Author: "alice", Started: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC), TimeSpentSeconds: 60},
	} {
		if _, err := e.site.AddWorklog(wl); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		jql  string
		want []string // in result order
		err  string
	}{
		{jql: "project = WORK ORDER BY key", want: []string{w1, w2, w3}},
		{jql: "project in (work, Billing) ORDER BY key DESC", want: []string{w3, w2, w1, b2, b1}},
		{jql: "project = WORK AND labels != non-billable ORDER BY key", want: []string{w1}}, // EMPTY labels excluded: Jira's quirk
		{jql: "project = WORK AND (labels not in (non-billable) OR labels is EMPTY) ORDER BY key", want: []string{w1, w3}},
		{jql: "labels = BILLABLE", want: []string{w1}},
		{jql: "project = WORK AND statusCategory != Done ORDER BY key", want: []string{w1, w2}},
		{jql: `status in ("Sent", Overdue)`, want: []string{b2}},
		{jql: "issuetype = Bug", want: []string{w2}},
		{jql: "key = " + strings.ToLower(w2), want: []string{w2}},
		{jql: "issuekey in (" + w1 + ", " + w3 + ") ORDER BY key", want: []string{w1, w3}},
		{jql: `issue.property[remit-invoice].number = "INV-8"`, want: []string{b2}},
		{jql: `issue.property[remit-invoice].total > 100`, want: []string{b1}},
		{jql: "project = WORK AND NOT labels is EMPTY ORDER BY key", want: []string{w1, w2}},
		{jql: "project = BILL ORDER BY created ASC", want: []string{b1, b2}},
		{jql: `project = WORK AND worklogDate >= "2026-10-31" AND worklogDate <= "2026-10-31"`, want: []string{w1}},
		{jql: `project = WORK AND worklogDate > "2026-10-31" ORDER BY key`, want: []string{w2}},
		{jql: `project = WORK AND worklogDate >= 2026-10-01 ORDER BY key`, want: []string{w1, w2}},
		{jql: `worklogDate < "2026-10-31"`, want: nil},
		{jql: `worklogDate in ("2026-10-31")`, err: "is not supported"},
		{jql: "project = NOPE", err: "The value 'NOPE' does not exist for the field 'project'."},
		{jql: "status = Limbo", err: "The value 'Limbo' does not exist for the field 'status'."},
		{jql: "colour = red", err: "Field 'colour' does not exist or you do not have permission to view it."},
		{jql: "issue.property[secret].x = 1", err: "does not exist"}, // not indexed by any app
		{jql: "project ~ WORK", err: "The operator '~' is not supported by the 'project' field."},
		{jql: "project = WORK ORDER BY labels", err: "does not support sorting"},
	}
	for _, tt := range tests {
		t.Run(tt.jql, func(t *testing.T) {
			e.site.mu.Lock()
			got, err := e.site.runJQL(tt.jql)
			e.site.mu.Unlock()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, is := range got {
				keys = append(keys, is.key)
			}
			if !slices.Equal(keys, tt.want) {
				t.Fatalf("got %v, want %v", keys, tt.want)
			}
		})
	}
}
