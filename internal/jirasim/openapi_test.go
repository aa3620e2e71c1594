package jirasim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"

	"github.com/remitapp/remit/internal/jirasim/contract"
)

// goneFromJira are the routes Jira Cloud has removed although the
// document still describes them: the simulator answers 410 Gone, as Jira
// does, and only the request is held to the document.
var goneFromJira = map[string]bool{"GET /search": true, "POST /search": true}

// TestAnswersMatchJiraOpenAPI sends one conforming request to each REST
// route and holds the request and the simulator's answer to the
// document: declared query parameters, request and response schemas, and
// a documented status. Every route must be exercised, so a new route
// needs a request here.
func TestAnswersMatchJiraOpenAPI(t *testing.T) {
	e := newEnv(t)
	e.sim.RecordBodies(true)
	var created struct{ ID, Key string }
	e.mustCall("POST", "/rest/api/3/issue", map[string]any{"fields": map[string]any{"project": map[string]string{"key": "WORK"},
		"issuetype": map[string]string{"name": "Task"}, "summary": "Build it", "description": adfDoc("All of it")}}, 201, &created)
	key := created.Key
	other := e.issue(IssueSpec{Summary: "Test it"})
	var project struct{ ID string }
	e.mustCall("GET", "/rest/api/3/project/WORK", nil, 200, &project)
	calls := []struct {
		method, path string
		body         any
	}{
		{"GET", "/rest/api/3/issue/" + key + "?fields=summary,status&properties=remit-invoice", nil},
		{"PUT", "/rest/api/3/issue/" + key, map[string]any{"fields": map[string]any{"summary": "Build it all"}}},
		{"GET", "/rest/api/3/issue/createmeta/WORK/issuetypes", nil},
		{"POST", "/rest/api/3/issueLink", map[string]any{"type": map[string]string{"name": "Relates"},
			"inwardIssue": map[string]string{"key": key}, "outwardIssue": map[string]string{"key": other}}},
		{"POST", "/rest/api/3/issue/" + key + "/comment", map[string]any{"body": adfDoc("Sent")}},
		{"GET", "/rest/api/3/issue/" + key + "/comment?startAt=0&maxResults=10", nil},
		{"PUT", "/rest/api/3/issue/" + key + "/properties/remit-invoice", map[string]any{"number": "INV-1"}},
		{"GET", "/rest/api/3/issue/" + key + "/properties", nil},
		{"GET", "/rest/api/3/issue/" + key + "/properties/remit-invoice", nil},
		{"DELETE", "/rest/api/3/issue/" + key + "/properties/remit-invoice", nil},
		{"POST", "/rest/api/3/permissions/check", map[string]any{"accountId": "alice", "globalPermissions": []string{"ADMINISTER"},
			"projectPermissions": []any{map[string]any{"permissions": []string{"BROWSE_PROJECTS"}, "projects": []json.Number{json.Number(project.ID)}}}}},
		{"GET", "/rest/api/3/project/search?startAt=0&maxResults=10", nil},
		{"GET", "/rest/api/3/issuetype/project?projectId=" + project.ID, nil},
		{"GET", "/rest/api/3/project/WORK/statuses", nil},
		{"GET", "/rest/api/3/myself", nil},
		{"GET", "/rest/api/3/serverInfo", nil},
		{"GET", "/rest/api/3/search/jql?" + url.Values{"jql": {"project = WORK"}, "fields": {"summary,worklog"}, "maxResults": {"10"}}.Encode(), nil},
		{"POST", "/rest/api/3/search/jql", map[string]any{"jql": "project = WORK ORDER BY key", "fields": []string{"summary", "project"}, "maxResults": 1}},
		{"POST", "/rest/api/3/search/approximate-count", map[string]any{"jql": "project = WORK"}},
		{"GET", "/rest/api/3/search?jql=project%20%3D%20WORK", nil},
		{"POST", "/rest/api/3/search", map[string]any{"jql": "project = WORK"}},
		{"GET", "/rest/api/3/worklog/updated?since=0", nil},
	}
	for _, c := range calls {
		e.call(c.method, c.path, c.body)
	}

	var wl struct{ ID string }
	e.mustCall("POST", "/rest/api/3/issue/"+key+"/worklog", map[string]any{"timeSpentSeconds": 3600,
		"started": "2026-03-02T08:00:00.000+0000", "comment": adfDoc("Design")}, 201, &wl)
	e.call("GET", "/rest/api/3/issue/"+key+"/worklog?startAt=0&maxResults=10", nil)
	e.call("GET", "/rest/api/3/issue/"+key+"/worklog/"+wl.ID, nil)
	e.call("PUT", "/rest/api/3/issue/"+key+"/worklog/"+wl.ID, map[string]any{"timeSpentSeconds": 7200})
	id, _ := json.Marshal(wl.ID)
	e.call("POST", "/rest/api/3/worklog/list", fmt.Sprintf(`{"ids":[%s]}`, id[1:len(id)-1]))
	e.call("DELETE", "/rest/api/3/issue/"+key+"/worklog/"+wl.ID, nil)
	e.call("GET", "/rest/api/3/worklog/deleted?since=0", nil)

	var cm struct{ ID string }
	e.mustCall("POST", "/rest/api/3/issue/"+key+"/comment", map[string]any{"body": adfDoc("Reminder"),
		"properties": []any{map[string]any{"key": "remit-followup", "value": map[string]any{"event": 7}}}}, 201, &cm)
	e.call("POST", "/rest/api/3/comment/list?expand=properties", fmt.Sprintf(`{"ids":[%s]}`, cm.ID))
	e.call("PUT", "/rest/api/3/comment/"+cm.ID+"/properties/remit-note", map[string]any{"seen": true})
	e.call("GET", "/rest/api/3/comment/"+cm.ID+"/properties/remit-followup", nil)

	var tr struct{ Transitions []struct{ ID string } }
	e.mustCall("GET", "/rest/api/3/issue/"+key+"/transitions", nil, 200, &tr)
	if len(tr.Transitions) == 0 {
		t.Fatal("no transitions from the first status")
	}
	e.call("POST", "/rest/api/3/issue/"+key+"/transitions", map[string]any{"transition": map[string]string{"id": tr.Transitions[0].ID}})
	e.call("DELETE", "/rest/api/3/issue/"+other, nil)

	spec := contract.MustLoad(t)
	ok := map[string]bool{}
	for _, r := range e.site.Requests() {
		x := contract.Exchange{Method: r.Method, Path: r.Path, Query: r.Query, RequestType: r.RequestType, RequestBody: r.RequestBody,
			Status: r.Status, ResponseType: r.ResponseType, ResponseBody: r.ResponseBody}
		route := r.Endpoint[len(r.Method)+len(" /rest/api/{ver}"):]
		if goneFromJira[r.Method+" "+route] {
			if r.Status != 410 {
				t.Errorf("%s: %d, want 410 Gone", x, r.Status)
			}
			x.Status = 0
		}
		if err := spec.Check(x); err != nil {
			t.Errorf("%v", err)
			continue
		}
		if r.Status/100 == 2 || goneFromJira[r.Method+" "+route] {
			ok[r.Method+" "+route] = true
		}
	}
	for _, rt := range e.sim.restRoutes() {
		if !ok[rt.method+" "+rt.path] {
			t.Errorf("route %s %s was not exercised with a conforming exchange", rt.method, rt.path)
		}
	}
}
