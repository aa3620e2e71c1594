package chase

import (
	"context"
	"fmt"
	"strings"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/store"
)

// emailOff is the reason e-mail actions are skipped without SMTP.
const emailOff = "e-mail is off: REMIT_SMTP_URL is not set"

// email sends the step's e-mail to the customer's billing address, with
// the escalation contacts in copy when the step says so and the invoice
// PDF attached.
func (e *Engine) email(ctx context.Context, ac action) (outcome, error) {
	if e.Mail == nil {
		return outcome{}, skip(emailOff)
	}
	to := ac.customer.BillingEmail
	if to == "" {
		return outcome{}, skip("customer %s has no billing e-mail", ac.customer.Name)
	}
	if err := e.afterLateFee(ctx, ac); err != nil {
		return outcome{}, err
	}
	m, err := followup.RenderEmail(ac.step, e.dataFor(ac))
	if err != nil {
		return outcome{}, permanent(err)
	}
	var cc []string
	if ac.act.CC {
		cc = ac.customer.EscalationEmails
	}
	pdf, name, err := e.Billing.InvoicePDF(ctx, ac.tenant, ac.args.InvoiceID)
	if err != nil {
		return outcome{}, err
	}
	if err := e.send(ctx, ac, mail.Message{
		FromName: ac.set.Seller.Name, ReplyTo: ac.set.Seller.Email,
		To: []string{to}, CC: cc, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		Attachments: []mail.Attachment{{Name: name, ContentType: "application/pdf", Data: pdf}},
		ID:          e.messageID(ac.args, "email"),
	}); err != nil {
		return outcome{}, err
	}
	detail := "sent to " + to
	if len(cc) > 0 {
		detail += ", cc " + strings.Join(cc, ", ")
	}
	return done("%s", detail), nil
}

// send counts the attempt and sends m.
func (e *Engine) send(ctx context.Context, ac action, m mail.Message) error {
	ev, err := e.DB.StartFollowupAttempt(ctx, ac.args.ClientKey, ac.args.EventID, nil)
	if err != nil {
		return err
	}
	if ev.Status != store.EventQueued {
		return errFinished
	}
	if err := e.Mail.Send(ctx, m); err != nil {
		return fmt.Errorf("send to %s: %w", strings.Join(m.To, ", "), err)
	}
	return nil
}
