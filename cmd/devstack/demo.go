package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/jirasim"
)

// demoAdmin is the demo site's administrator; the demo host acts as them.
const demoAdmin = "5b10a2844c20165700ede21g" // Ada Lovelace in jirasim.SeedDemo

// seedDemo configures Remit for the demo site through its own API, as the
// demo admin would in the admin page: settings, a customer, and an
// invoice for the first half of last month, issued the day after that
// half ended and due ten days later. Last month has at least 28 days, so
// the invoice is overdue today whatever today is, and it is never issued
// before its own period (SPEC §4). The second half of last month stays
// unbilled for the generate flow. It returns the invoice
// issue's key once the background job has created it.
func seedDemo(ctx context.Context, remitURL string, inst jirasim.Installation, now time.Time) (string, error) {
	api := func(method, path string, body, out any) error {
		tok, err := connect.SignContext(inst.SharedSecret, inst.ClientKey, demoAdmin, now, 5*time.Minute)
		if err != nil {
			return err
		}
		raw, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, method, remitURL+"/api/v1"+path, bytes.NewReader(raw))
		if err != nil {
			return err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Authorization", "JWT "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		if out != nil {
			return json.Unmarshal(b, out)
		}
		return nil
	}
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	settings := map[string]any{"billingProjectKey": "BILL", "currency": "USD", "timezone": "Europe/London",
		"seller": map[string]string{"name": "Analytical Engines Ltd", "address": "12 St James's Square, London", "email": "billing@engines.example"}}
	if err := api(http.MethodPut, "/settings", settings, nil); err != nil {
		return "", err
	}
	var customer struct{ ID int64 }
	acme := map[string]any{"name": "Acme Corporation", "jql": "project in (ACME, ACMESUP)", "currency": "USD", "hourlyRate": "120.00",
		"rateOverrides": map[string]any{"projects": map[string]string{"ACMESUP": "140.00"}}, "taxRatePercent": "8.875", "billingEmail": "ap@acme.example"}
	if err := api(http.MethodPost, "/customers", acme, &customer); err != nil {
		return "", err
	}
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	var inv struct {
		ID       int64
		IssueKey *string
	}
	end := first.AddDate(0, 0, 14)
	issued := end.AddDate(0, 0, 1)
	body := map[string]any{"customerId": customer.ID, "periodStart": day(first), "periodEnd": day(end),
		"issueDate": day(issued), "dueDate": day(issued.AddDate(0, 0, 10))}
	if err := api(http.MethodPost, "/invoices", body, &inv); err != nil {
		return "", err
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if err := api(http.MethodGet, fmt.Sprintf("/invoices/%d", inv.ID), nil, &inv); err == nil && inv.IssueKey != nil {
			// Run the follow-ups as the schedule would today, so the panel
			// shows the invoice's timeline: the reminders already due
			// (comments in Jira; e-mail is off in the demo) and the next step.
			if err := api(http.MethodPost, "/followups/run", map[string]any{"asOf": now.UTC().Format(time.RFC3339)}, nil); err != nil {
				return "", fmt.Errorf("follow-up run: %w", err)
			}
			return *inv.IssueKey, nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("the invoice issue was not created in the simulator within 30 s")
}
