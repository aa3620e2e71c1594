package jira

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// searchPath is Jira's enhanced search (token paging).
const searchPath = "/rest/api/3/search/jql"

func issuePath(key string) string { return "/rest/api/3/issue/" + url.PathEscape(key) }

// CheckJQL runs the query for one issue id: Jira answers 400 for a query
// it refuses, which comes back as Invalid with the *APIError.
func (c *Client) CheckJQL(ctx context.Context, jql string) error {
	body := map[string]any{"jql": jql, "maxResults": 1, "fields": []string{"id"}}
	_, err := c.Do(ctx, http.MethodPost, searchPath, nil, body, nil)
	return err
}

// IssueWorklogs pages through all worklogs of one issue; worklogs whose
// id is not numeric are left out.
func (c *Client) IssueWorklogs(ctx context.Context, issueKey string) ([]LoggedTime, error) {
	var out []LoggedTime
	for startAt := 0; ; {
		var page struct {
			Total    int `json:"total"`
			Worklogs []struct {
				ID               string `json:"id"`
				TimeSpentSeconds int64  `json:"timeSpentSeconds"`
			} `json:"worklogs"`
		}
		q := url.Values{"startAt": {strconv.Itoa(startAt)}, "maxResults": {"5000"}}
		if _, err := c.Do(ctx, http.MethodGet, issuePath(issueKey)+"/worklog", q, nil, &page); err != nil {
			return out, err
		}
		for _, w := range page.Worklogs {
			id, err := strconv.ParseInt(w.ID, 10, 64)
			if err != nil {
				continue
			}
			out = append(out, LoggedTime{ID: id, Seconds: w.TimeSpentSeconds})
		}
		startAt += len(page.Worklogs)
		if len(page.Worklogs) == 0 || startAt >= page.Total {
			return out, nil
		}
	}
}

// FindIssueByProperty searches project for an issue whose property has
// value at path, e.g. issue.property[remit-invoice].number = "INV-1".
func (c *Client) FindIssueByProperty(ctx context.Context, project, property, path, value string) (IssueRef, bool, error) {
	var found struct {
		Issues []struct {
			ID  string `json:"id"`
			Key string `json:"key"`
		} `json:"issues"`
	}
	jql := fmt.Sprintf(`project = "%s" AND issue.property[%s].%s = "%s"`, project, property, path, jqlEscape(value))
	body := map[string]any{"jql": jql, "fields": []string{"key"}, "maxResults": 2}
	if _, err := c.Do(ctx, http.MethodPost, searchPath, nil, body, &found); err != nil {
		return IssueRef{}, false, err
	}
	if len(found.Issues) == 0 {
		return IssueRef{}, false, nil
	}
	return IssueRef{ID: found.Issues[0].ID, Key: found.Issues[0].Key}, true, nil
}

// jqlEscape escapes a value for a double-quoted JQL string.
func jqlEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// CreateIssue creates the issue with its properties. A lost answer comes
// back as *UncertainError: the issue may exist.
func (c *Client) CreateIssue(ctx context.Context, in NewIssue) (IssueRef, error) {
	props := make([]any, 0, len(in.Properties))
	for _, k := range slices.Sorted(maps.Keys(in.Properties)) {
		props = append(props, map[string]any{"key": k, "value": in.Properties[k]})
	}
	create := map[string]any{
		"fields": map[string]any{
			"project":     map[string]string{"key": in.Project},
			"issuetype":   map[string]string{"name": in.IssueType},
			"summary":     in.Summary,
			"description": in.Description,
		},
		"properties": props,
	}
	var created struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	if _, err := c.Do(ctx, http.MethodPost, "/rest/api/3/issue", nil, create, &created); err != nil {
		return IssueRef{}, err
	}
	return IssueRef{ID: created.ID, Key: created.Key}, nil
}

// LinkIssues creates an issue link of linkType (such as "Relates").
func (c *Client) LinkIssues(ctx context.Context, linkType, inwardKey, outwardKey string) error {
	body := map[string]any{
		"type":         map[string]string{"name": linkType},
		"inwardIssue":  map[string]string{"key": inwardKey},
		"outwardIssue": map[string]string{"key": outwardKey},
	}
	_, err := c.Do(ctx, http.MethodPost, "/rest/api/3/issueLink", nil, body, nil)
	return err
}

// SetIssueProperty puts an entity property on the issue.
func (c *Client) SetIssueProperty(ctx context.Context, issueKey, property string, value any) error {
	_, err := c.Do(ctx, http.MethodPut, issuePath(issueKey)+"/properties/"+url.PathEscape(property), nil, value, nil)
	return err
}

// IssueStatus reads the name of the issue's status.
func (c *Client) IssueStatus(ctx context.Context, issueKey string) (string, error) {
	var is struct {
		Fields struct {
			Status struct {
				Name string `json:"name"`
			} `json:"status"`
		} `json:"fields"`
	}
	if _, err := c.Do(ctx, http.MethodGet, issuePath(issueKey), url.Values{"fields": {"status"}}, nil, &is); err != nil {
		return "", err
	}
	return is.Fields.Status.Name, nil
}

// Transitions lists the transitions available from the issue's status.
func (c *Client) Transitions(ctx context.Context, issueKey string) ([]Transition, error) {
	var tr struct {
		Transitions []struct {
			ID string `json:"id"`
			To struct {
				Name string `json:"name"`
			} `json:"to"`
		} `json:"transitions"`
	}
	if _, err := c.Do(ctx, http.MethodGet, issuePath(issueKey)+"/transitions", nil, nil, &tr); err != nil {
		return nil, err
	}
	out := make([]Transition, len(tr.Transitions))
	for i, t := range tr.Transitions {
		out[i] = Transition{ID: t.ID, To: t.To.Name}
	}
	return out, nil
}

// Transition makes the transition with the given id.
func (c *Client) Transition(ctx context.Context, issueKey, transitionID string) error {
	body := map[string]any{"transition": map[string]string{"id": transitionID}}
	_, err := c.Do(ctx, http.MethodPost, issuePath(issueKey)+"/transitions", nil, body, nil)
	return err
}

// AddComment posts a comment whose body is the ADF document doc, with
// its comment properties set in the same call (the properties field of
// the create body).
func (c *Client) AddComment(ctx context.Context, issueKey string, doc any, props ...EntityProperty) (string, error) {
	var created struct {
		ID string `json:"id"`
	}
	body := map[string]any{"body": doc}
	if len(props) > 0 {
		body["properties"] = props
	}
	if _, err := c.Do(ctx, http.MethodPost, issuePath(issueKey)+"/comment", nil, body, &created); err != nil {
		return "", err
	}
	return created.ID, nil
}

// IssueLabels reads one page (up to 100) of the issues jql selects, with
// their labels.
func (c *Client) IssueLabels(ctx context.Context, jql, pageToken string) (LabelPage, error) {
	body := map[string]any{"jql": jql, "fields": []string{"labels"}, "maxResults": 100}
	if pageToken != "" {
		body["nextPageToken"] = pageToken
	}
	var page struct {
		Issues []struct {
			Key    string `json:"key"`
			Fields struct {
				Labels []string `json:"labels"`
			} `json:"fields"`
		} `json:"issues"`
		NextPageToken string `json:"nextPageToken"`
	}
	if _, err := c.Do(ctx, http.MethodPost, searchPath, nil, body, &page); err != nil {
		return LabelPage{}, err
	}
	out := LabelPage{NextPageToken: page.NextPageToken, Issues: make([]IssueLabelsOf, len(page.Issues))}
	for i, is := range page.Issues {
		out.Issues[i] = IssueLabelsOf{Key: is.Key, Labels: is.Fields.Labels}
	}
	return out, nil
}

// AddLabel adds label to the issue's labels.
func (c *Client) AddLabel(ctx context.Context, issueKey, label string) error {
	update := map[string]any{"update": map[string]any{"labels": []any{map[string]string{"add": label}}}}
	_, err := c.Do(ctx, http.MethodPut, issuePath(issueKey), nil, update, nil)
	return err
}

// RemoveLabel removes label from the issue's labels; removing a label the
// issue does not have is a no-op.
func (c *Client) RemoveLabel(ctx context.Context, issueKey, label string) error {
	update := map[string]any{"update": map[string]any{"labels": []any{map[string]string{"remove": label}}}}
	_, err := c.Do(ctx, http.MethodPut, issuePath(issueKey), nil, update, nil)
	return err
}
