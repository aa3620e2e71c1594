package jira

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/remitapp/remit/internal/invoice"
)

// WorklogQuery selects billable time: the issues matched by JQL and, of
// their worklogs, those started in [From, To).
type WorklogQuery struct {
	JQL      string
	From, To time.Time
}

// WorklogStats says what a fetch cost; the Jira requests per 1,000
// worklogs is a tracked figure (docs/performance.md).
type WorklogStats struct {
	Requests int // Jira requests made
	Issues   int // issues the search matched
	Worklogs int // worklogs returned in the period
}

const (
	searchPageSize   = 100  // Jira's cap when fields beyond id/key are requested
	embeddedWorklogs = 20   // Jira embeds at most this many worklogs per issue in search results
	worklogPageSize  = 5000 // Jira's cap for the per-issue worklog endpoint
	worklogFetchers  = 4    // issues with more than 20 worklogs fetched in parallel
)

type searchPage struct {
	Issues []struct {
		ID     string `json:"id"`
		Key    string `json:"key"`
		Fields struct {
			Summary string `json:"summary"`
			Project struct {
				Key string `json:"key"`
			} `json:"project"`
			Worklog *worklogPage `json:"worklog"`
		} `json:"fields"`
	} `json:"issues"`
	NextPageToken string `json:"nextPageToken"`
	IsLast        bool   `json:"isLast"`
}

type worklogPage struct {
	StartAt    int          `json:"startAt"`
	MaxResults int          `json:"maxResults"`
	Total      int          `json:"total"`
	Worklogs   []worklogDTO `json:"worklogs"`
}

type worklogDTO struct {
	ID      string `json:"id"`
	IssueID string `json:"issueId"`
	Author  struct {
		AccountID string `json:"accountId"`
	} `json:"author"`
	Started          string `json:"started"`
	TimeSpentSeconds int64  `json:"timeSpentSeconds"`
}

// jiraTime is how Jira writes instants: 2021-01-17T12:34:00.000+0000.
const jiraTime = "2006-01-02T15:04:05.000-0700"

// Worklogs returns the worklogs of the issues q.JQL matches whose start
// falls in [q.From, q.To), with the fewest requests Jira allows: the
// search embeds up to 20 worklogs per issue, so only issues with more are
// fetched again, through the per-issue endpoint filtered by start time.
// The JQL is narrowed with worklogDate (widened by a day each side, since
// Jira evaluates dates in its own zone) and every worklog is then checked
// against the exact instants.
func (c *Client) Worklogs(ctx context.Context, q WorklogQuery) ([]invoice.Worklog, WorklogStats, error) {
	var stats WorklogStats
	jql := fmt.Sprintf(`(%s) AND worklogDate >= "%s" AND worklogDate <= "%s" ORDER BY key ASC`,
		q.JQL, q.From.UTC().AddDate(0, 0, -1).Format(time.DateOnly), q.To.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
	type issueRef struct{ id, key, summary, project string }
	var out []invoice.Worklog
	var refetch []issueRef
	token := ""
	for {
		body := map[string]any{"jql": jql, "fields": []string{"summary", "project", "worklog"}, "maxResults": searchPageSize}
		if token != "" {
			body["nextPageToken"] = token
		}
		var page searchPage
		stats.Requests++
		if _, err := c.Do(ctx, http.MethodPost, "/rest/api/3/search/jql", nil, body, &page); err != nil {
			return nil, stats, err
		}
		for _, is := range page.Issues {
			stats.Issues++
			ref := issueRef{is.ID, is.Key, is.Fields.Summary, is.Fields.Project.Key}
			wl := is.Fields.Worklog
			if wl == nil || wl.Total > len(wl.Worklogs) {
				refetch = append(refetch, ref)
				continue
			}
			for _, w := range wl.Worklogs {
				if iw, ok, err := toWorklog(w, ref.id, ref.key, ref.summary, ref.project, q); err != nil {
					return nil, stats, err
				} else if ok {
					out = append(out, iw)
				}
			}
		}
		if page.IsLast || page.NextPageToken == "" || len(page.Issues) == 0 {
			break
		}
		token = page.NextPageToken
	}

	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		next     = make(chan issueRef)
	)
	for range min(worklogFetchers, len(refetch)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ref := range next {
				got, n, err := c.issueWorklogs(ctx, ref.id, q)
				mu.Lock()
				stats.Requests += n
				if err != nil && firstErr == nil {
					firstErr = err
				}
				for _, w := range got {
					if iw, ok, err := toWorklog(w, ref.id, ref.key, ref.summary, ref.project, q); err != nil && firstErr == nil {
						firstErr = err
					} else if ok {
						out = append(out, iw)
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, ref := range refetch {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		next <- ref
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, stats, firstErr
	}
	stats.Worklogs = len(out)
	return out, stats, nil
}

// issueWorklogs pages through one issue's worklogs started near the period.
func (c *Client) issueWorklogs(ctx context.Context, issueID string, q WorklogQuery) ([]worklogDTO, int, error) {
	var all []worklogDTO
	requests := 0
	for startAt := 0; ; {
		v := url.Values{
			"startAt":    {strconv.Itoa(startAt)},
			"maxResults": {strconv.Itoa(worklogPageSize)},
			// One millisecond of slack each side: Jira's docs leave the
			// bounds' inclusiveness open; the exact check is ours.
			"startedAfter":  {strconv.FormatInt(q.From.UnixMilli()-1, 10)},
			"startedBefore": {strconv.FormatInt(q.To.UnixMilli()+1, 10)},
		}
		var page worklogPage
		requests++
		if _, err := c.Do(ctx, http.MethodGet, "/rest/api/3/issue/"+url.PathEscape(issueID)+"/worklog", v, nil, &page); err != nil {
			return nil, requests, err
		}
		all = append(all, page.Worklogs...)
		startAt += len(page.Worklogs)
		if len(page.Worklogs) == 0 || startAt >= page.Total {
			return all, requests, nil
		}
	}
}

func toWorklog(w worklogDTO, issueID, key, summary, project string, q WorklogQuery) (invoice.Worklog, bool, error) {
	started, err := time.Parse(jiraTime, w.Started)
	if err != nil {
		return invoice.Worklog{}, false, fmt.Errorf("jira: worklog %s of %s: bad started %q", w.ID, key, w.Started)
	}
	if started.Before(q.From) || !started.Before(q.To) {
		return invoice.Worklog{}, false, nil
	}
	id, err := strconv.ParseInt(w.ID, 10, 64)
	if err != nil {
		return invoice.Worklog{}, false, fmt.Errorf("jira: worklog id %q of %s is not numeric", w.ID, key)
	}
	if w.IssueID != "" {
		issueID = w.IssueID
	}
	return invoice.Worklog{
		ID: id, IssueID: issueID, IssueKey: key, IssueSummary: summary, ProjectKey: project,
		AuthorID: w.Author.AccountID, Started: started, Seconds: w.TimeSpentSeconds,
	}, true, nil
}
