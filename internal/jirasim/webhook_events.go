package jirasim

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
)

// emitIssue queues an issue event (REST v2 representation, as Jira's
// webhooks use) with an optional changelog. Call with st.mu held.
func (st *Site) emitIssue(event, typeName string, is *issue, actor string, items []map[string]any) {
	body := map[string]any{
		"timestamp": st.sim.now().UnixMilli(), "webhookEvent": event, "issue_event_type_name": typeName,
		"user": st.userJSON(actor), "issue": st.issueJSON(is, parseFields([]string{"*navigable"}, ""), true, nil),
	}
	if items != nil {
		body["changelog"] = map[string]any{"id": itoa(st.newID("changelog")), "items": items}
	}
	st.emit(event, body, is)
}

// emitWorklog queues a worklog event; like Jira's, it names the issue by
// issueId only.
func (st *Site) emitWorklog(event string, wl *worklog) {
	body := map[string]any{"timestamp": st.sim.now().UnixMilli(), "webhookEvent": event, "worklog": st.worklogJSON(wl, true)}
	st.emit(event, body, nil)
}

func (st *Site) emitComment(is *issue, cm *comment) {
	body := map[string]any{
		"timestamp": st.sim.now().UnixMilli(), "webhookEvent": "comment_created",
		"comment": st.commentJSON(cm, true),
		"issue":   st.issueJSON(is, parseFields([]string{"summary,status,issuetype,project,labels"}, ""), true, nil),
	}
	st.emit("comment_created", body, is)
}

// emit queues one delivery per installed, enabled app subscribed to the
// event whose JQL filter (if any) matches. Call with st.mu held; the
// deliveries go out after the lock is released (see Site.do).
func (st *Site) emit(event string, body map[string]any, is *issue) {
	keys := make([]string, 0, len(st.installs))
	for k := range st.installs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		inst := st.installs[k]
		if !inst.installed || !inst.enabled {
			continue
		}
		for _, sub := range inst.desc.Modules.Webhooks {
			if sub.Event != event || !st.filterMatches(sub.Filter, is) {
				continue
			}
			var payload []byte
			if !sub.ExcludeBody {
				payload, _ = json.Marshal(withProperties(body, is, sub.PropertyKeys, event))
			}
			st.pending = append(st.pending, &delivery{
				site: st, appKey: inst.AppKey, event: event,
				url: inst.AppBaseURL + expandWebhookURL(sub.URL, is), basePath: basePathOf(inst.AppBaseURL),
				secret: inst.SharedSecret, clientKey: inst.ClientKey, body: payload, identifier: newUUID(),
			})
		}
	}
}

func (st *Site) filterMatches(filter string, is *issue) bool {
	if filter == "" || is == nil {
		return true
	}
	q, err := parseJQL(filter)
	if err != nil || q.where == nil {
		return false
	}
	pred, _, err := st.compileJQL(q)
	return err == nil && pred(is)
}

// withProperties embeds the subscribed entity properties into the issue,
// except on delete events, as Jira does.
func withProperties(body map[string]any, is *issue, keys []string, event string) map[string]any {
	if is == nil || len(keys) == 0 || strings.HasSuffix(event, "_deleted") {
		return body
	}
	issueBody, ok := body["issue"].(map[string]any)
	if !ok {
		return body
	}
	props := []any{}
	for _, k := range keys {
		if v, ok := is.properties[k]; ok {
			props = append(props, map[string]any{"key": k, "value": v})
		}
	}
	copied := map[string]any{}
	for k, v := range issueBody {
		copied[k] = v
	}
	copied["properties"] = props
	out := map[string]any{}
	for k, v := range body {
		out[k] = v
	}
	out["issue"] = copied
	return out
}

// expandWebhookURL substitutes the URL variables Connect supports.
func expandWebhookURL(u string, is *issue) string {
	if is == nil {
		return u
	}
	return strings.NewReplacer(
		"${issue.key}", url.PathEscape(is.key), "${issue.id}", itoa(is.id),
		"${project.key}", url.PathEscape(is.project.Key), "${project.id}", is.project.ID,
	).Replace(u)
}

func basePathOf(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	return u.EscapedPath()
}

// SendEvent delivers an arbitrary event body to every app subscribed to
// the event name, for testing handlers of events the simulator does not
// generate itself. It returns the number of deliveries queued.
func (st *Site) SendEvent(event string, body map[string]any) int {
	n := 0
	_ = st.do(func() error {
		before := len(st.pending)
		st.emit(event, body, nil)
		n = len(st.pending) - before
		return nil
	})
	return n
}
