package followupengine

import (
	"context"
	"fmt"
	"slices"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// label adds the step's label (payment-hold) to the customer's open work
// issues: those its JQL selects that are not in a done status. Adding a
// label an issue has is a no-op, so a retry is harmless.
func (e *Engine) label(ctx context.Context, ac action) (outcome, error) {
	name := ac.act.LabelName()
	c, err := e.Jira.For(ac.tenant)
	if err != nil {
		return outcome{}, err
	}
	if _, err := e.DB.StartFollowupAttempt(ctx, ac.args.ClientKey, ac.args.EventID, nil); err != nil {
		return outcome{}, err
	}
	jql := "(" + ac.customer.JQL + ") AND statusCategory != Done"
	added, had := 0, 0
	token := ""
	for {
		page, err := c.IssueLabels(ctx, jql, token)
		if err != nil {
			if remit.IsKind(err, remit.Invalid) {
				return outcome{}, permanent(fmt.Errorf("the customer's JQL was refused by Jira: %w", err))
			}
			return outcome{}, err
		}
		for _, is := range page.Issues {
			if slices.Contains(is.Labels, name) {
				had++
				continue
			}
			err := c.AddLabel(ctx, is.Key, name)
			if remit.IsKind(err, remit.NotFound) {
				continue // deleted since the search
			}
			if err != nil {
				return outcome{}, err
			}
			added++
		}
		if page.NextPageToken == "" || len(page.Issues) == 0 {
			break
		}
		token = page.NextPageToken
	}
	// The release waits for the invoice to stop calling for the label;
	// enqueued again by a retry, it is one job (unique by the event).
	err = e.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Enqueue(ctx, ReleaseArgs{ClientKey: ac.args.ClientKey, InvoiceID: ac.args.InvoiceID, EventID: ac.args.EventID, Label: name}, nil)
		return err
	})
	if err != nil {
		return outcome{}, err
	}
	return done("%s added to %d open issues of %s (%d had it)", name, added, ac.customer.Name, had), nil
}
