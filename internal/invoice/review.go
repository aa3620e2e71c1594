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
	NewSeconds    int64           `json:"newSeconds"` // 0 when deleted
	DiffSeconds   int64           `json:"differenceSeconds"`
	Rate          decimal.Decimal `json:"rate"`
	DiffAmount    decimal.Decimal `json:"differenceAmount"`
	Deleted       bool            `json:"deleted"`
	At            time.Time       `json:"at"`        // when Jira reported the change
	Timestamp     int64           `json:"timestamp"` // the webhook's timestamp (ms), which orders changes
}

// NewWorklogChange computes the difference between what was billed and
// what Jira now reports. The money difference is the amount the new time
// would bill at rate minus the amount the billed time bills, each rounded
// half-up to the currency's minor unit as a line amount is.
func NewWorklogChange(worklogID int64, issueID, issueKey string, billed, now int64, deleted bool, rate decimal.Decimal, c money.Currency, at time.Time) WorklogChange {
	if deleted {
		now = 0
	}
	return WorklogChange{
		WorklogID: worklogID, IssueID: issueID, IssueKey: issueKey,
		BilledSeconds: billed, NewSeconds: now, DiffSeconds: now - billed, Rate: rate,
		DiffAmount: money.TimeAmount(now, rate, c).Sub(money.TimeAmount(billed, rate, c)),
		Deleted:    deleted, At: at.UTC(), Timestamp: at.UnixMilli(),
	}
}
