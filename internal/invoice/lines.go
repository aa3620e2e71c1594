package invoice

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
)

// Worklog is one piece of billable time as Jira reports it.
type Worklog struct {
	ID           int64
	IssueID      string
	IssueKey     string
	IssueSummary string
	ProjectKey   string
	AuthorID     string // Atlassian accountId
	Started      time.Time
	Seconds      int64
}

// Line is one invoice line: the time of one issue at one rate.
type Line struct {
	IssueKey    string
	IssueID     string
	Description string // the issue summary, as text
	Seconds     int64  // after rounding
	Hours       decimal.Decimal
	Rate        decimal.Decimal
	Amount      decimal.Decimal
	WorklogIDs  []int64
}

// Totals of an invoice, each in the currency's minor unit.
type Totals struct {
	Subtotal decimal.Decimal
	Tax      decimal.Decimal
	Total    decimal.Decimal
}

// BilledSeconds applies the tenant's rounding rule to one worklog: none,
// or up to the next multiple of roundingMinutes.
func BilledSeconds(seconds int64, roundingMinutes int) int64 {
	if roundingMinutes <= 0 || seconds <= 0 {
		return max(seconds, 0)
	}
	step := int64(roundingMinutes) * 60
	return (seconds + step - 1) / step * step
}

// BuildLines turns worklogs into lines and totals (SPEC §4 steps 3–4):
// one line per (issue, rate) in issue-key order; amount = seconds × rate /
// 3600 rounded half-up once; subtotal = sum of lines; tax = subtotal × tax
// rate rounded once; total = subtotal + tax.
func BuildLines(c *Customer, roundingMinutes int, worklogs []Worklog) ([]Line, Totals) {
	type key struct {
		issue string
		rate  string
	}
	byKey := map[key]*Line{}
	for _, w := range worklogs {
		rate := c.RateFor(w.AuthorID, w.ProjectKey)
		k := key{w.IssueKey, rate.String()}
		l := byKey[k]
		if l == nil {
			l = &Line{IssueKey: w.IssueKey, IssueID: w.IssueID, Description: w.IssueSummary, Rate: rate}
			byKey[k] = l
		}
		l.Seconds += BilledSeconds(w.Seconds, roundingMinutes)
		l.WorklogIDs = append(l.WorklogIDs, w.ID)
	}
	lines := make([]Line, 0, len(byKey))
	for _, l := range byKey {
		l.Hours = money.Hours(l.Seconds)
		l.Amount = money.TimeAmount(l.Seconds, l.Rate, c.Currency)
		slices.Sort(l.WorklogIDs)
		lines = append(lines, *l)
	}
	slices.SortFunc(lines, func(a, b Line) int {
		if n := CompareIssueKeys(a.IssueKey, b.IssueKey); n != 0 {
			return n
		}
		return a.Rate.Cmp(b.Rate)
	})
	return lines, TotalsOf(lines, c.TaxRatePercent, c.Currency)
}

// TotalsOf sums lines and applies the tax rate once.
func TotalsOf(lines []Line, taxPercent decimal.Decimal, cur money.Currency) Totals {
	sub := decimal.Zero
	for _, l := range lines {
		sub = sub.Add(l.Amount)
	}
	tax := money.Percent(sub, taxPercent, cur)
	return Totals{Subtotal: sub, Tax: tax, Total: sub.Add(tax)}
}

// CompareIssueKeys orders issue keys as people read them: by project key,
// then by number (ACME-2 before ACME-10).
func CompareIssueKeys(a, b string) int {
	pa, na := splitKey(a)
	pb, nb := splitKey(b)
	if n := strings.Compare(pa, pb); n != 0 {
		return n
	}
	if n := cmp.Compare(na, nb); n != 0 {
		return n
	}
	return strings.Compare(a, b)
}

func splitKey(k string) (string, int64) {
	i := strings.LastIndexByte(k, '-')
	if i < 0 {
		return k, 0
	}
	n, err := strconv.ParseInt(k[i+1:], 10, 64)
	if err != nil {
		return k, 0
	}
	return k[:i], n
}
