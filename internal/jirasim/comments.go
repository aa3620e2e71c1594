package jirasim

import (
	"encoding/json"
	"net/http"
)

// listComments is PageOfComments with startAt/maxResults (default 100).
func (s *Sim) listComments(w http.ResponseWriter, r *http.Request, c *call) {
	q := r.URL.Query()
	startAt, err1 := intParam(q.Get("startAt"), 0)
	maxResults, err2 := intParam(q.Get("maxResults"), 100)
	if err1 != nil || err2 != nil || startAt < 0 || maxResults < 0 {
		writeError(w, http.StatusBadRequest, "Invalid paging parameters.")
		return
	}
	c.withIssue(w, r, func(st *Site, is *issue) {
		start := min(int(startAt), len(is.comments))
		end := min(start+int(maxResults), len(is.comments))
		var out []any
		for _, cm := range is.comments[start:end] {
			out = append(out, st.commentJSON(cm, c.v2))
		}
		writeJSON(w, http.StatusOK, map[string]any{"startAt": start, "maxResults": maxResults, "total": len(is.comments), "comments": orEmpty(out)})
	})
}

// addComment validates the body (ADF on v3, a string on v2) and answers
// 201 with the Comment; it queues comment_created.
func (s *Sim) addComment(w http.ResponseWriter, r *http.Request, c *call) {
	var req struct {
		Body json.RawMessage `json:"body"`
	}
	if err := decodeJSON(r, &req); err != nil {
		writeBadJSON(w)
		return
	}
	body, msg := textField(req.Body, c.v2)
	if msg == "" && body == nil {
		msg = "Comment body can not be empty!"
	}
	if msg != "" {
		writeFieldErrors(w, map[string]string{"comment": msg})
		return
	}
	st := c.site
	var out map[string]any
	_ = st.do(func() error {
		is := st.issueLocked(r.PathValue("key"))
		if is == nil {
			return nil
		}
		cm := st.addCommentLocked(is, c.inst.appUser.AccountID, body)
		out = st.commentJSON(cm, c.v2)
		return nil
	})
	if out == nil {
		writeError(w, http.StatusNotFound, msgIssueNotFound)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

func (st *Site) addCommentLocked(is *issue, author string, body json.RawMessage) *comment {
	now := st.sim.now()
	cm := &comment{id: st.newID("comment"), issueID: is.id, author: author, body: body, created: now, updated: now}
	is.comments = append(is.comments, cm)
	is.updated = now
	st.emitComment(is, cm)
	return cm
}

// CommentView is a comment as read back by tests.
type CommentView struct {
	ID       string          `json:"id"`
	IssueKey string          `json:"issueKey"`
	Author   string          `json:"author"`
	Text     string          `json:"text"`
	Body     json.RawMessage `json:"body"`
	Created  string          `json:"created"`
}

// Comments returns the comments of an issue (all issues when key is "").
func (st *Site) Comments(key string) []CommentView {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []CommentView
	for _, is := range st.sortedIssues() {
		if key != "" && is.key != key {
			continue
		}
		for _, cm := range is.comments {
			out = append(out, CommentView{ID: itoa(cm.id), IssueKey: is.key, Author: cm.author,
				Text: adfToText(cm.body), Body: cm.body, Created: formatTime(cm.created)})
		}
	}
	return out
}
