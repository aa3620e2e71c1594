package jirasim

import (
	"net/url"
	"strconv"
	"strings"
)

// embeddedLimit caps worklogs and comments embedded in issue JSON, as Jira
// does; clients must page the dedicated endpoints for more.
const embeddedLimit = 20

// fieldSel is a parsed `fields` parameter.
type fieldSel struct {
	idOnly    bool
	all       bool
	navigable bool
	include   map[string]bool
	exclude   map[string]bool
}

// nonNavigable are the fields left out of *navigable.
var nonNavigable = map[string]bool{"worklog": true, "comment": true}

// parseFields reads a fields list (comma-separated entries allowed); def
// applies when the list is empty.
func parseFields(list []string, def string) fieldSel {
	var names []string
	for _, f := range list {
		for _, n := range strings.Split(f, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		names = []string{def}
	}
	sel := fieldSel{include: map[string]bool{}, exclude: map[string]bool{}}
	onlyIDKey := true
	for _, n := range names {
		switch {
		case n == "*all":
			sel.all = true
		case n == "*navigable":
			sel.navigable = true
		case strings.HasPrefix(n, "-"):
			sel.exclude[strings.ToLower(n[1:])] = true
			continue
		default:
			sel.include[strings.ToLower(n)] = true
		}
		if n != "id" && n != "key" {
			onlyIDKey = false
		}
	}
	sel.idOnly = onlyIDKey && !sel.include["key"]
	return sel
}

// onlyIDOrKey reports whether nothing but id/key was asked for, which
// lifts search's page size cap to 5000.
func (f fieldSel) onlyIDOrKey() bool {
	if f.all || f.navigable {
		return false
	}
	for n := range f.include {
		if n != "id" && n != "key" {
			return false
		}
	}
	return true
}

func (f fieldSel) has(name string) bool {
	if f.exclude[name] {
		return false
	}
	return f.all || f.include[name] || (f.navigable && !nonNavigable[name])
}

func (st *Site) apiBase(v2 bool) string {
	if v2 {
		return st.BaseURL() + "/rest/api/2"
	}
	return st.BaseURL() + "/rest/api/3"
}

// issueJSON renders an issue like Jira's IssueBean for the selected
// fields and properties.
func (st *Site) issueJSON(is *issue, sel fieldSel, v2 bool, props []string) map[string]any {
	id := strconv.FormatInt(is.id, 10)
	out := map[string]any{"id": id}
	if len(props) > 0 {
		pm := map[string]any{}
		for _, p := range props {
			if v, ok := is.properties[p]; ok {
				pm[p] = v
			}
		}
		out["properties"] = pm
	}
	if sel.idOnly {
		return out
	}
	base := st.apiBase(v2)
	out["expand"] = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
	out["self"] = base + "/issue/" + id
	out["key"] = is.key
	fields := map[string]any{}
	put := func(name string, value func() any) {
		if sel.has(name) {
			fields[name] = value()
		}
	}
	put("summary", func() any { return is.summary })
	put("description", func() any { return renderRich(is.description, v2) })
	put("labels", func() any { return append([]string{}, is.labels...) })
	put("status", func() any { return st.statusJSON(is.status) })
	put("issuetype", func() any { return st.issueTypeJSON(is.issueType) })
	put("project", func() any { return st.projectRef(is.project) })
	put("created", func() any { return formatTime(is.created) })
	put("updated", func() any { return formatTime(is.updated) })
	put("statuscategorychangedate", func() any { return formatTime(is.statusCat) })
	put("reporter", func() any { return st.userJSON(is.reporter) })
	put("creator", func() any { return st.userJSON(is.reporter) })
	put("timespent", func() any { return timeSpent(is) })
	put("aggregatetimespent", func() any { return timeSpent(is) })
	put("issuelinks", func() any { return st.linksJSON(is, v2) })
	put("worklog", func() any {
		var wls []any
		for i, wl := range is.worklogs {
			if i == embeddedLimit {
				break
			}
			wls = append(wls, st.worklogJSON(wl, v2))
		}
		return map[string]any{"startAt": 0, "maxResults": embeddedLimit, "total": len(is.worklogs), "worklogs": orEmpty(wls)}
	})
	put("comment", func() any {
		var cs []any
		for i, c := range is.comments {
			if i == embeddedLimit {
				break
			}
			cs = append(cs, st.commentJSON(c, v2))
		}
		return map[string]any{"startAt": 0, "maxResults": embeddedLimit, "total": len(is.comments), "comments": orEmpty(cs), "self": base + "/issue/" + id + "/comment"}
	})
	out["fields"] = fields
	return out
}

func orEmpty(xs []any) []any {
	if xs == nil {
		return []any{}
	}
	return xs
}

func timeSpent(is *issue) any {
	var total int64
	for _, wl := range is.worklogs {
		total += wl.seconds
	}
	if total == 0 {
		return nil
	}
	return total
}

func (st *Site) statusJSON(s Status) map[string]any {
	base := st.apiBase(true)
	return map[string]any{
		"self": base + "/status/" + s.ID, "description": "", "iconUrl": st.BaseURL() + "/images/icons/statuses/generic.png",
		"name": s.Name, "id": s.ID, "statusCategory": categoryJSON(st.BaseURL(), s.Category),
	}
}

func (st *Site) issueTypeJSON(it IssueType) map[string]any {
	level := 0
	if it.Subtask {
		level = -1
	}
	return map[string]any{
		"self": st.apiBase(true) + "/issuetype/" + it.ID, "id": it.ID, "description": "",
		"iconUrl": st.BaseURL() + "/images/icons/issuetypes/task.svg", "name": it.Name,
		"subtask": it.Subtask, "hierarchyLevel": level,
	}
}

func (st *Site) projectRef(p *Project) map[string]any {
	return map[string]any{
		"self": st.apiBase(true) + "/project/" + p.ID, "id": p.ID, "key": p.Key, "name": p.Name,
		"projectTypeKey": "software", "simplified": false, "avatarUrls": map[string]string{},
	}
}

// userJSON renders UserDetails; nil for an empty account id (no reporter).
func (st *Site) userJSON(accountID string) any {
	if accountID == "" {
		return nil
	}
	u := st.user(accountID)
	return map[string]any{
		"self":      st.apiBase(true) + "/user?accountId=" + url.QueryEscape(u.AccountID),
		"accountId": u.AccountID, "displayName": u.DisplayName, "active": true,
		"accountType": u.AccountType, "timeZone": u.TimeZone, "avatarUrls": map[string]string{},
	}
}

func (st *Site) worklogJSON(wl *worklog, v2 bool) map[string]any {
	issueID := strconv.FormatInt(wl.issueID, 10)
	id := strconv.FormatInt(wl.id, 10)
	out := map[string]any{
		"self":   st.apiBase(v2) + "/issue/" + issueID + "/worklog/" + id,
		"author": st.userJSON(wl.author), "updateAuthor": st.userJSON(wl.updater),
		"created": formatTime(wl.created), "updated": formatTime(wl.updated), "started": formatTime(wl.started),
		"timeSpent": formatDuration(wl.seconds), "timeSpentSeconds": wl.seconds,
		"id": id, "issueId": issueID,
	}
	if wl.comment != nil {
		out["comment"] = renderRich(wl.comment, v2)
	}
	return out
}

func (st *Site) commentJSON(c *comment, v2 bool) map[string]any {
	id := strconv.FormatInt(c.id, 10)
	return map[string]any{
		"self": st.apiBase(v2) + "/issue/" + strconv.FormatInt(c.issueID, 10) + "/comment/" + id,
		"id":   id, "author": st.userJSON(c.author), "updateAuthor": st.userJSON(c.author),
		"body": renderRich(c.body, v2), "created": formatTime(c.created), "updated": formatTime(c.updated),
		"jsdPublic": true,
	}
}

func (st *Site) linksJSON(is *issue, v2 bool) []any {
	out := []any{}
	for _, l := range st.links {
		lt, _ := linkTypeByName(l.Type)
		typ := map[string]any{"id": lt.ID, "name": lt.Name, "inward": lt.Inward, "outward": lt.Outward}
		ref := func(key string) map[string]any {
			other := st.issueLocked(key)
			if other == nil {
				return nil
			}
			id := strconv.FormatInt(other.id, 10)
			return map[string]any{"id": id, "key": other.key, "self": st.apiBase(v2) + "/issue/" + id,
				"fields": map[string]any{"summary": other.summary, "status": st.statusJSON(other.status), "issuetype": st.issueTypeJSON(other.issueType)}}
		}
		switch is.key {
		case l.Outward:
			out = append(out, map[string]any{"id": l.ID, "type": typ, "inwardIssue": ref(l.Inward)})
		case l.Inward:
			out = append(out, map[string]any{"id": l.ID, "type": typ, "outwardIssue": ref(l.Outward)})
		}
	}
	return out
}
