package jirasim

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/connect"
)

// verifyWebhook checks a delivery the way Remit must: HS256 with the
// shared secret, iss = clientKey, qsh over the path and query with the
// app's base path stripped.
func verifyWebhook(t *testing.T, e *env, r appRequest) {
	t.Helper()
	raw := strings.TrimPrefix(r.Header.Get("Authorization"), "JWT ")
	claims := jwt.MapClaims{}
	if _, err := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithTimeFunc(e.clock.Now)).
		ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return []byte(e.inst.SharedSecret), nil }); err != nil {
		t.Fatalf("webhook token: %v", err)
	}
	u, _ := url.Parse(r.Path)
	if claims["iss"] != e.inst.ClientKey || claims["qsh"] != connect.QSHForURL("POST", u, "/app") {
		t.Fatalf("claims = %v for %s", claims, r.Path)
	}
	if r.Header.Get("X-Atlassian-Webhook-Identifier") == "" {
		t.Fatal("no webhook identifier")
	}
}

func TestWebhookDeliveryShapeAndSignature(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{Project: "BILL"})
	if err := e.site.TransitionIssue(key, "Sent", "alice"); err != nil {
		t.Fatal(err)
	}
	id, err := e.site.AddWorklog(WorklogSpec{Issue: key, Author: "bob", Started: e.clock.Now(), TimeSpentSeconds: 3600, Comment: "call"})
	if err != nil {
		t.Fatal(err)
	}
	e.flush()

	issueHooks := e.app.requests("/app/webhooks/issue")
	if len(issueHooks) != 1 || issueHooks[0].Path != "/app/webhooks/issue?key="+key {
		t.Fatalf("issue hooks = %+v", issueHooks)
	}
	verifyWebhook(t, e, issueHooks[0])
	var ev struct {
		WebhookEvent string
		User         struct{ AccountID string }
		Issue        struct{ Key string }
		Changelog    struct {
			Items []struct{ Field, From, FromString, To, ToString string }
		}
	}
	if err := json.Unmarshal(issueHooks[0].Body, &ev); err != nil {
		t.Fatal(err)
	}
	it := ev.Changelog.Items[0]
	if ev.WebhookEvent != "jira:issue_updated" || ev.Issue.Key != key || ev.User.AccountID != "alice" ||
		it.Field != "status" || it.FromString != "Open" || it.ToString != "Sent" || it.From == "" || it.To == "" {
		t.Fatalf("event = %+v", ev)
	}

	wl := e.app.requests("/app/webhooks/worklog")
	if len(wl) != 1 {
		t.Fatalf("worklog hooks = %d", len(wl))
	}
	verifyWebhook(t, e, wl[0])
	var wev struct {
		WebhookEvent string
		Worklog      map[string]any
	}
	_ = json.Unmarshal(wl[0].Body, &wev)
	if wev.WebhookEvent != "worklog_created" || wev.Worklog["id"] != id || wev.Worklog["issueId"] == nil || wev.Worklog["comment"] != "call" {
		t.Fatalf("worklog event = %+v", wev)
	}
	if _, hasKey := wev.Worklog["issueKey"]; hasKey {
		t.Fatal("worklog events carry no issue key")
	}
}

func TestWebhookRetriesKeepIdentifier(t *testing.T) {
	e := newEnv(t)
	e.app.mu.Lock()
	e.app.replies = []int{503, 429}
	e.app.mu.Unlock()
	key := e.issue(IssueSpec{})
	if err := e.site.DeleteIssue(key, "alice"); err != nil {
		t.Fatal(err)
	}
	e.flush()
	got := e.app.requests("/app/webhooks/issue")
	if len(got) != 3 {
		t.Fatalf("attempts = %d, want 3", len(got))
	}
	for i, r := range got {
		if r.Header.Get("X-Atlassian-Webhook-Identifier") != got[0].Header.Get("X-Atlassian-Webhook-Identifier") {
			t.Fatal("identifier changed across retries")
		}
		if want := map[int]string{0: "", 1: "1", 2: "2"}[i]; r.Header.Get("X-Atlassian-Webhook-Retry") != want {
			t.Fatalf("attempt %d retry header %q", i, r.Header.Get("X-Atlassian-Webhook-Retry"))
		}
	}
	log := e.site.Webhooks()
	if len(log) != 3 || log[0].Status != 503 || log[2].Status != 204 {
		t.Fatalf("delivery log = %+v", log)
	}
}

func TestWebhookFaults(t *testing.T) {
	e := newEnv(t)
	key := e.issue(IssueSpec{})
	e.sim.AddWebhookFault(WebhookFault{Event: "worklog_created", Kind: WebhookDuplicate, Copies: 2, Count: 1})
	if _, err := e.site.AddWorklog(WorklogSpec{Issue: key, Author: "bob", Started: e.clock.Now(), TimeSpentSeconds: 60}); err != nil {
		t.Fatal(err)
	}
	e.flush()
	dups := e.app.requests("/app/webhooks/worklog")
	if len(dups) != 3 {
		t.Fatalf("duplicates = %d, want 3", len(dups))
	}
	for _, d := range dups {
		verifyWebhook(t, e, d)
		if d.Header.Get("X-Atlassian-Webhook-Identifier") != dups[0].Header.Get("X-Atlassian-Webhook-Identifier") || d.Header.Get("X-Atlassian-Webhook-Retry") != "" {
			t.Fatal("duplicates must share the identifier and not look like retries")
		}
	}

	e.sim.ClearWebhookFaults()
	e.sim.AddWebhookFault(WebhookFault{Event: "comment_created", Kind: WebhookReorder, Batch: 3})
	for _, text := range []string{"first", "second", "third"} {
		e.mustCall("POST", "/rest/api/2/issue/"+key+"/comment", map[string]string{"body": text}, 201, nil)
	}
	e.flush()
	var order []string
	for _, r := range e.app.requests("/app/webhooks/comment") {
		var ev struct{ Comment struct{ Body string } }
		_ = json.Unmarshal(r.Body, &ev)
		order = append(order, ev.Comment.Body)
	}
	if strings.Join(order, ",") != "third,second,first" {
		t.Fatalf("reordered = %v", order)
	}

	e.sim.ClearWebhookFaults()
	e.sim.AddWebhookFault(WebhookFault{Event: "worklog_deleted", Kind: WebhookDelay, Delay: 50 * time.Millisecond})
	start := time.Now()
	if n := e.site.SendEvent("worklog_deleted", map[string]any{"webhookEvent": "worklog_deleted"}); n != 1 {
		t.Fatalf("SendEvent queued %d", n)
	}
	e.flush()
	if time.Since(start) < 50*time.Millisecond || len(e.app.requests("/app/webhooks/worklog")) != 4 {
		t.Fatal("delayed delivery not delivered after the delay")
	}
}
