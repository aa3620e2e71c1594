package jirasim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// maxWorklogList is the id limit of POST /worklog/list, and the page size
// of the /worklog/updated and /worklog/deleted feeds.
const maxWorklogList = 1000

// listWorklogs is PageOfWorklogs in creation order, filtered by
// startedAfter (inclusive) and startedBefore (exclusive), epoch ms.
func (s *Sim) listWorklogs(w http.ResponseWriter, r *http.Request, c *call) {
	q := r.URL.Query()
	startAt, err1 := intParam(q.Get("startAt"), 0)
	maxResults, err2 := intParam(q.Get("maxResults"), 5000)
	after, err3 := intParam(q.Get("startedAfter"), -1)
	before, err4 := intParam(q.Get("startedBefore"), -1)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || startAt < 0 || maxResults < 0 {
		writeError(w, http.StatusBadRequest, "Invalid paging or date parameters.")
		return
	}
	c.withIssue(w, r, func(st *Site, is *issue) {
		var matched []*worklog
		for _, wl := range is.worklogs {
			ms := wl.started.UnixMilli()
			if (after >= 0 && ms < after) || (before >= 0 && ms >= before) {
				continue
			}
			matched = append(matched, wl)
		}
		start := min(int(startAt), len(matched))
		end := min(start+int(maxResults), len(matched))
		var out []any
		for _, wl := range matched[start:end] {
			out = append(out, st.worklogJSON(wl, c.v2))
		}
		writeJSON(w, http.StatusOK, map[string]any{"startAt": start, "maxResults": maxResults, "total": len(matched), "worklogs": orEmpty(out)})
	})
}

func intParam(s string, def int64) (int64, error) {
	if s == "" {
		return def, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

type worklogRequest struct {
	Started          *string         `json:"started"`
	TimeSpent        *string         `json:"timeSpent"`
	TimeSpentSeconds *int64          `json:"timeSpentSeconds"`
	Comment          json.RawMessage `json:"comment"`
}

// apply validates a worklog body onto wl; creating requires started and a
// time spent, editing takes what is given.
func (req worklogRequest) apply(wl *worklog, creating, v2 bool) map[string]string {
	errs := map[string]string{}
	if req.Started != nil {
		t, err := parseJiraTime(*req.Started)
		if err != nil {
			errs["started"] = "Invalid date format. Please enter the date in the format \"yyyy-MM-dd'T'HH:mm:ss.SSSZ\"."
		}
		wl.started = t
	} else if creating {
		errs["started"] = "You must specify when the work was started."
	}
	switch {
	case req.TimeSpentSeconds != nil:
		wl.seconds = *req.TimeSpentSeconds
	case req.TimeSpent != nil:
		secs, err := parseDuration(*req.TimeSpent)
		if err != nil {
			errs["timeLogged"] = "Invalid time duration entered."
		}
		wl.seconds = secs
	case creating:
		errs["timeLogged"] = "You must indicate the time spent working."
	}
	if wl.seconds <= 0 && errs["timeLogged"] == "" {
		errs["timeLogged"] = "Time Spent must be greater than zero."
	}
	if len(req.Comment) > 0 {
		var msg string
		if wl.comment, msg = richText(req.Comment, v2); msg != "" {
			errs["comment"] = msg
		}
	}
	return errs
}

func (s *Sim) addWorklog(w http.ResponseWriter, r *http.Request, c *call) {
	var req worklogRequest
	if err := decodeJSON(r, &req); err != nil {
		writeBadJSON(w)
		return
	}
	st := c.site
	var out map[string]any
	var errs map[string]string
	found := true
	_ = st.do(func() error {
		is := st.issueLocked(r.PathValue("key"))
		if is == nil {
			found = false
			return nil
		}
		actor := c.inst.appUser.AccountID
		wl := &worklog{author: actor, updater: actor}
		if errs = req.apply(wl, true, c.v2); len(errs) > 0 {
			return nil
		}
		st.addWorklogLocked(is, wl)
		out = st.worklogJSON(wl, c.v2)
		return nil
	})
	switch {
	case !found:
		writeError(w, http.StatusNotFound, msgIssueNotFound)
	case len(errs) > 0:
		writeFieldErrors(w, errs)
	default:
		writeJSON(w, http.StatusCreated, out)
	}
}

// addWorklogLocked stores a worklog and queues worklog_created.
func (st *Site) addWorklogLocked(is *issue, wl *worklog) {
	now := st.sim.now()
	wl.id, wl.issueID = st.newID("worklog"), is.id
	if wl.created.IsZero() {
		wl.created = now
	}
	wl.updated = wl.created
	if wl.updater == "" {
		wl.updater = wl.author
	}
	is.worklogs = append(is.worklogs, wl)
	is.updated = now
	st.emitWorklog("worklog_created", wl)
}

// worklogFor finds a worklog of the issue named in the path.
func (st *Site) worklogFor(r *http.Request) (*issue, *worklog) {
	is := st.issueLocked(r.PathValue("key"))
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if is == nil || err != nil {
		return is, nil
	}
	for _, wl := range is.worklogs {
		if wl.id == id {
			return is, wl
		}
	}
	return is, nil
}

func writeWorklogNotFound(w http.ResponseWriter, r *http.Request, is *issue) {
	if is == nil {
		writeError(w, http.StatusNotFound, msgIssueNotFound)
		return
	}
	writeError(w, http.StatusNotFound, "Cannot find worklog with id: "+r.PathValue("id"))
}

func (s *Sim) getWorklog(w http.ResponseWriter, r *http.Request, c *call) {
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	is, wl := st.worklogFor(r)
	if wl == nil {
		writeWorklogNotFound(w, r, is)
		return
	}
	writeJSON(w, http.StatusOK, st.worklogJSON(wl, c.v2))
}

func (s *Sim) updateWorklog(w http.ResponseWriter, r *http.Request, c *call) {
	var req worklogRequest
	if err := decodeJSON(r, &req); err != nil {
		writeBadJSON(w)
		return
	}
	st := c.site
	var out map[string]any
	var errs map[string]string
	var missing bool
	var is *issue
	_ = st.do(func() error {
		var wl *worklog
		if is, wl = st.worklogFor(r); wl == nil {
			missing = true
			return nil
		}
		next := *wl
		if errs = req.apply(&next, false, c.v2); len(errs) > 0 {
			return nil
		}
		next.updater = c.inst.appUser.AccountID
		st.updateWorklogLocked(is, wl, next)
		out = st.worklogJSON(wl, c.v2)
		return nil
	})
	switch {
	case missing:
		writeWorklogNotFound(w, r, is)
	case len(errs) > 0:
		writeFieldErrors(w, errs)
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

// updateWorklogLocked replaces a worklog's content and queues
// worklog_updated.
func (st *Site) updateWorklogLocked(is *issue, wl *worklog, next worklog) {
	now := st.sim.now()
	next.updated = now
	*wl = next
	is.updated = now
	st.emitWorklog("worklog_updated", wl)
}

func (s *Sim) deleteWorklog(w http.ResponseWriter, r *http.Request, c *call) {
	st := c.site
	var is *issue
	var wl *worklog
	_ = st.do(func() error {
		if is, wl = st.worklogFor(r); wl != nil {
			st.deleteWorklogLocked(is, wl)
		}
		return nil
	})
	if wl == nil {
		writeWorklogNotFound(w, r, is)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// deleteWorklogLocked removes a worklog, records it for /worklog/deleted
// and queues worklog_deleted.
func (st *Site) deleteWorklogLocked(is *issue, wl *worklog) {
	now := st.sim.now()
	is.worklogs = slices.DeleteFunc(is.worklogs, func(x *worklog) bool { return x == wl })
	is.updated = now
	st.deleted = append(st.deleted, deletion{id: wl.id, at: now})
	st.emitWorklog("worklog_deleted", wl)
}

// worklogList is POST /worklog/list: 1 to 1000 ids, visible ones returned
// in id order, unknown ids silently skipped.
func (s *Sim) worklogList(w http.ResponseWriter, r *http.Request, c *call) {
	var req struct {
		IDs []int64 `json:"ids"`
	}
	if err := decodeJSON(r, &req); err != nil {
		writeBadJSON(w)
		return
	}
	if len(req.IDs) == 0 || len(req.IDs) > maxWorklogList {
		writeError(w, http.StatusBadRequest, "The number of worklog IDs must be between 1 and 1000.")
		return
	}
	want := map[int64]bool{}
	for _, id := range req.IDs {
		want[id] = true
	}
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	var found []*worklog
	for _, is := range st.issues {
		for _, wl := range is.worklogs {
			if want[wl.id] {
				found = append(found, wl)
			}
		}
	}
	slices.SortFunc(found, func(a, b *worklog) int { return cmpInt(a.id, b.id) })
	out := make([]any, 0, len(found))
	for _, wl := range found {
		out = append(out, st.worklogJSON(wl, c.v2))
	}
	writeJSON(w, http.StatusOK, out)
}

type change struct {
	id int64
	ms int64
}

func (s *Sim) worklogsUpdated(w http.ResponseWriter, r *http.Request, c *call) {
	s.changeFeed(w, r, c, "updated", func(st *Site) []change {
		var out []change
		for _, is := range st.issues {
			for _, wl := range is.worklogs {
				out = append(out, change{wl.id, wl.updated.UnixMilli()})
			}
		}
		return out
	})
}

func (s *Sim) worklogsDeleted(w http.ResponseWriter, r *http.Request, c *call) {
	s.changeFeed(w, r, c, "deleted", func(st *Site) []change {
		out := make([]change, 0, len(st.deleted))
		for _, d := range st.deleted {
			out = append(out, change{d.id, d.at.UnixMilli()})
		}
		return out
	})
}

// changeFeed serves ChangedWorklogs: changes strictly after since, oldest
// first, at most 1000 per page, excluding the last minute. A page never
// splits a millisecond, so following nextPage (since = until) loses
// nothing.
func (s *Sim) changeFeed(w http.ResponseWriter, r *http.Request, c *call, kind string, collect func(*Site) []change) {
	since, err := intParam(r.URL.Query().Get("since"), 0)
	if err != nil {
		writeError(w, http.StatusBadRequest, "The 'since' parameter must be a timestamp in milliseconds.")
		return
	}
	st := c.site
	st.mu.Lock()
	all := collect(st)
	st.mu.Unlock()
	cutoff := s.now().Add(-time.Minute).UnixMilli()
	var cands []change
	for _, ch := range all {
		if ch.ms > since && ch.ms <= cutoff {
			cands = append(cands, ch)
		}
	}
	slices.SortFunc(cands, func(a, b change) int {
		if a.ms != b.ms {
			return cmpInt(a.ms, b.ms)
		}
		return cmpInt(a.id, b.id)
	})
	cut := len(cands)
	if cut > maxWorklogList {
		cut = maxWorklogList
		for cut > 0 && cands[cut-1].ms == cands[cut].ms {
			cut--
		}
		if cut == 0 {
			for cut = maxWorklogList; cut < len(cands) && cands[cut].ms == cands[maxWorklogList-1].ms; cut++ {
			}
		}
	}
	page := cands[:cut]
	until := since
	values := make([]any, 0, len(page))
	for _, ch := range page {
		values = append(values, map[string]any{"worklogId": ch.id, "updatedTime": ch.ms, "properties": []any{}})
		until = ch.ms
	}
	self := c.site.apiBase(c.v2) + "/worklog/" + kind
	resp := map[string]any{
		"values": values, "since": since, "until": until, "lastPage": cut >= len(cands),
		"self": self + "?since=" + strconv.FormatInt(since, 10),
	}
	if cut < len(cands) {
		resp["nextPage"] = self + "?since=" + strconv.FormatInt(until, 10)
	}
	writeJSON(w, http.StatusOK, resp)
}
