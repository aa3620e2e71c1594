package app_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/apptest"
)

// rowCounts is every table an API mistake could write to.
func rowCounts(t *testing.T, s *apptest.Stack) string {
	t.Helper()
	var out []string
	for _, table := range []string{"settings", "customers", "invoices", "invoice_lines", "billed_worklogs", "invoice_sequences", "audit_log", "river_job"} {
		query := "SELECT count(*) FROM " + table
		if table == "river_job" { // the jobs an invoice change enqueues; housekeeping comes and goes on its own
			query += ` WHERE kind = 'invoice_jira_sync'`
		}
		var n int
		if err := s.Pool.QueryRow(context.Background(), query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s=%d", table, n))
	}
	return strings.Join(out, " ")
}

// TestInvoiceAPIBadInput sends malformed and impossible requests; each gets
// the right status as a problem document and writes nothing.
func TestInvoiceAPIBadInput(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture()})
	b := newBillingSite(t, s, "inputs")
	acmeID, _ := b.configure(t)
	gen := func(extra string) []byte {
		return []byte(fmt.Sprintf(`{"customerId": %d, "periodStart": "2026-10-15", "periodEnd": "2026-11-14"%s}`, acmeID, extra))
	}
	cases := []struct {
		name, method, path string
		body               []byte
		status             int
		field              string // a field the problem must name
	}{
		{"malformed JSON", "POST", "/invoices", []byte(`{"customerId": 1,`), 400, ""},
		{"empty body", "POST", "/invoices", nil, 400, ""},
		{"two JSON values", "POST", "/invoices", []byte(`{} {}`), 400, ""},
		{"customerId of the wrong type", "POST", "/invoices", []byte(`{"customerId": "one", "periodStart": "2026-10-15", "periodEnd": "2026-11-14"}`), 400, "customerId"},
		{"impossible date", "POST", "/invoices", []byte(fmt.Sprintf(`{"customerId": %d, "periodStart": "2026-02-30", "periodEnd": "2026-11-14"}`, acmeID)), 400, "periodStart"},
		{"date of the wrong type", "POST", "/invoices/preview", []byte(fmt.Sprintf(`{"customerId": %d, "periodStart": 20261015, "periodEnd": "2026-11-14"}`, acmeID)), 400, "periodStart"},
		{"missing period", "POST", "/invoices", []byte(fmt.Sprintf(`{"customerId": %d}`, acmeID)), 400, "periodEnd"},
		{"unknown customer", "POST", "/invoices", []byte(`{"customerId": 987654, "periodStart": "2026-10-15", "periodEnd": "2026-11-14"}`), 404, ""},
		{"period end before start", "POST", "/invoices", []byte(fmt.Sprintf(`{"customerId": %d, "periodStart": "2026-11-14", "periodEnd": "2026-10-15"}`, acmeID)), 422, "periodEnd"},
		{"due before issue", "POST", "/invoices", gen(`, "issueDate": "2026-11-20", "dueDate": "2026-11-19"`), 422, "dueDate"},
		{"period with no work", "POST", "/invoices", []byte(fmt.Sprintf(`{"customerId": %d, "periodStart": "2025-01-01", "periodEnd": "2025-01-31"}`, acmeID)), 422, ""},
		{"customer JQL Jira rejects", "POST", "/customers", []byte(`{"name": "Bad JQL", "jql": "project = NOPE", "currency": "USD", "hourlyRate": "10"}`), 422, "jql"},
		{"customer JQL with ORDER BY", "POST", "/customers", []byte(`{"name": "Sorted", "jql": "project = ACME ORDER BY key", "currency": "USD", "hourlyRate": "10"}`), 422, "jql"},
		{"customer rate not a number", "POST", "/customers", []byte(`{"name": "Rate", "jql": "project = ACME", "currency": "USD", "hourlyRate": "ninety"}`), 400, "hourlyRate"},
		{"customer bad currency", "POST", "/customers", []byte(`{"name": "Cur", "jql": "project = ACME", "currency": "EURO", "hourlyRate": "10"}`), 422, "currency"},
		{"customer late-fee preset misspelt", "POST", "/customers", []byte(`{"name": "Typo", "jql": "project = ACME", "currency": "EUR", "hourlyRate": "10", "lateFeePolicy": "eu-directiv"}`), 422, "lateFeePolicy"},
		{"customer duplicate name", "POST", "/customers", []byte(`{"name": "acme", "jql": "project = ACME", "currency": "USD", "hourlyRate": "10"}`), 409, ""},
		{"settings with a project Jira lacks", "PUT", "/settings", []byte(`{"billingProjectKey": "NOPE", "timezone": "UTC"}`), 422, "billingProjectKey"},
		{"settings with an issue type the project lacks", "PUT", "/settings", []byte(`{"billingProjectKey": "BILL", "invoiceIssueType": "Invoice"}`), 422, "invoiceIssueType"},
		{"settings with a bad time zone", "PUT", "/settings", []byte(`{"billingProjectKey": "BILL", "timezone": "Mars/Olympus"}`), 422, "timezone"},
		{"settings field of the wrong type", "PUT", "/settings", []byte(`{"billingProjectKey": "BILL", "paymentTermsDays": "thirty"}`), 400, "paymentTermsDays"},
		{"settings choices for a project Jira lacks", "GET", "/settings/choices?project=NOPE", nil, 422, "project"},
		{"invoice id not a number", "GET", "/invoices/abc", nil, 404, ""},
		{"unknown invoice", "GET", "/invoices/424242", nil, 404, ""},
		{"void unknown invoice", "POST", "/invoices/424242/void", nil, 404, ""},
		{"bad list filter", "GET", "/invoices?status=lost", nil, 400, "status"},
		{"bad page size", "GET", "/invoices?limit=5000", nil, 400, "limit"},
		{"bad cursor", "GET", "/customers?cursor=not-a-cursor", nil, 400, "cursor"},
		{"body over 1 MiB", "POST", "/customers", bytes.Repeat([]byte(" "), 1<<20+10), 413, ""},
	}
	before := rowCounts(t, s)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body any
			if c.body != nil {
				body = c.body
			}
			r := b.API(t, c.method, c.path, body, nil)
			if r.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %v", r.StatusCode, c.status, apptest.Problem(t, r))
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("content type %q", ct)
			}
			p := apptest.Problem(t, r)
			if p["status"] != float64(c.status) || p["title"] == "" {
				t.Fatalf("problem %v", p)
			}
			if c.field != "" {
				errs, _ := p["errors"].(map[string]any)
				if _, ok := errs[c.field]; !ok {
					t.Fatalf("problem does not name %s: %v", c.field, p)
				}
			}
			if after := rowCounts(t, s); after != before {
				t.Fatalf("wrote something:\nbefore %s\n after %s", before, after)
			}
		})
	}
	// Jira's own words come back for a JQL it rejects.
	r := b.API(t, "POST", "/customers", []byte(`{"name": "Bad JQL", "jql": "project = NOPE", "currency": "USD", "hourlyRate": "10"}`), nil)
	if p := apptest.Problem(t, r); !strings.Contains(fmt.Sprint(p["errors"]), "NOPE") {
		t.Fatalf("Jira's message not passed through: %v", p)
	}
}

// TestSettingsChoicesOverHTTP: the settings form's choices carry the
// billing project's statuses as the Jira site has them, by default the
// saved project's, with the currencies and time zones.
func TestSettingsChoicesOverHTTP(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture()})
	b := newBillingSite(t, s, "choices")
	var before struct{ Statuses, Currencies, Timezones []string }
	if r := b.API(t, "GET", "/settings/choices", nil, &before); r.StatusCode != 200 {
		t.Fatalf("choices before settings: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	if before.Statuses == nil || len(before.Statuses) != 0 || !slices.Contains(before.Currencies, "USD") || !slices.Contains(before.Timezones, "America/New_York") {
		t.Fatalf("choices with no billing project = %+v, want no statuses and the currencies and zones", before)
	}
	b.configure(t)
	for _, path := range []string{"/settings/choices", "/settings/choices?project=BILL"} {
		var got struct{ Statuses []string }
		if r := b.API(t, "GET", path, nil, &got); r.StatusCode != 200 {
			t.Fatalf("%s: %d %v", path, r.StatusCode, apptest.Problem(t, r))
		}
		if want := []string{"Open", "Sent", "Overdue", "Paid", "Cancelled"}; !slices.Equal(got.Statuses, want) {
			t.Errorf("%s: statuses = %v, want %v", path, got.Statuses, want)
		}
	}
}

// TestTenantIsolationOverHTTP: a second site's users get 404 for every
// invoice and customer of the first, and never see them in lists.
func TestTenantIsolationOverHTTP(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture()})
	a := newBillingSite(t, s, "site-a")
	acmeID, _ := a.configure(t)
	var inv invoiceResp
	if r := a.API(t, "POST", "/invoices", map[string]any{"customerId": acmeID, "periodStart": periodStart, "periodEnd": periodEnd}, &inv); r.StatusCode != 201 {
		t.Fatalf("create: %d", r.StatusCode)
	}
	issue := waitIssue(t, a, inv.Number, "Sent")
	bsite := newBillingSite(t, s, "site-b")
	bsite.configure(t)
	id, cid := itoa(inv.ID), itoa(acmeID)
	before := rowCounts(t, s)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/invoices/" + id, ""},
		{"GET", "/invoices/" + id + "/pdf", ""},
		{"POST", "/invoices/" + id + "/void", ""},
		{"GET", "/invoices/by-issue/" + issue.Key, ""},
		{"GET", "/customers/" + cid, ""},
		{"PUT", "/customers/" + cid, `{"name": "Mine now", "jql": "project = ACME", "currency": "USD", "hourlyRate": "1"}`},
		{"DELETE", "/customers/" + cid, ""},
		{"POST", "/invoices/preview", fmt.Sprintf(`{"customerId": %d, "periodStart": "%s", "periodEnd": "%s"}`, acmeID, periodStart, periodEnd)},
		{"POST", "/invoices", fmt.Sprintf(`{"customerId": %d, "periodStart": "%s", "periodEnd": "%s"}`, acmeID, periodStart, periodEnd)},
	} {
		var body any
		if c.body != "" {
			body = []byte(c.body)
		}
		r := bsite.API(t, c.method, c.path, body, nil)
		if r.StatusCode != 404 {
			t.Errorf("%s %s from another tenant: %d, want 404", c.method, c.path, r.StatusCode)
		}
	}
	if after := rowCounts(t, s); after != before {
		t.Fatalf("another tenant's calls wrote:\nbefore %s\n after %s", before, after)
	}
	var list struct{ Items []invoiceResp }
	bsite.API(t, "GET", "/invoices", nil, &list)
	if len(list.Items) != 0 {
		t.Fatalf("another tenant lists %d invoices", len(list.Items))
	}
	var customers struct{ Items []struct{ ID int64 } }
	bsite.API(t, "GET", "/customers", nil, &customers)
	for _, c := range customers.Items {
		if c.ID == acmeID {
			t.Fatal("another tenant lists the customer")
		}
	}
}

// TestInvoicePDF downloads the PDF over the API and reads it back with
// pdftotext: the number, the totals and a summary full of markup appear
// literally.
func TestInvoicePDF(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is missing: run scripts/deps.sh")
	}
	s := apptest.Start(t, apptest.Options{WithSim: true, Clock: novemberFixture()})
	b := newBillingSite(t, s, "pdf")
	acmeID, _ := b.configure(t)
	var inv invoiceResp
	if r := b.API(t, "POST", "/invoices", map[string]any{"customerId": acmeID, "periodStart": periodStart, "periodEnd": periodEnd}, &inv); r.StatusCode != 201 {
		t.Fatalf("create: %d", r.StatusCode)
	}
	first := decimal.RequireFromString("10.00")
	rest := decimal.RequireFromString(inv.Total).Sub(first)
	plan := map[string]any{"installments": []map[string]string{
		{"dueDate": "2026-12-20", "amount": first.StringFixed(2)}, {"dueDate": "2027-01-20", "amount": rest.StringFixed(2)}}}
	if r := b.API(t, "PUT", "/invoices/"+itoa(inv.ID)+"/plan", plan, nil); r.StatusCode != 200 {
		t.Fatalf("plan: %d %v", r.StatusCode, apptest.Problem(t, r))
	}
	r := b.API(t, "GET", "/invoices/"+itoa(inv.ID)+"/pdf", nil, nil)
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(r.Header.Get("Content-Disposition"), inv.Number+".pdf") {
		t.Fatalf("pdf: %d %s %s", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	var pdf bytes.Buffer
	_, _ = pdf.ReadFrom(r.Body)
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, pdf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{inv.Number, inv.Subtotal, inv.Tax, inv.Total, "Remit Consulting LLC", "Acme", "2026-10-15", "ACME task 1 <b>&amp;</b>",
		"Payment plan", "2027-01-20", rest.StringFixed(2)} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("PDF text:\n%.3000s", text)
	}
}
