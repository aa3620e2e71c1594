package jirasim

import (
	"encoding/json"
	"testing"

	"github.com/remitapp/remit/internal/jirasim/contract"
)

// TestRoutesAreDocumented holds every REST route the simulator serves to
// Atlassian's OpenAPI document: each must be one documented operation
// (same literal segments, parameters where the document has them).
func TestRoutesAreDocumented(t *testing.T) {
	t.Parallel()
	spec := contract.MustLoad(t)
	s := New(Options{})
	defer s.Close()
	for _, rt := range s.restRoutes() {
		if _, err := spec.FindTemplate(rt.method, "/rest/api/3"+rt.path); err != nil {
			t.Errorf("route %s %s: %v", rt.method, rt.path, err)
		}
	}
}

// TestRESTRouting routes overlapping templates as Jira does (the more
// literal one wins) and answers paths and methods it does not serve with
// Jira's error shape.
func TestRESTRouting(t *testing.T) {
	e := newEnv(t)
	var meta struct{ IssueTypes []struct{ Name string } }
	e.mustCall("GET", "/rest/api/3/issue/createmeta/WORK/issuetypes", nil, 200, &meta)
	if len(meta.IssueTypes) == 0 {
		t.Fatalf("createmeta = %+v", meta)
	}
	key := e.issue(IssueSpec{})
	e.mustCall("GET", "/rest/api/3/issue/"+key+"/properties/remit-invoice", nil, 404, nil)
	for _, c := range []struct {
		method, path string
		want         int
	}{{"GET", "/rest/api/3/nothing", 404}, {"GET", "/rest/api/3/issue/" + key + "/nothing/here", 404}, {"PATCH", "/rest/api/3/myself", 405}} {
		status, body, _ := e.call(c.method, c.path, nil)
		var ec errorCollection
		if status != c.want || json.Unmarshal(body, &ec) != nil || ec.Errors == nil {
			t.Errorf("%s %s: %d %s, want %d with Jira's error shape", c.method, c.path, status, body, c.want)
		}
	}
	if n := e.site.RequestCounts()["GET /rest/api/{ver}/issue/createmeta/{project}/issuetypes"]; n != 1 {
		t.Errorf("createmeta logged %d times under its template", n)
	}
}
