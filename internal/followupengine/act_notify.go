package followupengine

import (
	"context"
	"errors"
	"strings"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/mail"
)

// The hand-off notice to the site's administrators.
const (
	adminComment = `Jira administrators: {{template "what" .}} to {{.Customer}} for {{.Balance}} {{.Currency}} was due on {{.DueDate}} and is {{.DaysOverdue}} days overdue. Every reminder has been sent; please hand it to collections.`
	adminSubject = `Collections hand-off: invoice {{.Number}} to {{.Customer}}`
	adminText    = `Hello,

{{template "what" .}} to {{.Customer}} for {{.Balance}} {{.Currency}} was due on {{.DueDate}} and is {{.DaysOverdue}} days overdue. Remit has sent every reminder of the follow-up policy; the invoice is ready to be handed to collections.{{if .IssueKey}}

The invoice issue in Jira is {{.IssueKey}}.{{end}}

Remit`
)

// notifyAdmins tells the site's administrators that the invoice goes to
// collections: a comment addressed to them on the invoice issue and, when
// e-mail is on, a message to the seller's address.
func (e *Engine) notifyAdmins(ctx context.Context, ac action) (outcome, error) {
	if err := e.afterLateFee(ctx, &ac); err != nil {
		return outcome{}, err
	}
	data := e.dataFor(ac)
	var parts, why []string
	key, issueErr := issueOf(ac)
	if issueErr == nil {
		doc, err := followup.RenderComment(followup.Step{Key: ac.step.Key, Comment: adminComment}, data)
		if err != nil {
			return outcome{}, permanent(err)
		}
		id, err := e.postComment(ctx, ac, key, doc)
		var sk *skipError
		switch {
		case errors.As(err, &sk):
			why = append(why, sk.reason)
		case err != nil:
			return outcome{}, err
		default:
			parts = append(parts, "comment "+id+" on "+key)
		}
	} else {
		why = append(why, issueErr.Error())
	}
	to := ac.set.Seller.Email
	switch {
	case e.Mail == nil:
		why = append(why, emailOff)
	case to == "":
		why = append(why, "the settings have no seller e-mail")
	default:
		m, err := followup.RenderEmail(followup.Step{Key: ac.step.Key, Subject: adminSubject, Text: adminText}, data)
		if err != nil {
			return outcome{}, permanent(err)
		}
		if err := e.send(ctx, ac, mail.Message{To: []string{to}, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
			ID: e.messageID(ac.args, "admins")}); err != nil {
			return outcome{}, err
		}
		parts = append(parts, "e-mail to "+to)
	}
	if len(parts) == 0 {
		return outcome{}, skip("%s", strings.Join(why, "; "))
	}
	if len(why) > 0 {
		parts = append(parts, "not sent: "+strings.Join(why, "; "))
	}
	return done("%s", strings.Join(parts, "; ")), nil
}
