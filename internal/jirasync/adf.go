package jirasync

import (
	"fmt"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// adf builds Atlassian Document Format, the body format of Jira's REST v3.
type adf = map[string]any

func text(s string) adf { return adf{"type": "text", "text": s} }

func paragraph(parts ...string) adf {
	content := []any{}
	for _, p := range parts {
		if p != "" { // Jira refuses empty text nodes
			content = append(content, text(p))
		}
	}
	return adf{"type": "paragraph", "content": content}
}

func cell(header bool, s string) adf {
	typ := "tableCell"
	if header {
		typ = "tableHeader"
	}
	return adf{"type": typ, "content": []any{paragraph(s)}}
}

func row(header bool, cells ...string) adf {
	cs := make([]any, len(cells))
	for i, c := range cells {
		cs[i] = cell(header, c)
	}
	return adf{"type": "tableRow", "content": cs}
}

// Description is the invoice issue's description: who and what it bills,
// a table of the lines, and the totals. Summaries from Jira go in as text
// nodes, so nothing in them is ever read as markup.
func Description(inv invoice.Invoice) adf {
	m := func(d interface{ StringFixed(int32) string }) string { return d.StringFixed(inv.Currency.Exponent()) }
	rows := []any{row(true, "Issue", "Description", "Hours", "Rate", "Amount ("+string(inv.Currency)+")")}
	for _, l := range inv.Lines {
		desc := l.Description
		if desc == "" {
			desc = "—"
		}
		rows = append(rows, row(false, l.IssueKey, desc, l.Hours.StringFixed(2), money.FormatRate(l.Rate, inv.Currency), money.Format(l.Amount, inv.Currency)))
	}
	content := []any{
		paragraph(fmt.Sprintf("Invoice %s to %s for work from %s to %s. Issued %s, due %s.",
			inv.Number, inv.Customer, inv.Period.Start, inv.Period.End, inv.IssueDate, inv.DueDate)),
		adf{"type": "table", "content": rows},
		paragraph(fmt.Sprintf("Subtotal %s %s · Tax (%s%%) %s · Total %s %s",
			m(inv.Subtotal), inv.Currency, inv.TaxPercent.String(), m(inv.Tax), m(inv.Total), inv.Currency)),
		paragraph("Managed by Remit: record payments in the Remit panel of this issue."),
	}
	return adf{"type": "doc", "version": 1, "content": content}
}

// Summary is the invoice issue's one-line summary.
func Summary(inv invoice.Invoice) string {
	s := fmt.Sprintf("Invoice %s · %s · %s %s", inv.Number, inv.Customer, money.Format(inv.Total, inv.Currency), inv.Currency)
	if r := []rune(s); len(r) > 250 { // Jira's summary limit is 255
		s = string(r[:249]) + "…"
	}
	return s
}
