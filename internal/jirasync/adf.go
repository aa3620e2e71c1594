package jirasync

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/shopspring/decimal"

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

// descriptionLimit is Jira Cloud's limit on a description: 32,767
// characters of the stored value, which for ADF is the serialised
// document, node types and attributes included (a table of a few hundred
// lines runs to some 80 KB). Jira refuses a longer one with a 400, and
// the invoice would never get its issue.
const descriptionLimit = 32767

// Description is the invoice issue's description: who and what it bills,
// a table of the lines, and the totals. Summaries from Jira go in as text
// nodes, so nothing in them is ever read as markup. A long invoice is
// summarised: the table lists the first lines that fit under Jira's
// limit, then says how many more there are and what they add up to;
// every line is on the invoice PDF.
func Description(inv invoice.Invoice) adf {
	rows := lineRows(inv)
	n := len(rows)
	if adfLen(description(inv, rows, n)) > descriptionLimit {
		n = fitting(inv, rows)
	}
	for ; ; n-- {
		doc := description(inv, rows, n)
		if n == 0 || adfLen(doc) <= descriptionLimit {
			return doc
		}
	}
}

func lineRows(inv invoice.Invoice) []any {
	rows := make([]any, len(inv.Lines))
	for i, l := range inv.Lines {
		desc := l.Description
		if desc == "" {
			desc = "—"
		}
		rows[i] = row(false, l.IssueKey, desc, l.Hours.StringFixed(2), money.FormatRate(l.Rate, inv.Currency), money.Format(l.Amount, inv.Currency))
	}
	return rows
}

// fitting estimates how many rows fit under the limit from the size of
// each row (a row and its comma) and of the document without them; the
// caller checks the estimate on the whole document.
func fitting(inv invoice.Invoice, rows []any) int {
	room := descriptionLimit - adfLen(description(inv, rows, 0))
	for i, r := range rows {
		if room -= adfLen(r) + 1; room < 0 {
			return i
		}
	}
	return len(rows)
}

// description is the document listing the first shown lines of inv.
func description(inv invoice.Invoice, rows []any, shown int) adf {
	m := func(d interface{ StringFixed(int32) string }) string { return d.StringFixed(inv.Currency.Exponent()) }
	table := append([]any{row(true, "Issue", "Description", "Hours", "Rate", "Amount ("+string(inv.Currency)+")")}, rows[:shown]...)
	content := []any{
		paragraph(fmt.Sprintf("Invoice %s to %s for work from %s to %s. Issued %s, due %s.",
			inv.Number, inv.Customer, inv.Period.Start, inv.Period.End, inv.IssueDate, inv.DueDate)),
		adf{"type": "table", "content": table},
	}
	if rest := inv.Lines[shown:]; len(rest) > 0 {
		hours, amount := decimal.Zero, decimal.Zero
		for _, l := range rest {
			hours, amount = hours.Add(l.Hours), amount.Add(l.Amount)
		}
		content = append(content, paragraph(fmt.Sprintf("…and %d more lines (%s hours, %s %s) not listed here: the invoice PDF in the Remit panel has every line.",
			len(rest), hours.StringFixed(2), money.Format(amount, inv.Currency), inv.Currency)))
	}
	content = append(content,
		paragraph(fmt.Sprintf("Subtotal %s %s · Tax (%s%%) %s · Total %s %s",
			m(inv.Subtotal), inv.Currency, inv.TaxPercent.String(), m(inv.Tax), m(inv.Total), inv.Currency)),
		paragraph("Managed by Remit: record payments in the Remit panel of this issue."),
	)
	return adf{"type": "doc", "version": 1, "content": content}
}

// adfLen bounds from above the length Jira gives a node: the bytes of
// its JSON as Remit sends it. Jira counts UTF-16 code units of the
// document it re-serialises, which is never more (a character is one to
// four bytes but at most two code units, and Go's escapes of <, > and &
// are longer than the characters).
func adfLen(node any) int {
	b, err := json.Marshal(node)
	if err != nil {
		return math.MaxInt
	}
	return len(b)
}

// Summary is the invoice issue's one-line summary.
func Summary(inv invoice.Invoice) string {
	s := fmt.Sprintf("Invoice %s · %s · %s %s", inv.Number, inv.Customer, money.Format(inv.Total, inv.Currency), inv.Currency)
	if r := []rune(s); len(r) > 250 { // Jira's summary limit is 255
		s = string(r[:249]) + "…"
	}
	return s
}
