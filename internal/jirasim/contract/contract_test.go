package contract_test

import (
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/jirasim/contract"
)

const jsonType = "application/json"

// TestCheckFindsEachKindOfMismatch makes sure the checker can fail: each
// exchange breaks the document in one way and must be refused with a
// message naming it, and the conforming ones must pass.
func TestCheckFindsEachKindOfMismatch(t *testing.T) {
	t.Parallel()
	spec := contract.MustLoad(t)
	search := func(body string) contract.Exchange {
		return contract.Exchange{Method: "POST", Path: "/rest/api/3/search/jql", RequestType: jsonType, RequestBody: []byte(body)}
	}
	tests := []struct {
		name string
		x    contract.Exchange
		want string // "" for a conforming exchange
	}{
		{"search", search(`{"jql":"project = ACME","fields":["summary"],"maxResults":100}`), ""},
		{"v2 twin", contract.Exchange{Method: "GET", Path: "/rest/api/2/myself"}, ""},
		{"literal beats parameter", contract.Exchange{Method: "GET", Path: "/rest/api/3/issue/createmeta/BILL/issuetypes"}, ""},
		{"myself answer", contract.Exchange{Method: "GET", Path: "/rest/api/3/myself", Status: 200, ResponseType: jsonType,
			ResponseBody: []byte(`{"accountId":"557058:x","accountType":"app","active":true,"displayName":"Remit"}`)}, ""},
		{"unknown path", contract.Exchange{Method: "GET", Path: "/rest/api/3/thing"}, "no documented operation"},
		{"unknown method", contract.Exchange{Method: "PATCH", Path: "/rest/api/3/issue/BILL-1"}, "not the method"},
		{"undeclared query parameter", contract.Exchange{Method: "GET", Path: "/rest/api/3/myself", Query: "fields=status"}, "[fields] are not declared"},
		{"bad query value", contract.Exchange{Method: "GET", Path: "/rest/api/3/project/search", Query: "maxResults=many"}, "maxResults"},
		{"body of the wrong type", search(`{"jql":"x","maxResults":"ten"}`), "maxResults"},
		{"body missing", contract.Exchange{Method: "POST", Path: "/rest/api/3/permissions/check", RequestType: jsonType}, "request body"},
		{"undocumented status", contract.Exchange{Method: "GET", Path: "/rest/api/3/myself", Status: 418, ResponseType: jsonType, ResponseBody: []byte(`{}`)}, "status is not supported"},
		{"answer off its schema", contract.Exchange{Method: "GET", Path: "/rest/api/3/myself", Status: 200, ResponseType: jsonType,
			ResponseBody: []byte(`{"accountId":7}`)}, "accountId"},
		{"date-time neither RFC 3339 nor Jira's", contract.Exchange{Method: "GET", Path: "/rest/api/3/issue/1/worklog/2", Status: 200, ResponseType: jsonType,
			ResponseBody: []byte(`{"id":"2","started":"05/11/2026 09:00"}`)}, "started"},
		{"date-time as Jira writes it", contract.Exchange{Method: "GET", Path: "/rest/api/3/issue/1/worklog/2", Status: 200, ResponseType: jsonType,
			ResponseBody: []byte(`{"id":"2","started":"2026-11-05T09:00:00.000+0000"}`)}, ""},
	}
	for _, tc := range tests {
		err := spec.Check(tc.x)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && err == nil:
			t.Errorf("%s: %v passed", tc.name, tc.x)
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("%s: error %q does not mention %q", tc.name, err, tc.want)
		}
	}
}

// TestFindTemplate matches route templates, whatever their parameters
// are called, and only where the document has the same shape.
func TestFindTemplate(t *testing.T) {
	t.Parallel()
	spec := contract.MustLoad(t)
	if got, err := spec.FindTemplate("GET", "/rest/api/{ver}/issue/{key}/worklog/{id}"); err != nil || got != "/rest/api/3/issue/{issueIdOrKey}/worklog/{id}" {
		t.Errorf("worklog route = %q, %v", got, err)
	}
	for _, route := range []string{"/rest/api/{ver}/issue/{key}/{sub}/{leaf}", "/rest/api/{ver}/issue/{key}/thing", "/rest/api/{ver}/{rest}"} {
		if got, err := spec.FindTemplate("GET", route); err == nil {
			t.Errorf("%s matched %s", route, got)
		}
	}
}
