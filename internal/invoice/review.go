package invoice

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
)

// WorklogChange is a billed worklog that changed in Jira after the
// invoice was issued. The invoice is never changed silently; it is
// flagged for review with the difference, in seconds and in money at the
// rate of the line that bills the worklog.
type WorklogChange struct {
	WorklogID     int64           `json:"worklogId"`
	IssueID       string          `json:"issueId"`
	IssueKey      string          `json:"issueKey"`
	BilledSeconds int64           `json:"billedSeconds"`
	NewSeconds    int64           `json:"newSeconds"`        // 0 when deleted
	DiffSeconds   int64           `json:"differenceSeconds"` // between the rounded times
	Rate          decimal.Decimal `json:"rate"`
	DiffAmount    decimal.Decimal `json:"differenceAmount"`
	Deleted       bool            `json:"deleted"`
	At            time.Time       `json:"at"`        // when Jira reported the change
	Timestamp     int64           `json:"timestamp"` // the webhook's timestamp (ms), which orders changes
}

// NewWorklogChange is NewRoundedWorklogChange for a tenant that does not
// round worklogs.
func NewWorklogChange(worklogID int64, issueID, issueKey string, billed, now int64, deleted bool, rate decimal.Decimal, c money.Currency, at time.Time) WorklogChange {
	return NewRoundedWorklogChange(worklogID, issueID, issueKey, billed, now, deleted, 0, rate, c, at)
}

// NewRoundedWorklogChange computes the difference between what was billed
// and what Jira now reports, under the tenant's rounding rule as invoice
// generation applies it (BilledSeconds): billed and now are the seconds
// as Jira reports them, and the difference in seconds and in money is
// between their rounded values, so an edit that leaves the rounded time
// alone differs by nothing. The money difference is the amount the new
// time would bill at rate minus the amount the billed time bills, each
// rounded half-up to the currency's minor unit as a line amount is.
func NewRoundedWorklogChange(worklogID int64, issueID, issueKey string, billed, now int64, deleted bool, roundingMinutes int, rate decimal.Decimal, c money.Currency, at time.Time) WorklogChange {
	if deleted {
		now = 0
	}
	was, is := BilledSeconds(billed, roundingMinutes), BilledSeconds(now, roundingMinutes)
	return WorklogChange{
		WorklogID: worklogID, IssueID: issueID, IssueKey: issueKey,
		BilledSeconds: billed, NewSeconds: now, DiffSeconds: is - was, Rate: rate,
		DiffAmount: money.TimeAmount(is, rate, c).Sub(money.TimeAmount(was, rate, c)),
		Deleted:    deleted, At: at.UTC(), Timestamp: at.UnixMilli(),
	}
}
