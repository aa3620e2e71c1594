package jirasync_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jirasync"
	"github.com/remitapp/remit/internal/money"
)

// invoiceWithLines is an invoice of n one-hour lines at 95.50 whose
// descriptions are long issue summaries with characters JSON escapes or
// encodes in several bytes.
func invoiceWithLines(t *testing.T, n int) invoice.Invoice {
	t.Helper()
	date := func(s string) invoice.Date {
		d, err := invoice.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	inv := invoice.Invoice{Number: "INV-2026-0042", Customer: "Acme <Europe> & Co", Currency: money.Currency("EUR"),
		IssueDate: date("2026-11-15"), DueDate: date("2026-12-15"),
		Period:     invoice.Period{Start: date("2026-11-01"), End: date("2026-11-14")},
		TaxPercent: decimal.RequireFromString("20")}
	rate := decimal.RequireFromString("95.50")
	for i := range n {
		inv.Lines = append(inv.Lines, invoice.Line{IssueKey: fmt.Sprintf("ACME-%d", i+1),
			Description: fmt.Sprintf("Réglage n°%d <api> & %s", i+1, strings.Repeat("ü", 150)),
			Seconds:     3600, Hours: decimal.RequireFromString("1.00"), Rate: rate, Amount: rate})
		inv.Subtotal = inv.Subtotal.Add(rate)
	}
	inv.Tax = inv.Subtotal.Mul(decimal.RequireFromString("0.2"))
	inv.Total = inv.Subtotal.Add(inv.Tax)
	return inv
}

type adfNode struct {
	Type    string    `json:"type"`
	Text    string    `json:"text"`
	Content []adfNode `json:"content"`
}

func (n adfNode) text() string {
	var b strings.Builder
	b.WriteString(n.Text)
	for _, c := range n.Content {
		b.WriteString(c.text())
	}
	return b.String()
}

// TestDescriptionStaysUnderJiraLimit checks the invoice issue's
// description against Jira Cloud's 32,767-character limit, counted (as
// Jira does) on the serialised ADF: a short invoice lists every line; a
// long one lists the first lines, then how many more there are and what
// they add up to, and still shows the invoice's totals.
func TestDescriptionStaysUnderJiraLimit(t *testing.T) {
	t.Parallel()
	for _, n := range []int{3, 40, 145, 400, 5000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			inv := invoiceWithLines(t, n)
			raw, err := json.Marshal(jirasync.Description(inv).ADF())
			if err != nil {
				t.Fatal(err)
			}
			if l := len(utf16.Encode([]rune(string(raw)))); l > 32767 {
				t.Fatalf("description of %d lines is %d characters of ADF, over Jira's 32,767", n, l)
			}
			var doc adfNode
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			var listed []string
			var more, totals string
			for _, block := range doc.Content {
				switch {
				case block.Type == "table":
					for _, r := range block.Content[1:] {
						listed = append(listed, r.Content[0].text())
					}
				case strings.HasPrefix(block.text(), "…and "):
					more = block.text()
				case strings.HasPrefix(block.text(), "Subtotal "):
					totals = block.text()
				}
			}
			if !strings.Contains(totals, "Total "+inv.Total.StringFixed(2)+" EUR") {
				t.Errorf("totals %q, want the invoice total %s", totals, inv.Total.StringFixed(2))
			}
			for i, key := range listed {
				if key != inv.Lines[i].IssueKey {
					t.Fatalf("row %d lists %s, want %s", i, key, inv.Lines[i].IssueKey)
				}
			}
			if len(listed) == n {
				if more != "" {
					t.Errorf("every line listed, yet %q", more)
				}
				return
			}
			if len(listed) < 30 {
				t.Errorf("only %d of %d lines listed", len(listed), n)
			}
			rest := n - len(listed)
			restAmount := decimal.RequireFromString("95.50").Mul(decimal.NewFromInt(int64(rest)))
			want := fmt.Sprintf("…and %d more lines (%d.00 hours, %s EUR)", rest, rest, restAmount.StringFixed(2))
			if !strings.HasPrefix(more, want) || !strings.Contains(more, "PDF") {
				t.Errorf("summary of the rest %q, want it to start %q and point to the PDF", more, want)
			}
		})
	}
}
