package jirasim

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
)

// privacyState drives the personal data reporting API: the status
// Atlassian reports per accountId, the Cycle-Period it answers with,
// forced 429s, and every report received.
type privacyState struct {
	statuses    map[string]string // accountId → closed | updated
	cycle       string
	throttle    int // answer this many next reports with 429
	retryAfter  int
	reports     []AccountReport
	rejected429 int
}

// AccountReport is one report the simulator received.
type AccountReport struct {
	Site     string   // site name for Connect reports, "" for bearer ones
	Accounts []string // accountIds in the order sent
}

// SetAccountStatus makes the reporting API answer status ("closed" or
// "updated") for accountID; "" forgets it.
func (s *Sim) SetAccountStatus(accountID, status string) {
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	if s.forge.privacy.statuses == nil {
		s.forge.privacy.statuses = map[string]string{}
	}
	if status == "" {
		delete(s.forge.privacy.statuses, accountID)
		return
	}
	s.forge.privacy.statuses[accountID] = status
}

// SetReportCycle sets the Cycle-Period header (ISO 8601; default P7D).
func (s *Sim) SetReportCycle(period string) {
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	s.forge.privacy.cycle = period
}

// ThrottleReports answers the next n reports with 429 and Retry-After.
func (s *Sim) ThrottleReports(n, retryAfterSeconds int) {
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	s.forge.privacy.throttle, s.forge.privacy.retryAfter = n, retryAfterSeconds
}

// AccountReports returns the reports received so far (429s excluded) and
// how many were answered 429.
func (s *Sim) AccountReports() ([]AccountReport, int) {
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	return append([]AccountReport(nil), s.forge.privacy.reports...), s.forge.privacy.rejected429
}

// reportAccountsBearer is the API gateway's endpoint for Forge apps
// (api.atlassian.com/app/report-accounts/), authenticated by a system token.
func (s *Sim) reportAccountsBearer(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.systemTokenInstall(r); !ok {
		writeError(w, http.StatusUnauthorized, msgNotAuthenticated)
		return
	}
	s.reportAccounts(w, r, "")
}

// reportAccountsConnect is the endpoint as a Connect app reaches it: on
// the site, with its JWT (qsh over /app/report-accounts).
func (s *Sim) reportAccountsConnect(w http.ResponseWriter, r *http.Request) {
	st, ok := s.Site(r.PathValue("site"))
	if !ok {
		writeError(w, http.StatusNotFound, "Not found")
		return
	}
	if _, err := st.authenticate(r); err != nil {
		s.log.InfoContext(r.Context(), "rejected report token", slogSite(st), slog.String("reason", err.Error()))
		writeError(w, http.StatusUnauthorized, msgNotAuthenticated)
		return
	}
	s.reportAccounts(w, r, st.name)
}

func (s *Sim) reportAccounts(w http.ResponseWriter, r *http.Request, site string) {
	var body struct {
		Accounts []struct {
			AccountID string `json:"accountId"`
			UpdatedAt string `json:"updatedAt"`
		} `json:"accounts"`
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err := json.Unmarshal(raw, &body); err != nil || len(body.Accounts) == 0 {
		writeError(w, http.StatusBadRequest, "accounts are required")
		return
	}
	if len(body.Accounts) > 90 {
		writeError(w, http.StatusBadRequest, "at most 90 accounts per request")
		return
	}
	p := &s.forge.privacy
	s.forge.mu.Lock()
	if p.throttle > 0 {
		p.throttle--
		p.rejected429++
		retry := p.retryAfter
		s.forge.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		writeError(w, http.StatusTooManyRequests, "Rate limit exceeded.")
		return
	}
	rep := AccountReport{Site: site}
	var answer []map[string]string
	for _, a := range body.Accounts {
		rep.Accounts = append(rep.Accounts, a.AccountID)
		if st, ok := p.statuses[a.AccountID]; ok {
			answer = append(answer, map[string]string{"accountId": a.AccountID, "status": st})
		}
	}
	p.reports = append(p.reports, rep)
	cycle := p.cycle
	s.forge.mu.Unlock()
	if cycle == "" {
		cycle = "P7D"
	}
	w.Header().Set("Cycle-Period", cycle)
	if len(answer) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": answer})
}
