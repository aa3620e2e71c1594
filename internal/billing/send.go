package billing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/einvoice"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// SendArgs sends one issued invoice to its customer once: the job is
// unique by (tenant, invoice, request instant), so the send that finalize
// enqueues, and each later "send again", go out once however often they
// are enqueued or retried after a crash before River marked them done.
type SendArgs struct {
	ClientKey   string    `json:"clientKey" river:"unique"`
	InvoiceID   int64     `json:"invoiceId" river:"unique"`
	RequestedAt time.Time `json:"requestedAt" river:"unique"`
	By          string    `json:"by"`
}

// Kind names the job.
func (SendArgs) Kind() string { return "invoice_send" }

// InsertOpts makes the job unique by its args.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}, MaxAttempts: 10}
}

// sendLater enqueues the sending of the invoice in tx, so it goes out if
// and only if tx commits.
func (s *Service) sendLater(ctx context.Context, tx *store.Tx, clientKey string, id int64, by string) error {
	_, err := tx.Enqueue(ctx, SendArgs{ClientKey: clientKey, InvoiceID: id, RequestedAt: tx.Now(), By: by}, nil)
	return err
}

// Send sends an issued invoice to the customer again. A draft is
// remit.Conflict (finalize it first); a void invoice is
// remit.Unprocessable.
func (s *Service) Send(ctx context.Context, a Actor, id int64) (invoice.Invoice, error) {
	const op = "billing.Send"
	set, err := s.configured(ctx, a.Tenant)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if err := s.requireManage(ctx, a, set.BillingProjectKey); err != nil {
		return invoice.Invoice{}, err
	}
	var inv invoice.Invoice
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if inv, err = s.DB.InvoiceForUpdate(ctx, tx, a.Tenant.ClientKey, id); err != nil {
			return err
		}
		switch inv.Status {
		case invoice.StatusDraft:
			return remit.Errorf(remit.Conflict, op, "a draft is not sent: finalize it first")
		case invoice.StatusVoid:
			return remit.Errorf(remit.Unprocessable, op, "invoice %s is void and is not sent", inv.Number)
		}
		return s.sendLater(ctx, tx, a.Tenant.ClientKey, id, a.Name())
	})
	if err != nil {
		return invoice.Invoice{}, err
	}
	return s.DB.Invoice(ctx, a.Tenant.ClientKey, id)
}

// Mailer sends e-mail (mail.Sender).
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// PageLinks gives the address of an invoice's customer page (SPEC §15),
// creating its token when the invoice has none.
type PageLinks interface {
	PageURL(ctx context.Context, clientKey string, invoiceID int64) (string, error)
}

// SendWorker runs SendArgs: it e-mails the invoice PDF to the customer's
// billing address within the tenant's daily mail quota, with the link to
// the invoice's customer page, and records the send in the audit log.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	Service        *Service
	Links          PageLinks // nil leaves the customer page link out
	Mail           Mailer    // nil when e-mail is off
	MailDomain     string    // for Message-IDs
	MailDailyLimit int       // per tenant and UTC day; 0 = none
}

// Work sends the invoice.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	s, args := w.Service, job.Args
	log := s.Logger.With(slog.String("client_key", args.ClientKey), slog.Int64("invoice_id", args.InvoiceID))
	if w.Mail == nil {
		log.WarnContext(ctx, "invoice not sent: e-mail is off (REMIT_SMTP_URL is not set)")
		return river.JobCancel(fmt.Errorf("e-mail is off"))
	}
	t, err := s.DB.TenantByClientKey(ctx, args.ClientKey)
	if remit.IsKind(err, remit.NotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if t.State == remit.TenantUninstalled {
		return river.JobCancel(fmt.Errorf("the tenant uninstalled Remit"))
	}
	set, err := s.configured(ctx, t)
	if err != nil {
		return err
	}
	inv, err := s.DB.Invoice(ctx, args.ClientKey, args.InvoiceID)
	if remit.IsKind(err, remit.NotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	cust, err := s.DB.Customer(ctx, args.ClientKey, inv.CustomerID)
	if err != nil {
		return err
	}
	if cust.BillingEmail == "" {
		log.WarnContext(ctx, "invoice not sent: the customer has no billing e-mail", slog.String("number", inv.Number))
		return river.JobCancel(fmt.Errorf("customer %d has no billing e-mail", cust.ID))
	}
	pdf, name, err := s.InvoicePDF(ctx, t, inv.ID)
	if err != nil {
		return err
	}
	attachments := []mail.Attachment{{Name: name, ContentType: "application/pdf", Data: pdf}}
	attached := ""
	if e, ok := s.einvoiceAttachment(ctx, log, t, &inv, cust.EInvoiceFormat); ok {
		attachments = append(attachments, e)
		attached = cust.EInvoiceFormat
	}
	if w.MailDailyLimit > 0 {
		now := s.Now().UTC()
		q, err := s.DB.TakeMailQuota(ctx, args.ClientKey, invoice.DateOf(now), w.MailDailyLimit)
		if err != nil {
			return err
		}
		if !q.Allowed {
			tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
			log.WarnContext(ctx, "tenant e-mail quota reached; the invoice waits for the next day", slog.Int("limit", w.MailDailyLimit))
			return river.JobSnooze(tomorrow.Sub(now) + time.Minute)
		}
	}
	link := ""
	if w.Links != nil {
		if link, err = w.Links.PageURL(ctx, args.ClientKey, inv.ID); err != nil {
			return err
		}
	}
	m := invoiceMessage(set, &inv, link)
	m.To = []string{cust.BillingEmail}
	m.Attachments = attachments
	m.ID = w.messageID(args)
	if err := w.Mail.Send(ctx, m); err != nil {
		return fmt.Errorf("send invoice %s to %s: %w", inv.Number, cust.BillingEmail, err)
	}
	after, err := json.Marshal(struct {
		To          string    `json:"to"`
		Number      string    `json:"number"`
		RequestedAt time.Time `json:"requestedAt"`
		EInvoice    string    `json:"einvoice,omitempty"`
	}{cust.BillingEmail, inv.Number, args.RequestedAt, attached})
	if err != nil {
		return err
	}
	by := args.By
	if by == "" {
		by = "system"
	}
	if err := s.DB.AppendAudit(ctx, nil, args.ClientKey, store.AuditEntry{Actor: by, Entity: "invoice",
		EntityID: strconv.FormatInt(inv.ID, 10), Action: "send", After: after}); err != nil {
		// The e-mail is out; a retry would send it twice. Log and finish.
		log.ErrorContext(ctx, "invoice sent but its audit entry failed", slog.String("error", err.Error()))
	}
	log.InfoContext(ctx, "invoice sent", slog.String("number", inv.Number))
	return nil
}

// messageID is stable per send request, so a mail server or client that
// sees a retried send can tell it is the same message.
func (w *SendWorker) messageID(a SendArgs) string {
	sum := sha256.Sum256([]byte(a.ClientKey))
	domain := w.MailDomain
	if domain == "" {
		domain = "remit.invalid"
	}
	return fmt.Sprintf("invoice.%s.%d.%d@%s", hex.EncodeToString(sum[:6]), a.InvoiceID, a.RequestedAt.UnixNano(), domain)
}

// invoiceMessage is the e-mail that carries an invoice: who sends it, what
// is owed by when, that the PDF attached is the invoice, and the link to
// its customer page when there is one.
func invoiceMessage(set invoice.Settings, inv *invoice.Invoice, link string) mail.Message {
	seller := strings.TrimSpace(set.Seller.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello,\n\nPlease find attached invoice %s from %s", inv.Number, seller)
	fmt.Fprintf(&b, " for the period %s to %s.\n\n", inv.Period.Start, inv.Period.End)
	fmt.Fprintf(&b, "Amount due: %s %s\nDue date: %s\n\n", money.Format(inv.Balance(), inv.Currency), inv.Currency, inv.DueDate)
	b.WriteString("How to pay is stated on the invoice. Please quote the invoice number with your payment.\n")
	if link != "" {
		fmt.Fprintf(&b, "\nSee the invoice, pay it, or tell us about a problem with it on its page:\n%s\n\n", link)
	}
	if set.Seller.Email != "" {
		fmt.Fprintf(&b, "Questions about this invoice: reply to this e-mail or write to %s.\n", set.Seller.Email)
	}
	fmt.Fprintf(&b, "\nKind regards,\n%s\n", seller)
	return mail.Message{
		FromName: seller, ReplyTo: set.Seller.Email,
		Subject: fmt.Sprintf("Invoice %s from %s", inv.Number, seller),
		Text:    b.String(),
	}
}

// einvoiceAttachment is the e-invoice in the customer's format (SPEC §14)
// for the invoice e-mail, or false when none goes: the customer chose
// none, or the invoice lacks data the format's rules need.
// The PDF is what the law requires of the e-mail, so a missing e-invoice
// is logged and the e-mail still goes; a document that fails the rules
// is never attached.
func (s *Service) einvoiceAttachment(ctx context.Context, log *slog.Logger, t remit.Tenant, inv *invoice.Invoice, format string) (mail.Attachment, bool) {
	if format == "" {
		return mail.Attachment{}, false
	}
	f, ok := einvoice.ParseFormat(format)
	if !ok {
		log.WarnContext(ctx, "e-invoice not attached: unknown format",
			slog.String("number", inv.Number), slog.String("format", format))
		return mail.Attachment{}, false
	}
	doc, name, err := s.InvoiceEInvoice(ctx, t, inv.ID, f)
	if err != nil {
		level := slog.LevelWarn
		if remit.IsKind(err, remit.Internal) {
			level = slog.LevelError
		}
		log.Log(ctx, level, "e-invoice not attached", slog.String("number", inv.Number),
			slog.String("format", format), slog.String("error", err.Error()))
		return mail.Attachment{}, false
	}
	return mail.Attachment{Name: name, ContentType: f.ContentType(), Data: doc}, true
}
