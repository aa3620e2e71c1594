package followupengine

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Invoices is what the engine asks of the billing use cases
// (*billing.Service): an invoice for someone who may read it, and an
// invoice's PDF to attach to an e-mail on the tenant's behalf.
type Invoices interface {
	Invoice(ctx context.Context, a remit.Actor, id int64) (invoice.Invoice, error)
	InvoicePDF(ctx context.Context, t remit.Tenant, id int64) ([]byte, string, error)
}

// Admins answers whether a person administers the Jira site
// (*jira.Permissions): the policy and runs are theirs.
type Admins interface {
	CanAdmin(ctx context.Context, t remit.Tenant, accountID string) (bool, error)
}

// Links gives the address of an invoice's customer page (SPEC §15),
// creating its token when the invoice has none; every e-mail to the
// customer carries it.
type Links interface {
	PageURL(ctx context.Context, clientKey string, invoiceID int64) (string, error)
}

// Mailer sends one e-mail; *mail.Sender is the production one.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// DefaultMaxAttempts is the retry budget of one action: with River's
// polynomial backoff ten attempts span about four hours, past which an
// action is recorded failed rather than retried for weeks.
const DefaultMaxAttempts = 10

// Engine is the follow-up engine of all tenants. Its fields are set once,
// by the wiring.
type Engine struct {
	DB      *store.DB
	Jira    jira.Sites
	Billing Invoices // invoice reads and PDFs of the billing use cases
	Perms   Admins
	// Mail sends e-mails; nil means the e-mail channel is off
	// (REMIT_SMTP_URL unset) and e-mail actions are recorded skipped.
	Mail Mailer
	// Links makes the customer page links of e-mails; nil leaves them out.
	Links Links
	// MailDomain ends the Message-IDs of follow-up e-mails (the domain of
	// REMIT_MAIL_FROM).
	MailDomain string
	// MailDailyLimit is how many e-mails one tenant may send per day
	// (REMIT_MAIL_TENANT_DAILY_LIMIT); 0 means no limit.
	MailDailyLimit int
	Now            func() time.Time
	Logger         *slog.Logger
	Metrics        *Metrics
	// MaxAttempts is each action's retry budget; 0 means DefaultMaxAttempts.
	MaxAttempts int

	licenceMu      sync.Mutex
	licenceChecked map[string]time.Time // when the scheduler last asked Jira about an unlicensed tenant
}

func (e *Engine) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}

func (e *Engine) maxAttempts() int {
	if e.MaxAttempts <= 0 {
		return DefaultMaxAttempts
	}
	return e.MaxAttempts
}
