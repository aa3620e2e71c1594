package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// sampleTotal is the total of the sample invoice a policy preview chases.
var sampleTotal = decimal.NewFromInt(1250)

type policyPreviewIn struct {
	Policy followup.Policy `json:"policy"`
	// IssueDate of the sample invoice; empty = today in the tenant's zone.
	IssueDate date `json:"issueDate"`
}

type previewActionJSON struct {
	Type   string `json:"type"`
	CC     bool   `json:"cc,omitempty"`
	Status string `json:"status,omitempty"`
	Label  string `json:"label,omitempty"`
	// Outcome is "run" or "skipped" (Reason says why).
	Outcome string `json:"outcome"`
	Reason  string `json:"reason,omitempty"`
}

type previewEmailJSON struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

type previewStepJSON struct {
	Key        string              `json:"key"`
	OffsetDays int                 `json:"offsetDays"`
	Date       string              `json:"date"`
	Actions    []previewActionJSON `json:"actions"`
	Comment    string              `json:"comment,omitempty"`
	Email      *previewEmailJSON   `json:"email,omitempty"`
	LateFee    string              `json:"lateFee,omitempty"`
}

type policyPreviewJSON struct {
	Number    string            `json:"number"`
	Customer  string            `json:"customer"`
	Currency  string            `json:"currency"`
	Total     string            `json:"total"`
	IssueDate string            `json:"issueDate"`
	DueDate   string            `json:"dueDate"`
	Steps     []previewStepJSON `json:"steps"`
}

// previewPolicy answers what a policy, saved or not, would do for a
// sample invoice issued on issueDate under the tenant's settings: each
// step's day, its actions, and the comment and e-mail its templates
// render. It saves and sends nothing; a policy that does not validate is
// the same 422 PUT /policy gives. Site administrators only.
func (s *Server) previewPolicy(c echo.Context) error {
	ctx := c.Request().Context()
	set, _, err := s.deps.Setup.Settings(ctx, actor(c))
	if err != nil {
		return err
	}
	var in policyPreviewIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	bad := fieldset{}
	issue := bad.date("issueDate", in.IssueDate, false)
	if err := bad.err(); err != nil {
		return err
	}
	if issue.IsZero() {
		issue = invoice.DateOf(s.deps.Now().In(set.Location()))
	}
	if err := in.Policy.Validate(); err != nil {
		return err
	}
	out, err := ladderPreview(in.Policy, set.WithDefaults(), issue)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// ladderPreview walks a validated policy over a sample invoice day by
// day, the way the executor does: followup.Plan decides at each step's
// day what runs and what is skipped, late fees accrue under the policy's
// terms, and messages render from the step's templates with the data
// the invoice has on that day.
func ladderPreview(p followup.Policy, set invoice.Settings, issue invoice.Date) (policyPreviewJSON, error) {
	cur, err := money.ParseCurrency(set.Currency)
	if err != nil {
		cur = money.Currency(invoice.DefaultCurrency)
	}
	sample := followup.SampleData()
	inv := invoice.Invoice{
		Number: sample.Number, Customer: sample.Customer, Status: invoice.StatusOpen, Currency: cur,
		Total: sampleTotal, IssueDate: issue, DueDate: issue.AddDays(set.PaymentTermsDays), IssueKey: sample.IssueKey,
	}
	out := policyPreviewJSON{Number: inv.Number, Customer: inv.Customer, Currency: string(cur),
		Total: money.Format(inv.Total, cur), IssueDate: issue.String(), DueDate: inv.DueDate.String(), Steps: []previewStepJSON{}}
	loc := set.Location()
	var events []followup.Event
	asOf := issue.Start(loc)
	for range len(p.Steps) + 1 {
		facts := followup.Facts{InvoiceID: 1, Status: inv.Status, DueDate: inv.DueDate, Currency: cur, Total: inv.Total,
			Balance: inv.Balance(), LateFees: inv.LateFees, TenantActive: true, TenantLicensed: true}
		r := followup.Plan(followup.PlanInput{Facts: facts, Policy: p, Events: events, AsOf: asOf, Location: loc})
		today := invoice.DateOf(asOf.In(loc))
		skipped := map[followup.Key]bool{}
		for _, pl := range r.Skip {
			skipped[pl.Key()] = true
		}
		for _, st := range planSteps(p, r) {
			ps := previewStepJSON{Key: st.Key, OffsetDays: st.OffsetDays, Date: today.String()}
			for _, pl := range append(append([]followup.Planned{}, r.Run...), r.Skip...) {
				if pl.Step != st.Key {
					continue
				}
				outcome, status := "run", followup.StatusDone
				if skipped[pl.Key()] {
					outcome, status = "skipped", followup.StatusSkipped
				}
				ps.Actions = append(ps.Actions, previewActionJSON{Type: string(pl.Action.Kind), CC: pl.Action.CC,
					Status: pl.Action.Status, Label: pl.Action.Label, Outcome: outcome, Reason: pl.Reason})
				events = append(events, followup.Event{Step: pl.Step, Action: pl.Action.Kind, Status: status})
				if outcome == "run" && pl.Action.Kind == followup.ActionLateFee {
					inv.LateFees = followup.LateFee(facts, p.LateFee, today)
					ps.LateFee = money.Format(inv.LateFees, cur)
				}
			}
			if err := renderPreview(&ps, st, &inv, set, today); err != nil {
				return out, err
			}
			out.Steps = append(out.Steps, ps)
		}
		if r.Next == nil {
			break
		}
		asOf = r.Next.At
	}
	return out, nil
}

// planSteps are the policy's steps a plan touches, in ladder order.
func planSteps(p followup.Policy, r followup.PlanResult) []followup.Step {
	touched := map[string]bool{}
	for _, pl := range append(append([]followup.Planned{}, r.Run...), r.Skip...) {
		touched[pl.Step] = true
	}
	var out []followup.Step
	for _, st := range p.Steps {
		if touched[st.Key] {
			out = append(out, st)
		}
	}
	return out
}

// renderPreview fills in the messages a step sends that run on the day:
// the comment as plain text and the e-mail's subject and text.
func renderPreview(ps *previewStepJSON, st followup.Step, inv *invoice.Invoice, set invoice.Settings, today invoice.Date) error {
	ran := func(k followup.ActionKind) bool {
		for _, a := range ps.Actions {
			if a.Type == string(k) && a.Outcome == "run" {
				return true
			}
		}
		return false
	}
	d := followup.DataFor(inv, set.Seller, today)
	d.PaymentInstructions = invoice.PaymentInstructions(set.Seller.Name, inv.Number)
	if ran(followup.ActionComment) {
		c, err := followup.RenderComment(st, d)
		if err != nil {
			return err
		}
		ps.Comment = commentText(c)
	}
	if ran(followup.ActionEmail) {
		m, err := followup.RenderEmail(st, d)
		if err != nil {
			return err
		}
		ps.Email = &previewEmailJSON{Subject: m.Subject, Text: m.Text}
	}
	return nil
}

// commentText flattens a comment into text: paragraphs separated by a
// blank line, lines by line breaks, as Jira shows them.
func commentText(c followup.Comment) string {
	paras := make([]string, len(c))
	for i, p := range c {
		paras[i] = strings.Join(p, "\n")
	}
	return strings.Join(paras, "\n\n")
}
