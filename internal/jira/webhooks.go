package jira

import (
	"encoding/json"
	"strings"
)

// Jira's webhook bodies use the REST v2 representation (docs/connect.md
// §4.4). The types below are the parts of them Remit reads; each decoder
// reads only its event's fields, so a field Remit ignores never fails a
// delivery.

// WebhookEventName is a delivery's webhookEvent (e.g. "jira:issue_updated"),
// for routing it to its handler.
func WebhookEventName(payload []byte) (string, error) {
	var p struct {
		WebhookEvent string `json:"webhookEvent"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		return "", err
	}
	return p.WebhookEvent, nil
}

// IssueEvent is what Remit reads of jira:issue_updated and
// jira:issue_deleted: when, by whom, which issue, and the changelog.
type IssueEvent struct {
	Timestamp int64        // milliseconds; 0 when absent
	User      *WebhookUser // nil when Jira names nobody
	Issue     IssueRef
	Changelog []ChangelogItem
}

// WebhookUser is the person (or app) an event names.
type WebhookUser struct {
	AccountID   string `json:"accountId"`
	AccountType string `json:"accountType"` // "app" for an app user, such as Remit's own
}

// ChangelogItem is one field an issue event changed.
type ChangelogItem struct {
	Field      string `json:"field"`
	FromString string `json:"fromString"`
	ToString   string `json:"toString"`
}

// DecodeIssueEvent reads a jira:issue_updated or jira:issue_deleted body.
func DecodeIssueEvent(payload []byte) (IssueEvent, error) {
	var wire struct {
		Timestamp int64        `json:"timestamp"`
		User      *WebhookUser `json:"user"`
		Issue     struct {
			ID  string `json:"id"`
			Key string `json:"key"`
		} `json:"issue"`
		Changelog *struct {
			Items []ChangelogItem `json:"items"`
		} `json:"changelog"`
	}
	if err := json.Unmarshal(payload, &wire); err != nil {
		return IssueEvent{}, err
	}
	ev := IssueEvent{Timestamp: wire.Timestamp, User: wire.User, Issue: IssueRef{ID: wire.Issue.ID, Key: wire.Issue.Key}}
	if wire.Changelog != nil {
		ev.Changelog = wire.Changelog.Items
	}
	return ev, nil
}

// StatusTo is the status the changelog moved the issue to, if it did.
func (ev IssueEvent) StatusTo() (string, bool) {
	_, to, ok := ev.StatusChange()
	return to, ok
}

// StatusChange is the status an issue event moved the issue from and to;
// ok is false when the event did not change the status.
func (ev IssueEvent) StatusChange() (from, to string, ok bool) {
	for _, it := range ev.Changelog {
		if strings.EqualFold(it.Field, "status") {
			return it.FromString, it.ToString, true
		}
	}
	return "", "", false
}

// WorklogEvent is what Remit reads of worklog_updated and
// worklog_deleted; like Jira's, it names the issue by id only.
type WorklogEvent struct {
	Timestamp        int64  // milliseconds; 0 when absent
	WorklogID        string // a number, as a string
	IssueID          string // "" when absent
	TimeSpentSeconds int64
}

// DecodeWorklogEvent reads a worklog_updated or worklog_deleted body.
func DecodeWorklogEvent(payload []byte) (WorklogEvent, error) {
	var wire struct {
		Timestamp int64 `json:"timestamp"`
		Worklog   struct {
			ID               string `json:"id"`
			IssueID          string `json:"issueId"`
			TimeSpentSeconds int64  `json:"timeSpentSeconds"`
		} `json:"worklog"`
	}
	if err := json.Unmarshal(payload, &wire); err != nil {
		return WorklogEvent{}, err
	}
	return WorklogEvent{Timestamp: wire.Timestamp, WorklogID: wire.Worklog.ID, IssueID: wire.Worklog.IssueID,
		TimeSpentSeconds: wire.Worklog.TimeSpentSeconds}, nil
}
