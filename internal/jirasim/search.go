package jirasim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

const (
	msgUnbounded  = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
	msgSearchGone = "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)

// searchRequest is SearchAndReconcileRequestBean (POST) or the same
// parameters from the query string (GET).
type searchRequest struct {
	JQL             string   `json:"jql"`
	NextPageToken   string   `json:"nextPageToken"`
	MaxResults      int      `json:"maxResults"`
	Fields          []string `json:"fields"`
	Expand          string   `json:"expand"`
	Properties      []string `json:"properties"`
	FieldsByKeys    bool     `json:"fieldsByKeys"`
	FailFast        bool     `json:"failFast"`
	ReconcileIssues []int64  `json:"reconcileIssues"`
}

func readSearchRequest(r *http.Request) (searchRequest, error) {
	var req searchRequest
	if r.Method == http.MethodPost {
		return req, decodeJSON(r, &req)
	}
	q := r.URL.Query()
	req.JQL = q.Get("jql")
	req.NextPageToken = q.Get("nextPageToken")
	if m := q.Get("maxResults"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			return req, errors.New("maxResults")
		}
		req.MaxResults = n
	}
	req.Fields = q["fields"]
	req.Expand = q.Get("expand")
	for _, p := range q["properties"] {
		req.Properties = append(req.Properties, splitList(p)...)
	}
	for _, id := range q["reconcileIssues"] {
		for _, s := range splitList(id) {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return req, errors.New("reconcileIssues")
			}
			req.ReconcileIssues = append(req.ReconcileIssues, n)
		}
	}
	return req, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// searchJQL is the enhanced search: bounded JQL, nextPageToken paging with
// no total, id-only results unless fields are asked for.
func (s *Sim) searchJQL(w http.ResponseWriter, r *http.Request, c *call) {
	req, err := readSearchRequest(r)
	if err != nil {
		writeBadJSON(w)
		return
	}
	if len(req.Properties) > 5 {
		writeError(w, http.StatusBadRequest, "The number of properties requested (properties) must be at most 5.")
		return
	}
	if len(req.ReconcileIssues) > 50 {
		writeError(w, http.StatusBadRequest, "The number of issues to reconcile (reconcileIssues) must be at most 50.")
		return
	}
	sel := parseFields(req.Fields, "id")
	limit := 100
	if sel.onlyIDOrKey() {
		limit = 5000
	}
	max := req.MaxResults
	if max <= 0 {
		max = 50
	}
	max = min(max, limit)

	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	matched, err := st.runJQL(req.JQL)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	offset := 0
	if req.NextPageToken != "" {
		if offset, err = decodePageToken(req.NextPageToken, req.JQL); err != nil {
			writeError(w, http.StatusBadRequest, "The provided next page token is invalid or expired.")
			return
		}
	}
	end := min(offset+max, len(matched))
	issues := []any{}
	for _, is := range matched[min(offset, len(matched)):end] {
		issues = append(issues, st.issueJSON(is, sel, c.v2, req.Properties))
	}
	resp := map[string]any{"issues": issues, "isLast": end >= len(matched)}
	if end < len(matched) {
		resp["nextPageToken"] = encodePageToken(end, req.JQL)
	}
	writeJSON(w, http.StatusOK, resp)
}

// runJQL parses, checks and evaluates a bounded query. Call with st.mu held.
func (st *Site) runJQL(jql string) ([]*issue, error) {
	q, err := parseJQL(jql)
	if err != nil {
		return nil, err
	}
	if q.where == nil {
		return nil, &jqlError{msgUnbounded}
	}
	pred, cmp, err := st.compileJQL(q)
	if err != nil {
		return nil, err
	}
	var out []*issue
	for _, is := range st.issues {
		if pred(is) {
			out = append(out, is)
		}
	}
	slices.SortFunc(out, cmp)
	return out, nil
}

func (s *Sim) searchGone(w http.ResponseWriter, r *http.Request, c *call) {
	writeError(w, http.StatusGone, msgSearchGone)
}

func (s *Sim) approximateCount(w http.ResponseWriter, r *http.Request, c *call) {
	var req struct {
		JQL string `json:"jql"`
	}
	if err := decodeJSON(r, &req); err != nil {
		writeBadJSON(w)
		return
	}
	c.site.mu.Lock()
	matched, err := c.site.runJQL(req.JQL)
	c.site.mu.Unlock()
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"count": len(matched)})
}

// Page tokens are opaque to clients; they bind an offset to the query so
// a token cannot be replayed against another JQL.
func encodePageToken(offset int, jql string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d:%s", offset, jqlHash(jql))))
}

func decodePageToken(tok, jql string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, err
	}
	off, hash, ok := strings.Cut(string(raw), ":")
	if !ok || hash != jqlHash(jql) {
		return 0, errors.New("token does not match query")
	}
	return strconv.Atoi(off)
}

func jqlHash(jql string) string {
	sum := sha256.Sum256([]byte(jql))
	return hex.EncodeToString(sum[:6])
}
