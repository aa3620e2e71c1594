package jira_test

import (
	"testing"

	"github.com/remitapp/remit/internal/jira"
)

// TestDecodeIssueEvent reads the parts of a REST v2 issue event Remit
// uses, from a body shaped as Jira sends it (docs/connect.md §4.4).
func TestDecodeIssueEvent(t *testing.T) {
	t.Parallel()
	body := []byte(`{"timestamp":1765000000000,"webhookEvent":"jira:issue_updated","issue_event_type_name":"issue_generic",
		"user":{"self":"https://x/rest/api/2/user?accountId=a1","accountId":"a1","accountType":"atlassian"},
		"issue":{"id":"10001","key":"BILL-1","self":"https://x/rest/api/2/issue/10001","fields":{"summary":"Invoice"}},
		"changelog":{"id":"1","items":[{"field":"assignee","toString":"Ann"},{"field":"Status","fromString":"Open","toString":"Paid"}]}}`)
	ev, err := jira.DecodeIssueEvent(body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Timestamp != 1765000000000 || ev.User == nil || ev.User.AccountID != "a1" || ev.User.AccountType != "atlassian" ||
		ev.Issue != (jira.IssueRef{ID: "10001", Key: "BILL-1"}) {
		t.Errorf("event = %+v", ev)
	}
	if to, ok := ev.StatusTo(); !ok || to != "Paid" {
		t.Errorf("StatusTo = %q, %v", to, ok)
	}
	if name, err := jira.WebhookEventName(body); err != nil || name != "jira:issue_updated" {
		t.Errorf("WebhookEventName = %q, %v", name, err)
	}
	bare, err := jira.DecodeIssueEvent([]byte(`{"issue":{"id":"1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := bare.StatusTo(); ok || bare.User != nil {
		t.Errorf("an event without changelog or user = %+v", bare)
	}
	if _, err := jira.DecodeIssueEvent([]byte(`{"issue":[]}`)); err == nil {
		t.Error("a malformed issue decoded")
	}
}

// TestDecodeWorklogEvent reads a worklog event, which names the issue by
// id only.
func TestDecodeWorklogEvent(t *testing.T) {
	t.Parallel()
	ev, err := jira.DecodeWorklogEvent([]byte(`{"timestamp":5,"webhookEvent":"worklog_updated",
		"worklog":{"id":"10200","issueId":"10001","timeSpent":"2h","timeSpentSeconds":7200,"author":{"accountId":"a1"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := (jira.WorklogEvent{Timestamp: 5, WorklogID: "10200", IssueID: "10001", TimeSpentSeconds: 7200}); ev != want {
		t.Errorf("event = %+v, want %+v", ev, want)
	}
	if _, err := jira.DecodeWorklogEvent([]byte(`{"worklog":{"id":10200}}`)); err == nil {
		t.Error("a numeric worklog id decoded; Jira sends a string")
	}
}
