package jirasim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

func TestControlAPI(t *testing.T) {
	e := newEnv(t)
	post := func(path string, body any, want int, out any) {
		t.Helper()
		raw, _ := json.Marshal(body)
		resp, err := http.Post(e.srv.URL+path, "application/json", bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("POST %s = %d, want %d", path, resp.StatusCode, want)
		}
		if out != nil {
			_ = json.NewDecoder(resp.Body).Decode(out)
		}
	}
	get := func(path string, out any) {
		t.Helper()
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_ = json.NewDecoder(resp.Body).Decode(out)
	}

	var site map[string]string
	post("/_sim/sites", map[string]string{"name": "globex"}, 201, &site)
	if site["baseUrl"] != e.srv.URL+"/jira/globex" || site["cloudId"] == "" {
		t.Fatalf("site = %v", site)
	}
	var seeded SeedResult
	post("/_sim/sites/globex/seed", SeedData{
		Projects: []ProjectSpec{{Key: "GLX"}},
		Issues:   []IssueSpec{{Project: "GLX", Summary: "one"}},
		Worklogs: []WorklogSpec{{Issue: "GLX-1", Author: "x", Started: e.clock.Now(), TimeSpentSeconds: 60}},
	}, 201, &seeded)
	if len(seeded.IssueKeys) != 1 || len(seeded.WorklogIDs) != 1 {
		t.Fatalf("seeded = %+v", seeded)
	}
	post("/_sim/sites/globex/seed", SeedData{Issues: []IssueSpec{{Project: "NOPE"}}}, 400, nil)

	var inst Installation
	post("/_sim/sites/globex/apps", map[string]string{"baseUrl": e.app.baseURL()}, 201, &inst)
	if inst.SharedSecret == "" || inst.AppKey != "io.remit.test" {
		t.Fatalf("installation = %+v", inst)
	}
	post("/_sim/faults", FaultRule{Site: "globex", Path: "/rest/**", Kind: FaultServerError, Count: 1}, 201, nil)
	var faults []FaultRule
	get("/_sim/faults", &faults)
	if len(faults) != 1 || faults[0].Kind != FaultServerError {
		t.Fatalf("faults = %+v", faults)
	}
	post("/_sim/sites/acme/issues", IssueSpec{Project: "BILL", Summary: "INV"}, 201, nil)
	post("/_sim/sites/acme/issues/BILL-1/transition", map[string]string{"transition": "Send invoice", "actor": "alice"}, 204, nil)
	post("/_sim/sites/acme/issues/BILL-1/transition", map[string]string{"transition": "Reopen"}, 400, nil)
	var issues []IssueView
	get("/_sim/sites/acme/issues", &issues)
	if len(issues) != 1 || issues[0].Status != "Sent" {
		t.Fatalf("issues = %+v", issues)
	}
	e.mustCall("GET", "/rest/api/3/myself", nil, 200, nil)
	var reqs struct {
		Requests []RequestRecord
		Counts   map[string]int
	}
	get("/_sim/sites/acme/requests", &reqs)
	if reqs.Counts["GET /rest/api/{ver}/myself"] != 1 || len(reqs.Requests) != 1 || reqs.Requests[0].Status != 200 {
		t.Fatalf("requests = %+v", reqs)
	}
}

func TestSeedDemo(t *testing.T) {
	e := newEnv(t)
	st, err := e.sim.SeedDemo()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(st.Issues()); n != 7 {
		t.Fatalf("demo issues = %d", n)
	}
	st.mu.Lock()
	got, err := st.runJQL("project in (ACME, ACMESUP) AND (labels not in (non-billable) OR labels is EMPTY)")
	st.mu.Unlock()
	if err != nil || len(got) != 6 {
		t.Fatalf("billable demo issues = %d, %v", len(got), err)
	}
}
