package stripepay

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/store"
)

// Actor is who records card payments in the audit log.
const Actor = "stripe"

// MethodCard is the method of a payment taken through Checkout.
const MethodCard = "card"

// Metadata keys Remit puts on every Checkout session and its payment
// intent; the webhook finds the invoice by them.
const (
	MetaClientKey   = "remit_client_key"
	MetaInvoiceID   = "remit_invoice_id"
	MetaInstallment = "remit_installment_id"
)

// Config is what the Service needs of the deployment (config.Stripe).
type Config struct {
	SecretKey     string
	WebhookSecret string
	// APIURL replaces Stripe's API address (stripe-mock); empty is Stripe.
	APIURL string
	// HTTPClient calls Stripe; nil is a client with a 30 s timeout.
	HTTPClient *http.Client
	// Tolerance is how far a webhook's signed timestamp may be from now
	// (zero is the library's webhook.DefaultTolerance, 5 minutes).
	Tolerance time.Duration
}

// Service opens Checkout sessions and records the payments Stripe
// reports. A nil *Service is card payment switched off: CheckoutURL
// answers remit.Unavailable.
type Service struct {
	db        *store.DB
	billing   *billing.Service
	now       func() time.Time
	logger    *slog.Logger
	stripe    *stripe.Client
	secret    string
	tolerance time.Duration
}

// New builds the Service on the billing use cases and their store, on
// Remit's one clock.
func New(cfg Config, db *store.DB, bill *billing.Service, now func() time.Time, logger *slog.Logger) (*Service, error) {
	if cfg.SecretKey == "" || cfg.WebhookSecret == "" {
		return nil, fmt.Errorf("stripepay: a secret key and a webhook signing secret are required")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = defaultTolerance
	}
	backend := &stripe.BackendConfig{HTTPClient: cfg.HTTPClient, LeveledLogger: leveledLogger{logger}}
	if cfg.APIURL != "" {
		backend.URL = stripe.String(cfg.APIURL)
	}
	client := stripe.NewClient(cfg.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(backend)))
	return &Service{db: db, billing: bill, now: now, logger: logger, stripe: client,
		secret: cfg.WebhookSecret, tolerance: cfg.Tolerance}, nil
}

// leveledLogger passes the library's warnings and errors to Remit's
// logger; its debug and info lines (every request) are dropped.
type leveledLogger struct{ l *slog.Logger }

func (leveledLogger) Debugf(string, ...any) {}
func (leveledLogger) Infof(string, ...any)  {}
func (g leveledLogger) Warnf(format string, v ...any) {
	g.l.Warn("stripe: "+fmt.Sprintf(format, v...), slog.String("component", "stripe"))
}
func (g leveledLogger) Errorf(format string, v ...any) {
	g.l.Error("stripe: "+fmt.Sprintf(format, v...), slog.String("component", "stripe"))
}
