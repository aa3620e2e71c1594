package jirasim

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCreateIssueValidatesADF(t *testing.T) {
	e := newEnv(t)
	fields := func(desc any) map[string]any {
		return map[string]any{"fields": map[string]any{"project": map[string]string{"key": "BILL"},
			"issuetype": map[string]string{"name": "Task"}, "summary": "INV-1", "description": desc, "labels": []string{"invoice"}}}
	}
	bad := []any{
		"plain string on v3",
		map[string]any{"type": "doc", "version": 2, "content": []any{}},
		map[string]any{"type": "paragraph", "version": 1},
		map[string]any{"type": "doc", "version": 1, "content": []any{map[string]any{"type": "blink"}}},
		map[string]any{"type": "doc", "version": 1, "content": []any{map[string]any{"type": "paragraph", "content": []any{map[string]any{"type": "text"}}}}},
	}
	for _, d := range bad {
		status, body, _ := e.call("POST", "/rest/api/3/issue", fields(d))
		if status != 400 || !strings.Contains(string(body), `"description"`) {
			t.Errorf("description %v: %d %s", d, status, body)
		}
	}
	var created struct{ ID, Key, Self string }
	body := fields(adfDoc("Lines: 3h"))
	body["properties"] = []map[string]any{{"key": "remit-invoice", "value": map[string]string{"number": "INV-1"}}}
	e.mustCall("POST", "/rest/api/3/issue", body, 201, &created)
	if created.Key != "BILL-1" || !strings.HasSuffix(created.Self, "/rest/api/3/issue/"+created.ID) {
		t.Fatalf("created = %+v", created)
	}
	v, _ := e.site.Issue("BILL-1")
	if v.CreatedByApp != e.inst.AppKey || v.Description != "Lines: 3h" || string(v.Properties["remit-invoice"]) != `{"number":"INV-1"}` || v.Status != "Open" {
		t.Fatalf("stored = %+v", v)
	}

	// v2 takes a plain string description.
	v2 := fields("plain on v2")
	e.mustCall("POST", "/rest/api/2/issue", v2, 201, &created)

	var ec errorCollection
	e.mustCall("POST", "/rest/api/3/issue", map[string]any{"fields": map[string]any{"project": map[string]string{"key": "NOPE"}}}, 400, &ec)
	if ec.Errors["project"] == "" || ec.Errors["summary"] == "" || ec.Errors["issuetype"] == "" {
		t.Fatalf("errors = %+v", ec.Errors)
	}
}

func TestEditAndDeleteIssue(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{Labels: []string{"a", "b"}})
	e.mustCall("PUT", "/rest/api/3/issue/"+key, map[string]any{"update": map[string]any{"labels": []any{
		map[string]string{"add": "payment-hold"}, map[string]string{"remove": "a"}}}}, 204, nil)
	if v, _ := e.site.Issue(key); strings.Join(v.Labels, ",") != "b,payment-hold" {
		t.Fatalf("labels = %v", v.Labels)
	}
	e.mustCall("PUT", "/rest/api/3/issue/"+key, map[string]any{"fields": map[string]any{"labels": []string{"x"}}}, 204, nil)
	if v, _ := e.site.Issue(key); strings.Join(v.Labels, ",") != "x" {
		t.Fatalf("labels = %v", v.Labels)
	}
	e.mustCall("DELETE", "/rest/api/3/issue/"+key, nil, 204, nil)
	var ec errorCollection
	e.mustCall("GET", "/rest/api/3/issue/"+key, nil, 404, &ec)
	if len(ec.ErrorMessages) != 1 || ec.ErrorMessages[0] != msgIssueNotFound {
		t.Fatalf("404 body = %+v", ec)
	}
	e.flush()
	hooks := e.app.requests("/app/webhooks/issue")
	if len(hooks) != 3 { // two updates, one delete
		t.Fatalf("issue webhooks = %d, want 3", len(hooks))
	}
}

func TestPropertiesCreateThenUpdate(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{})
	path := "/rest/api/3/issue/" + key + "/properties/remit-invoice"
	e.mustCall("PUT", path, `{"number":"INV-1"}`, 201, nil)
	e.mustCall("PUT", path, `{"number":"INV-1","status":"paid"}`, 200, nil)
	var got struct {
		Key   string
		Value map[string]string
	}
	e.mustCall("GET", path, nil, 200, &got)
	if got.Key != "remit-invoice" || got.Value["status"] != "paid" {
		t.Fatalf("got %+v", got)
	}
	var list struct{ Keys []struct{ Key string } }
	e.mustCall("GET", "/rest/api/3/issue/"+key+"/properties", nil, 200, &list)
	if len(list.Keys) != 1 {
		t.Fatalf("keys = %+v", list)
	}
	for _, bad := range []string{"", "{not json", `"` + strings.Repeat("x", 32768) + `"`} {
		if status, _, _ := e.call("PUT", path, bad); status != 400 {
			t.Errorf("PUT %.20q = %d, want 400", bad, status)
		}
	}
	e.mustCall("PUT", "/rest/api/3/issue/WORK-999/properties/x", `1`, 404, nil)
	e.mustCall("DELETE", path, nil, 204, nil)
	e.mustCall("GET", path, nil, 404, nil)
}

func TestTransitionsByIDFromValidStatesOnly(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{Project: "BILL"})
	var list struct {
		Transitions []struct {
			ID, Name string
			To       struct{ Name string }
		}
	}
	e.mustCall("GET", "/rest/api/3/issue/"+key+"/transitions", nil, 200, &list)
	names := map[string]string{}
	for _, tr := range list.Transitions {
		names[tr.Name] = tr.To.Name
	}
	if names["Send invoice"] != "Sent" || names["Cancel"] != "Cancelled" || names["Mark paid"] != "" {
		t.Fatalf("transitions from Open = %+v", list.Transitions)
	}
	var ec errorCollection
	e.mustCall("POST", "/rest/api/3/issue/"+key+"/transitions", map[string]any{"transition": map[string]string{"id": "31"}}, 400, &ec) // Mark paid from Open
	if !strings.Contains(ec.ErrorMessages[0], "Transition id '31' is not valid") {
		t.Fatalf("error = %+v", ec)
	}
	e.mustCall("POST", "/rest/api/3/issue/"+key+"/transitions", map[string]any{"transition": map[string]string{"name": "Send invoice"}}, 400, nil)
	e.mustCall("POST", "/rest/api/3/issue/"+key+"/transitions", map[string]any{"transition": map[string]string{"id": "11"}}, 204, nil)
	e.mustCall("POST", "/rest/api/3/issue/"+key+"/transitions", map[string]any{"transition": map[string]string{"id": "31"}}, 204, nil)
	if v, _ := e.site.Issue(key); v.Status != "Paid" {
		t.Fatalf("status = %s", v.Status)
	}
	h := e.site.TransitionHistory()
	if len(h) != 2 || h[1].Name != "Mark paid" || h[1].From != "Sent" || h[1].To != "Paid" {
		t.Fatalf("history = %+v", h)
	}
}

func TestCommentsLinksAndPermissions(t *testing.T) {
	e := newEnv(t)
	a, b := e.issue(IssueSpec{}), e.issue(IssueSpec{Project: "BILL"})
	e.mustCall("POST", "/rest/api/3/issue/"+b+"/comment", map[string]any{"body": map[string]any{"type": "doc"}}, 400, nil)
	e.mustCall("POST", "/rest/api/3/issue/"+b+"/comment", map[string]any{"body": adfDoc("Reminder: INV-1 is due")}, 201, nil)
	e.mustCall("POST", "/rest/api/2/issue/"+b+"/comment", map[string]any{"body": "second"}, 201, nil)
	var page struct {
		Total    int
		Comments []struct{ Body json.RawMessage }
	}
	e.mustCall("GET", "/rest/api/2/issue/"+b+"/comment?startAt=1&maxResults=5", nil, 200, &page)
	if page.Total != 2 || len(page.Comments) != 1 || string(page.Comments[0].Body) != `"second"` {
		t.Fatalf("comments page = %+v", page)
	}
	if c := e.site.Comments(b); len(c) != 2 || c[0].Text != "Reminder: INV-1 is due" {
		t.Fatalf("read back = %+v", c)
	}

	link := map[string]any{"type": map[string]string{"name": "Relates"}, "inwardIssue": map[string]string{"key": b}, "outwardIssue": map[string]string{"key": a}}
	for range 2 {
		status, body, _ := e.call("POST", "/rest/api/3/issueLink", link)
		if status != 201 || len(body) != 0 {
			t.Fatalf("issueLink = %d %q", status, body)
		}
	}
	if l := e.site.Links(); len(l) != 1 {
		t.Fatalf("links = %+v", l)
	}

	bill := e.site.Projects()[1]
	if err := e.site.SetPermissions("alice", []string{"ADMINISTER"}, map[string][]string{"BILL": {"BROWSE_PROJECTS"}}); err != nil {
		t.Fatal(err)
	}
	var perms struct {
		GlobalPermissions  []string
		ProjectPermissions []struct {
			Permission string
			Projects   []int64
		}
	}
	check := map[string]any{"accountId": "alice", "globalPermissions": []string{"ADMINISTER"},
		"projectPermissions": []any{map[string]any{"permissions": []string{"BROWSE_PROJECTS", "ADMINISTER_PROJECTS"}, "projects": []json.Number{json.Number(bill.ID)}}}}
	e.mustCall("POST", "/rest/api/3/permissions/check", check, 200, &perms)
	if len(perms.GlobalPermissions) != 1 || len(perms.ProjectPermissions) != 1 || perms.ProjectPermissions[0].Permission != "BROWSE_PROJECTS" {
		t.Fatalf("alice = %+v", perms)
	}
	check["accountId"] = "bob"
	e.mustCall("POST", "/rest/api/3/permissions/check", check, 200, &perms)
	if len(perms.GlobalPermissions) != 0 || len(perms.ProjectPermissions) != 0 {
		t.Fatalf("bob = %+v", perms)
	}
}
