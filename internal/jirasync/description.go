package jirasync

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/money"
)

// Description is the invoice issue's description: who and what it bills,
// a table of the lines, and the totals; package jira encodes it (see
// jira.Description.ADF). Summaries from Jira are plain text, never
// markup. A long invoice is summarised: the table lists the first lines
// that fit under Jira's limit, then says how many more there are and
// what they add up to; every line is on the invoice PDF.
func Description(inv invoice.Invoice) jira.Description {
	m := func(d interface{ StringFixed(int32) string }) string { return d.StringFixed(inv.Currency.Exponent()) }
	rows := make([][]string, len(inv.Lines))
	for i, l := range inv.Lines {
		desc := l.Description
		if desc == "" {
			desc = "—"
		}
		rows[i] = []string{l.IssueKey, desc, l.Hours.StringFixed(2), money.FormatRate(l.Rate, inv.Currency), money.Format(l.Amount, inv.Currency)}
	}
	return jira.Description{
		Before: jira.Document{jira.Paragraph{fmt.Sprintf("Invoice %s to %s for work from %s to %s. Issued %s, due %s.",
			inv.Number, inv.Customer, inv.Period.Start, inv.Period.End, inv.IssueDate, inv.DueDate)}},
		Table: jira.Table{Header: []string{"Issue", "Description", "Hours", "Rate", "Amount (" + string(inv.Currency) + ")"}, Rows: rows},
		Rest: func(shown int) jira.Paragraph {
			rest := inv.Lines[shown:]
			hours, amount := decimal.Zero, decimal.Zero
			for _, l := range rest {
				hours, amount = hours.Add(l.Hours), amount.Add(l.Amount)
			}
			return jira.Paragraph{fmt.Sprintf("…and %d more lines (%s hours, %s %s) not listed here: the invoice PDF in the Remit panel has every line.",
				len(rest), hours.StringFixed(2), money.Format(amount, inv.Currency), inv.Currency)}
		},
		After: jira.Document{
			jira.Paragraph{fmt.Sprintf("Subtotal %s %s · Tax (%s%%) %s · Total %s %s",
				m(inv.Subtotal), inv.Currency, inv.TaxPercent.String(), m(inv.Tax), m(inv.Total), inv.Currency)},
			jira.Paragraph{"Managed by Remit: record payments in the Remit panel of this issue."},
		},
	}
}

// Summary is the invoice issue's one-line summary.
func Summary(inv invoice.Invoice) string {
	s := fmt.Sprintf("Invoice %s · %s · %s %s", inv.Number, inv.Customer, money.Format(inv.Total, inv.Currency), inv.Currency)
	if r := []rune(s); len(r) > 250 { // Jira's summary limit is 255
		s = string(r[:249]) + "…"
	}
	return s
}
