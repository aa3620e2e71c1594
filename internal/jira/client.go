package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/remitapp/remit/internal/remit"
)

// Client talks to one tenant's Jira site. Both Raw (go-jira, REST v2) and
// Do (any REST path, used for v3) go through the same signing, retry and
// metrics transports.
type Client struct {
	raw       *gojira.Client
	http      *http.Client
	base      *url.URL
	clientKey string
	appKey    string // the Connect app key; "" for a Forge installation
	now       func() time.Time
	ids       *projectIDCache
}

// Raw is the go-jira client for the calls it already models (issues,
// comments, transitions, search via SearchV2JQL). Turn its errors into
// domain errors with Classify.
func (c *Client) Raw() *gojira.Client { return c.raw }

// ClientKey is the tenant this client acts for.
func (c *Client) ClientKey() string { return c.clientKey }

// Do sends one request to the site and decodes a 2xx JSON answer into
// out (when out is non-nil). path is the escaped path below the site base
// URL, e.g. "/rest/api/3/issue/"+url.PathEscape(key)+"/comment"; body,
// when non-nil, is sent as JSON. The returned response has its body
// already consumed and closed; it is non-nil whenever Jira answered, so
// callers can read headers and status. A non-2xx answer comes back as a
// *remit.Error wrapping *APIError.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body any, out any) (*http.Response, error) {
	u, err := c.url(path, query)
	if err != nil {
		return nil, err
	}
	op := "jira " + method + " " + Endpoint(u.EscapedPath())
	var rdr io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s: encode body: %w", op, err)
		}
		rdr = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rdr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, classifyTransport(op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, classify(op, decodeAPIError(resp, c.now()))
	}
	defer drain(resp.Body)
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return resp, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil && err != io.EOF {
		return resp, fmt.Errorf("%s: decode response: %w", op, err)
	}
	return resp, nil
}

// url joins an escaped path (and query) to the site base URL, keeping the
// site's context path.
func (c *Client) url(path string, query url.Values) (*url.URL, error) {
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("jira: path %q must start with /", path)
	}
	ref, err := url.Parse(path)
	if err != nil || ref.Scheme != "" || ref.Host != "" {
		return nil, fmt.Errorf("jira: invalid path %q", path)
	}
	u := *c.base
	basePath := strings.TrimSuffix(c.base.Path, "/")
	u.Path = basePath + ref.Path
	u.RawPath = ""
	if ref.RawPath != "" {
		u.RawPath = strings.TrimSuffix(c.base.EscapedPath(), "/") + ref.RawPath
	}
	u.RawQuery = ref.RawQuery
	if len(query) > 0 {
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += query.Encode()
	}
	return &u, nil
}

// Myself returns the user Remit acts as on this site (the app's user).
// It is the cheapest authenticated call, used to check a fresh install.
func (c *Client) Myself(ctx context.Context) (*gojira.User, error) {
	var u gojira.User
	if _, err := c.Do(ctx, http.MethodGet, "/rest/api/3/myself", nil, nil, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// Project fetches a project by key or id; settings use it to check that
// the billing project exists (NotFound otherwise).
func (c *Client) Project(ctx context.Context, keyOrID string) (*gojira.Project, error) {
	var p gojira.Project
	if _, err := c.Do(ctx, http.MethodGet, "/rest/api/3/project/"+url.PathEscape(keyOrID), nil, nil, &p); err != nil {
		return nil, err
	}
	if p.ID != "" {
		c.ids.put(c.clientKey, p.Key, p.ID, c.now())
	}
	return &p, nil
}

// ProjectStatuses lists the names of the statuses a project's issue
// types use, each once in the order Jira lists them, so settings can offer
// them as choices.
func (c *Client) ProjectStatuses(ctx context.Context, keyOrID string) ([]string, error) {
	var types []struct {
		Statuses []struct {
			Name string `json:"name"`
		} `json:"statuses"`
	}
	if _, err := c.Do(ctx, http.MethodGet, "/rest/api/3/project/"+url.PathEscape(keyOrID)+"/statuses", nil, nil, &types); err != nil {
		return nil, err
	}
	var names []string
	seen := map[string]bool{}
	for _, it := range types {
		for _, st := range it.Statuses {
			if k := strings.ToLower(st.Name); st.Name != "" && !seen[k] {
				seen[k] = true
				names = append(names, st.Name)
			}
		}
	}
	return names, nil
}

// IssueTypesForProject lists the issue types usable in a project (by its
// numeric id), so settings can check the configured invoice issue type.
func (c *Client) IssueTypesForProject(ctx context.Context, projectID string) ([]gojira.IssueType, error) {
	if !isDigits(projectID) || projectID == "" {
		return nil, remit.Errorf(remit.Invalid, "jira.IssueTypesForProject", "project id %q is not numeric", projectID)
	}
	var types []gojira.IssueType
	q := url.Values{"projectId": {projectID}}
	if _, err := c.Do(ctx, http.MethodGet, "/rest/api/3/issuetype/project", q, nil, &types); err != nil {
		return nil, err
	}
	return types, nil
}
