package jirasim

import (
	"net/http"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/remitapp/remit/internal/connect"
)

// signer is a Connect JWT RoundTripper with the standard qsh, the way
// Remit's client must sign (go-jira's own transport gets qsh wrong).
type signer struct{ e *env }

func (s signer) RoundTrip(r *http.Request) (*http.Response, error) {
	tok, err := connect.SignRequest(s.e.inst.SharedSecret, s.e.inst.AppKey, "", r.Method, r.URL, s.e.site.ContextPath(), s.e.clock.Now(), time.Minute)
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "JWT "+tok)
	return http.DefaultTransport.RoundTrip(r)
}

func TestGoJiraV2Client(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{Summary: "Billable work"})
	client, err := jira.NewClient(&http.Client{Transport: signer{e}}, e.site.BaseURL()+"/")
	if err != nil {
		t.Fatal(err)
	}
	issues, resp, err := client.Issue.SearchV2JQL("project = WORK", &jira.SearchOptionsV2{Fields: []string{"summary", "worklog"}, MaxResults: 10})
	if err != nil || len(issues) != 1 || issues[0].Fields.Summary != "Billable work" || !resp.IsLast {
		t.Fatalf("search: %v %+v", err, issues)
	}
	started := jira.Time(time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC))
	wl, _, err := client.Issue.AddWorklogRecord(key, &jira.WorklogRecord{Started: &started, TimeSpentSeconds: 5400, Comment: "pairing"})
	if err != nil || wl.TimeSpent != "1h 30m" || wl.Comment != "pairing" {
		t.Fatalf("worklog: %v %+v", err, wl)
	}
	got, _, err := client.Issue.GetWorklogs(key)
	if err != nil || got.Total != 1 || !time.Time(*got.Worklogs[0].Started).Equal(time.Time(started)) {
		t.Fatalf("worklogs: %v %+v", err, got)
	}
	if _, _, err := client.Issue.AddComment(key, &jira.Comment{Body: "Invoiced on INV-1"}); err != nil {
		t.Fatal(err)
	}
	if c := e.site.Comments(key); len(c) != 1 || c[0].Text != "Invoiced on INV-1" {
		t.Fatalf("comments = %+v", c)
	}
}
