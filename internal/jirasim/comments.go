package jirasim

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
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
		Body       json.RawMessage `json:"body"`
		Properties []struct {
			Key   string          `json:"key"`
			Value json.RawMessage `json:"value"`
		} `json:"properties"`
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
	var props map[string]json.RawMessage
	for _, p := range req.Properties {
		if msg := validProperty(p.Key, p.Value); msg != "" {
			writeError(w, http.StatusBadRequest, msg)
			return
		}
		if props == nil {
			props = map[string]json.RawMessage{}
		}
		props[p.Key] = p.Value
	}
	st := c.site
	var out map[string]any
	_ = st.do(func() error {
		is := st.issueLocked(r.PathValue("key"))
		if is == nil {
			return nil
		}
		cm := st.addCommentLocked(is, c.inst.appUser.AccountID, body)
		cm.properties = props
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

// maxCommentList is how many ids one comment list request may name.
const maxCommentList = 1000

// commentList is POST /comment/list: the comments with the ids named
// (those that exist) as a PageBeanComment in id order, each with its
// properties when expand names them.
func (s *Sim) commentList(w http.ResponseWriter, r *http.Request, c *call) {
	var req struct {
		IDs []int64 `json:"ids"`
	}
	if err := decodeJSON(r, &req); err != nil {
		writeBadJSON(w)
		return
	}
	if len(req.IDs) == 0 || len(req.IDs) > maxCommentList {
		writeError(w, http.StatusBadRequest, "The number of comment IDs must be between 1 and 1000.")
		return
	}
	withProps := slices.Contains(strings.Split(r.URL.Query().Get("expand"), ","), "properties")
	want := map[int64]bool{}
	for _, id := range req.IDs {
		want[id] = true
	}
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	var found []*comment
	for _, is := range st.issues {
		for _, cm := range is.comments {
			if want[cm.id] {
				found = append(found, cm)
			}
		}
	}
	slices.SortFunc(found, func(a, b *comment) int { return cmpInt(a.id, b.id) })
	out := make([]any, 0, len(found))
	for _, cm := range found {
		j := st.commentJSON(cm, c.v2)
		if withProps {
			j["properties"] = commentProperties(cm)
		}
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"startAt": 0, "maxResults": maxCommentList, "total": len(out), "isLast": true, "values": out})
}

// commentProperties are a comment's properties as EntityProperty
// objects, by key.
func commentProperties(cm *comment) []any {
	keys := make([]string, 0, len(cm.properties))
	for k := range cm.properties {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]any, 0, len(keys))
	for _, k := range keys {
		out = append(out, map[string]any{"key": k, "value": cm.properties[k]})
	}
	return out
}

// withComment runs f with the site locked and the comment the path's
// {commentId} names, or answers Jira's 404 when there is none.
func (c *call) withComment(w http.ResponseWriter, r *http.Request, f func(st *Site, cm *comment)) {
	st := c.site
	st.mu.Lock()
	defer st.mu.Unlock()
	id, err := strconv.ParseInt(r.PathValue("commentId"), 10, 64)
	if err == nil {
		for _, is := range st.issues {
			for _, cm := range is.comments {
				if cm.id == id {
					f(st, cm)
					return
				}
			}
		}
	}
	writeError(w, http.StatusNotFound, "Can not find a comment for the id: "+r.PathValue("commentId")+".")
}

// setCommentProperty is PUT /comment/{commentId}/properties/{propertyKey}:
// 201 when the property is new, 200 when it replaced one.
func (s *Sim) setCommentProperty(w http.ResponseWriter, r *http.Request, c *call) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeBadJSON(w)
		return
	}
	key := r.PathValue("propertyKey")
	if msg := validProperty(key, raw); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	c.withComment(w, r, func(_ *Site, cm *comment) {
		_, existed := cm.properties[key]
		if cm.properties == nil {
			cm.properties = map[string]json.RawMessage{}
		}
		cm.properties[key] = json.RawMessage(raw)
		if existed {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
}

// getCommentProperty is GET /comment/{commentId}/properties/{propertyKey}.
func (s *Sim) getCommentProperty(w http.ResponseWriter, r *http.Request, c *call) {
	c.withComment(w, r, func(_ *Site, cm *comment) {
		key := r.PathValue("propertyKey")
		v, ok := cm.properties[key]
		if !ok {
			writeError(w, http.StatusNotFound, "The property with key '"+key+"' does not exist.")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"key": key, "value": v})
	})
}
