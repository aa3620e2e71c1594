package followupengine

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jirasync"
	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/store"
)

// emailOff is the reason e-mail actions are skipped without SMTP.
const emailOff = "e-mail is off: REMIT_SMTP_URL is not set"

// email sends the step's e-mail to the customer's billing address, with
// the escalation contacts in copy when the step says so and the invoice
// PDF attached. An e-mail the sweep put in a group (one per customer and
// sweep) goes out as the group's one message, which lists every invoice
// of the group (mailgroup.go).
func (e *Engine) email(ctx context.Context, ac action) (outcome, error) {
	if e.Mail == nil {
		return outcome{}, skip(emailOff)
	}
	if ac.customer.BillingEmail == "" {
		return outcome{}, skip("customer %s has no billing e-mail", ac.customer.Name)
	}
	if ac.event.MailGroup != 0 {
		return e.groupEmail(ctx, ac)
	}
	return e.emailAlone(ctx, ac)
}

// emailAlone sends the e-mail of one invoice's step.
func (e *Engine) emailAlone(ctx context.Context, ac action) (outcome, error) {
	part, err := e.mailPart(ctx, ac)
	if err != nil {
		return outcome{}, err
	}
	to := ac.customer.BillingEmail
	m := part.message(ac)
	m.ID = e.messageID(ac.args, "email")
	if err := e.send(ctx, ac, m); err != nil {
		return outcome{}, err
	}
	detail := "sent to " + to
	if len(m.CC) > 0 {
		detail += ", cc " + strings.Join(m.CC, ", ")
	}
	return done("%s", detail), nil
}

// mailPart is one invoice's step as e-mail: what it says, who is copied,
// and its PDF.
type mailPart struct {
	digest followup.DigestPart
	cc     []string
	pdf    mail.Attachment
}

// mailPart renders the step's e-mail for the action's invoice, once its
// late fee (if any is queued) is charged.
func (e *Engine) mailPart(ctx context.Context, ac action) (mailPart, error) {
	if err := e.afterLateFee(ctx, &ac); err != nil {
		return mailPart{}, err
	}
	data := e.dataFor(ac)
	if e.Links != nil {
		// The customer page link is made in the first e-mail that needs
		// it and is the same in every later one, until it is revoked.
		link, err := e.Links.PageURL(ctx, ac.args.ClientKey, ac.args.InvoiceID)
		if err != nil {
			return mailPart{}, err
		}
		data.PayLink = link
	}
	m, err := followup.RenderEmail(ac.step, data)
	if err != nil {
		return mailPart{}, permanent(err)
	}
	var cc []string
	if ac.act.CC {
		cc = ac.customer.EscalationEmails
	}
	pdf, name, err := e.Billing.InvoicePDF(ctx, ac.tenant, ac.args.InvoiceID)
	if err != nil {
		return mailPart{}, err
	}
	return mailPart{
		digest: followup.DigestPart{Number: ac.state.Invoice.Number, Balance: data.Balance, Currency: data.Currency, DueDate: data.DueDate, Email: m},
		cc:     cc, pdf: mail.Attachment{Name: name, ContentType: "application/pdf", Data: pdf},
	}, nil
}

// message is the e-mail of the part alone.
func (p mailPart) message(ac action) mail.Message {
	return mail.Message{
		FromName: ac.set.Seller.Name, ReplyTo: ac.set.Seller.Email,
		To: []string{ac.customer.BillingEmail}, CC: p.cc, Subject: p.digest.Email.Subject, Text: p.digest.Email.Text, HTML: p.digest.Email.HTML,
		Attachments: []mail.Attachment{p.pdf},
	}
}

// send counts the attempt and sends m, within the tenant's daily quota:
// past it, the action waits for the next day (UTC on Remit's clock) and
// the first e-mail held back tells the tenant's people in Jira.
func (e *Engine) send(ctx context.Context, ac action, m mail.Message) error {
	ev, err := e.DB.StartFollowupAttempt(ctx, ac.args.ClientKey, ac.args.EventID, nil)
	if err != nil {
		return err
	}
	if ev.Status != store.EventQueued {
		return errFinished
	}
	if e.MailDailyLimit > 0 {
		now := e.now().UTC()
		q, err := e.DB.TakeMailQuota(ctx, ac.args.ClientKey, invoice.DateOf(now), e.MailDailyLimit)
		if err != nil {
			return err
		}
		if !q.Allowed {
			if q.FirstRefusal {
				e.tellMailQuotaReached(ctx, ac)
			}
			tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
			e.logger().WarnContext(ctx, "tenant e-mail quota reached; the e-mail waits for the next day",
				slog.String("client_key", ac.args.ClientKey), slog.Int("limit", e.MailDailyLimit), slog.Int64("event_id", ac.args.EventID))
			return river.JobSnooze(tomorrow.Sub(now) + time.Minute)
		}
	}
	if err := e.Mail.Send(ctx, m); err != nil {
		return fmt.Errorf("send to %s: %w", strings.Join(m.To, ", "), err)
	}
	return nil
}

// mailQuotaNotice is the comment that tells a tenant's people, once a day,
// that its e-mails wait for the next day.
const mailQuotaNotice = "Remit has sent today's limit of %d e-mails for this Jira site. This invoice's e-mail and any others due today will go out tomorrow; nothing is lost. Your Remit operator can raise the limit."

// tellMailQuotaReached records a notice for the invoice issue that the
// tenant's e-mails wait for tomorrow, posted once by the Jira sync, which
// this wakes. A failure is logged: the e-mails themselves still go out
// the next day.
func (e *Engine) tellMailQuotaReached(ctx context.Context, ac action) {
	ck, id := ac.args.ClientKey, ac.args.InvoiceID
	err := e.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := e.DB.AddJiraNotice(ctx, tx, ck, id, fmt.Sprintf(mailQuotaNotice, e.MailDailyLimit)); err != nil {
			return err
		}
		if err := e.DB.BumpJiraVersion(ctx, tx, ck, id); err != nil {
			return err
		}
		_, err := tx.Enqueue(ctx, jirasync.SyncArgs{ClientKey: ck, InvoiceID: id}, nil)
		return err
	})
	if err != nil {
		e.logger().WarnContext(ctx, "could not tell the tenant its e-mail quota is reached",
			slog.String("client_key", ck), slog.String("error", err.Error()))
	}
}
