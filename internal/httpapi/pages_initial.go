package httpapi

import (
	"context"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/remit"
)

// panelAnswer is the issue panel's first answer, in the shape the panel
// keeps it: the invoice when the issue is an invoice issue (what
// GET /invoices/by-issue/{key} answers), else the issue's billing (what
// GET /issues/{key}/billing answers).
type panelAnswer struct {
	Kind    string            `json:"kind"`
	Invoice *invoiceJSON      `json:"invoice,omitempty"`
	Billing *issueBillingJSON `json:"billing,omitempty"`
}

// initialAnswer is what the page renders into its HTML so that the panel
// paints its figures without first asking Jira for a context token and
// then Remit for the data: the same answer, under the same permission
// checks, for the user Jira signed the page load for. Anything short of
// an answer (no user in the token, a permission refused, Jira slow)
// leaves it out and the panel asks the API as usual, which then shows
// the error properly.
func (p *pages) initialAnswer(c echo.Context, name string, a billing.Actor, issueKey string) any {
	if name != "issue-panel" || a.AccountID == "" || issueKey == "" || p.s.deps.Billing == nil || p.s.deps.Billing.DB == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), initialAnswerBudget)
	defer cancel()
	ans, err := p.panelAnswer(ctx, a, issueKey)
	if err != nil {
		p.s.deps.Logger.DebugContext(ctx, "page rendered without its first answer", slog.String("request_id", requestID(c)),
			slog.String("issue_key", issueKey), slog.String("reason", err.Error()))
		return nil
	}
	return ans
}

// initialAnswerBudget bounds the time the page waits for its first
// answer; past it the page goes out without one.
const initialAnswerBudget = 2 * time.Second

func (p *pages) panelAnswer(ctx context.Context, a billing.Actor, issueKey string) (panelAnswer, error) {
	svc := p.s.deps.Billing
	inv, err := svc.InvoiceByIssue(ctx, a, issueKey)
	switch {
	case err == nil:
		out, err := p.s.invoiceAnswer(ctx, a.Tenant, inv)
		if err != nil {
			return panelAnswer{}, err
		}
		return panelAnswer{Kind: "invoice", Invoice: &out}, nil
	case remit.KindOf(err) != remit.NotFound:
		return panelAnswer{}, err
	}
	b, err := svc.IssueBilling(ctx, a, issueKey)
	if err != nil {
		return panelAnswer{}, err
	}
	out := issueBillingOut(b)
	return panelAnswer{Kind: "work", Billing: &out}, nil
}
