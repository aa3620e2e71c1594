package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/apptest"
	"github.com/remitapp/remit/internal/jirasim"
)

// lockedBuffer collects log output written from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}

// jwtShape matches any compact JWS (header and claims are base64url JSON
// objects, so both start with "eyJ").
var jwtShape = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)

// TestLogsCarryIDsAndNoSecrets runs a whole flow with every log line at
// debug level captured: a signed install, settings and customers checked
// against Jira, an invoice projected into Jira through 503s and 429s, the
// invoice moved to Paid in Jira (a signed webhook), refused tokens, and
// a panic-free 4xx tour. Then it reads every line: none may contain the
// tenant's shared secret, the encryption key (in base64 or raw) or any
// JWT; each request line names its request id and, once verified, its
// tenant; and the job metrics saw the webhook and sync jobs.
func TestLogsCarryIDsAndNoSecrets(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture(), LogWriter: logs})
	b := newBillingSite(t, s, "logs")
	acmeID, _ := b.configure(t)

	// Faults on the way into Jira make the sync job fail, log and retry:
	// a 429 and then five 503s on the issue property (an idempotent PUT,
	// retried in place until the transport's budget is spent). A 503 to
	// the issue creation itself is not retried in place: the write may
	// have happened.
	s.Sim.AddFault(jirasim.FaultRule{Site: "logs", Method: "PUT", Path: "/rest/api/3/issue/*/properties/*", Kind: jirasim.FaultRateLimit, RetryAfter: 1, Count: 1})
	s.Sim.AddFault(jirasim.FaultRule{Site: "logs", Method: "PUT", Path: "/rest/api/3/issue/*/properties/*", Kind: jirasim.FaultServerError, Status: 503, Count: 5})
	var inv invoiceResp
	body := map[string]any{"customerId": acmeID, "periodStart": periodStart, "periodEnd": periodEnd, "issueDate": "2026-11-16"}
	if r := b.API(t, "POST", "/invoices", body, &inv); r.StatusCode != 201 {
		t.Fatalf("create: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	issue := waitIssue(t, b, inv.Number, "Sent")

	// Jira → Remit: the move to Paid arrives as a signed webhook.
	if err := b.Site.Site.TransitionIssue(issue.Key, "Paid", admin); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.Sim.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the webhook job to complete", func() bool {
		var n int
		err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'webhook' AND state = 'completed'`).Scan(&n)
		return err == nil && n > 0
	})
	waitFor(t, ctx, "the invoice to be paid", func() bool {
		var got invoiceResp
		return b.API(t, "GET", fmt.Sprintf("/invoices/%d", inv.ID), nil, &got).StatusCode == 200 && got.Status == "paid"
	})
	// The issue shows before the sync job that created it has completed:
	// its property write is still being retried past the 503s.
	waitFor(t, ctx, "a Jira sync job to complete", func() bool {
		var n int
		err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'invoice_jira_sync' AND state = 'completed'`).Scan(&n)
		return err == nil && n > 0
	})

	// Refusals: a token signed with the wrong secret, a token for an
	// unknown tenant, and an expired one all end in log lines.
	good := b.Token(t)
	parts := strings.Split(good, ".")
	for _, auth := range []string{"JWT " + parts[0] + "." + parts[1] + ".AAAA", "JWT not-a-jwt", "JWT " + good + "x"} {
		if r := s.Do(t, "GET", "/api/v1/settings", auth, nil, nil); r.StatusCode != 401 {
			t.Fatalf("bad token answered %d", r.StatusCode)
		}
	}
	// A 404 and a 400 with a token in the query string.
	s.Do(t, "GET", "/api/v1/invoices/999999?jwt="+good, "JWT "+good, nil, nil)
	s.Do(t, "GET", "/pages/admin?jwt="+good, "", nil, nil)

	metrics := scrape(t, s.OpsURL+"/metrics")
	for _, want := range []string{
		`remit_jobs_total{kind="webhook",outcome="completed"}`,
		`remit_jobs_total{kind="invoice_jira_sync",outcome="completed"}`,
		`remit_webhook_lag_seconds_count`,
		`remit_job_duration_seconds_count{kind="webhook"}`,
	} {
		if v, ok := metrics[want]; !ok || v < 1 {
			t.Errorf("metric %s = %v (present %v), want ≥ 1", want, v, ok)
		}
	}
	if metrics[`remit_jobs_total{kind="invoice_jira_sync",outcome="retried"}`] < 1 {
		t.Errorf("the sync job's failed run under the injected 503 was not counted as retried")
	}

	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	out := logs.Bytes()
	key := "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // apptest's REMIT_ENCRYPTION_KEY
	rawKey, _ := base64.StdEncoding.DecodeString(key)
	secrets := map[string]string{
		"shared secret":          b.Inst.SharedSecret,
		"encryption key":         key,
		"encryption key (raw)":   string(rawKey),
		"encryption key (hex-y)": fmt.Sprintf("%x", rawKey),
		"context token":          good,
		"token signature":        parts[2],
	}
	lines, requests, tenantLines := 0, 0, 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		lines++
		for what, secret := range secrets {
			if secret != "" && strings.Contains(line, secret) {
				t.Errorf("the %s appears in the logs: %s", what, line)
			}
		}
		if m := jwtShape.FindString(line); m != "" {
			t.Errorf("a JWT appears in the logs: %s", line)
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("a log line is not JSON: %q", line)
			continue
		}
		if rec["msg"] != "http request" {
			continue
		}
		requests++
		if id, _ := rec["request_id"].(string); id == "" {
			t.Errorf("request line without request_id: %s", line)
		}
		route, _ := rec["route"].(string)
		status, _ := rec["status"].(float64)
		if strings.HasPrefix(route, "/api/v1/") && status < 400 {
			if ck, _ := rec["client_key"].(string); ck != b.Inst.ClientKey {
				t.Errorf("verified API request logged without its tenant: %s", line)
			}
			tenantLines++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if lines < 50 || requests < 10 || tenantLines < 5 {
		t.Fatalf("too little was logged to judge: %d lines, %d request lines, %d with a tenant", lines, requests, tenantLines)
	}
	for _, want := range []string{`"msg":"token refused"`, `"level":"WARN"`, `Job errored`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the run never logged %s, so the check saw less than it should", want)
		}
	}
	t.Logf("%d log lines, %d request lines checked", lines, requests)
}

// waitFor polls cond every 20 ms until it holds or ctx ends.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for ctx.Err() == nil {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// scrape reads a Prometheus text exposition into sample name{labels} → value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]float64{}
	for _, line := range strings.Split(string(raw), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		var v float64
		if _, err := fmt.Sscan(line[i+1:], &v); err == nil {
			out[line[:i]] = v
		}
	}
	return out
}
