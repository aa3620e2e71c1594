package jirasim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRESTFaults(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{})

	e.sim.AddFault(FaultRule{Method: "GET", Path: "/rest/api/*/issue/*", Kind: FaultRateLimit, RetryAfter: 7, Count: 1})
	status, _, h := e.call("GET", "/rest/api/3/issue/"+key, nil)
	if status != 429 || h.Get("Retry-After") != "7" || h.Get("Beta-Retry-After") != "7" || h.Get("RateLimit-Reason") != "jira-burst-based" {
		t.Fatalf("429 fault: %d %v", status, h)
	}
	e.mustCall("GET", "/rest/api/3/issue/"+key, nil, 200, nil) // count exhausted

	e.sim.ClearFaults()
	e.sim.AddFault(FaultRule{Path: "/rest/api/3/myself", Kind: FaultServerError, RetryAfter: 2, Count: 1})
	status, _, h = e.call("GET", "/rest/api/3/myself", nil)
	if status != 503 || h.Get("Retry-After") != "2" {
		t.Fatalf("503 fault: %d %v", status, h)
	}

	e.sim.AddFault(FaultRule{Path: "/rest/api/3/serverInfo", Kind: FaultLatency, LatencyMS: 80, Count: 1})
	start := time.Now()
	e.mustCall("GET", "/rest/api/3/serverInfo", nil, 200, nil)
	if time.Since(start) < 80*time.Millisecond {
		t.Fatal("latency fault did not delay")
	}

	// Dropped after commit: the client sees a transport error, yet the
	// comment exists.
	e.sim.AddFault(FaultRule{Method: "POST", Path: "/rest/api/3/issue/*/comment", Kind: FaultDropAfterCommit, Count: 1})
	if err := rawPost(e, "/rest/api/3/issue/"+key+"/comment", `{"body":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"dropped"}]}]}}`); err == nil {
		t.Fatal("dropped response reached the client")
	}
	if c := e.site.Comments(key); len(c) != 1 || c[0].Text != "dropped" {
		t.Fatalf("write not committed: %+v", c)
	}

	// Closed before handling: error, and nothing written.
	e.sim.AddFault(FaultRule{Method: "POST", Path: "/rest/api/3/issue/*/comment", Kind: FaultCloseBefore, Count: 1})
	if err := rawPost(e, "/rest/api/3/issue/"+key+"/comment", `{"body":{"type":"doc","version":1,"content":[]}}`); err == nil {
		t.Fatal("closed connection reached the client")
	}
	if c := e.site.Comments(key); len(c) != 1 {
		t.Fatalf("close-before wrote: %+v", c)
	}

	var faults []string
	for _, r := range e.site.Requests() {
		if r.Fault != "" {
			faults = append(faults, r.Fault)
		}
	}
	if strings.Join(faults, ",") != "429,5xx,latency,drop_after_commit,close_before" {
		t.Fatalf("logged faults = %v", faults)
	}
}

func TestProbabilisticFaultsAreDeterministicWhenSeeded(t *testing.T) {
	run := func() []int {
		e := newEnv(t)
		e.sim.AddFault(FaultRule{Path: "/rest/api/3/myself", Kind: FaultServerError, Probability: 0.5})
		var got []int
		for range 20 {
			s, _, _ := e.call("GET", "/rest/api/3/myself", nil)
			got = append(got, s)
		}
		return got
	}
	a, b := run(), run()
	n503 := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("runs differ at %d: %v vs %v", i, a, b)
		}
		if a[i] == 503 {
			n503++
		}
	}
	if n503 == 0 || n503 == 20 {
		t.Fatalf("probability 0.5 gave %d/20 faults", n503)
	}
}

func TestRateLimitHeaders(t *testing.T) {
	e := newEnv(t)
	e.site.SetRateLimit(5)
	_, _, h := e.call("GET", "/rest/api/3/myself", nil)
	if h.Get("X-RateLimit-Limit") != "5" || h.Get("X-RateLimit-Remaining") != "4" || h.Get("X-RateLimit-NearLimit") != "" || h.Get("X-RateLimit-Reset") == "" {
		t.Fatalf("headers %v", h)
	}
	for range 4 {
		_, _, h = e.call("GET", "/rest/api/3/myself", nil)
	}
	if h.Get("X-RateLimit-NearLimit") != "true" || h.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("near limit not flagged: %v", h)
	}
	status, _, h := e.call("GET", "/rest/api/3/myself", nil)
	if status != 429 || h.Get("Retry-After") == "" || h.Get("RateLimit-Reason") == "" {
		t.Fatalf("over quota: %d %v", status, h)
	}
}

// rawPost signs and sends a request, returning the transport error.
func rawPost(e *env, path, body string) error {
	req, _ := http.NewRequest("POST", e.site.BaseURL()+path, strings.NewReader(body))
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	req.Header.Set("Authorization", signedAuth(e, "POST", req))
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}
