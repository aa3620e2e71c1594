package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MaxReportAccounts is the most accounts one personal data report may
// carry.
const MaxReportAccounts = 90

// DefaultCyclePeriod is the reporting cycle when Atlassian names none.
const DefaultCyclePeriod = 7 * 24 * time.Hour

// ReportedAccount is one accountId Remit stores and when its copy last
// changed.
type ReportedAccount struct {
	AccountID string    `json:"accountId"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// AccountStatus is Atlassian's answer for one reported account: "closed"
// (erase its personal data) or "updated" (refresh cached profile data).
type AccountStatus struct {
	AccountID string `json:"accountId"`
	Status    string `json:"status"`
}

// ReportResult is the answer to one report: the accounts that need action
// and the cycle until the same accounts may be reported again.
type ReportResult struct {
	Accounts    []AccountStatus
	CyclePeriod time.Duration
}

// ReportAccounts posts up to MaxReportAccounts accounts to the personal
// data reporting API, POST /app/report-accounts/. A Connect client calls
// it on the tenant's site with its JWT; a Forge client calls it at the
// root of the API gateway (the host of app.apiBaseUrl, without the
// /ex/jira/<cloudId> part) with its bearer token. A 429 that outlasts the
// retry budget comes back as an error carrying RetryAfter (AsAPIError).
func (c *Client) ReportAccounts(ctx context.Context, accounts []ReportedAccount) (ReportResult, error) {
	const op = "jira POST /app/report-accounts"
	if len(accounts) == 0 || len(accounts) > MaxReportAccounts {
		return ReportResult{}, fmt.Errorf("%s: %d accounts, want 1 to %d", op, len(accounts), MaxReportAccounts)
	}
	body, err := json.Marshal(map[string]any{"accounts": accounts})
	if err != nil {
		return ReportResult{}, err
	}
	u := *c.base
	prefix := strings.TrimSuffix(u.Path, "/")
	if i := strings.Index(prefix, "/ex/"); i >= 0 {
		prefix = prefix[:i]
	}
	u.Path, u.RawPath, u.RawQuery = prefix+"/app/report-accounts/", "", ""
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return ReportResult{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return ReportResult{}, classifyTransport(op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return ReportResult{}, classify(op, decodeAPIError(resp, c.now()))
	}
	defer drain(resp.Body)
	out := ReportResult{CyclePeriod: DefaultCyclePeriod}
	if d, ok := ParseISODuration(resp.Header.Get("Cycle-Period")); ok && d > 0 {
		out.CyclePeriod = d
	}
	if resp.StatusCode == http.StatusNoContent {
		return out, nil
	}
	var doc struct {
		Accounts []AccountStatus `json:"accounts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return out, fmt.Errorf("%s: decode response: %w", op, err)
	}
	out.Accounts = doc.Accounts
	return out, nil
}

var isoDuration = regexp.MustCompile(`^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// ParseISODuration reads the ISO 8601 durations Cycle-Period uses (P7D,
// PT12H, P1W, P1DT2H30M); years and months, whose length varies, are not
// accepted.
func ParseISODuration(s string) (time.Duration, bool) {
	m := isoDuration.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || s == "P" || strings.HasSuffix(s, "T") {
		return 0, false
	}
	units := []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second}
	var d time.Duration
	for i, u := range units {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+1], 10, 64)
		if err != nil || n > 1<<20 {
			return 0, false
		}
		d += time.Duration(n) * u
	}
	return d, true
}
