package customerportal

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/remitapp/remit/internal/access"
	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// Checkout starts a card payment of an invoice with a payment provider:
// it answers the address of the provider's hosted page for the invoice's
// balance, or its next installment on a payment plan, which the customer
// is sent to, and which sends them back to successURL or cancelURL. The
// provider records the payment itself when it is made.
type Checkout interface {
	CheckoutURL(ctx context.Context, clientKey string, invoiceID int64, successURL, cancelURL string) (string, error)
}

// Actor is the audit log's name for the customer acting on the page.
const Actor = "customer"

// ErrRevoked is the error of a token whose link was revoked.
var ErrRevoked = errors.New("this link was revoked")

// Service is the customer page's use cases, for all tenants.
type Service struct {
	DB      *store.DB
	Billing *billing.Service
	// Checkout is the card payment provider; nil offers bank transfer only.
	Checkout Checkout
	// BaseURL is Remit's public address, which page links start with.
	BaseURL *url.URL
	Now     func() time.Time
	Logger  *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Access is what a valid token opens: one invoice of one tenant.
type Access struct {
	Tenant    remit.Tenant
	InvoiceID int64
}

// maxTokenLen bounds what is hashed; a real token has 43 characters.
const maxTokenLen = 128

// Resolve finds the invoice a token opens. An unknown, altered or
// malformed token is remit.NotFound, the same for all; a revoked one is
// ErrRevoked; a token of a tenant that uninstalled or disabled Remit is
// NotFound too.
func (s *Service) Resolve(ctx context.Context, token string) (Access, error) {
	const op = "customerportal.Resolve"
	notFound := remit.Errorf(remit.NotFound, op, "no such page")
	if token == "" || len(token) > maxTokenLen {
		return Access{}, notFound
	}
	want := store.CustomerTokenHash(token)
	ref, err := s.DB.CustomerLinkByHash(ctx, want)
	if remit.IsKind(err, remit.NotFound) {
		return Access{}, notFound
	}
	if err != nil {
		return Access{}, err
	}
	if subtle.ConstantTimeCompare(ref.TokenHash, want) != 1 {
		return Access{}, notFound
	}
	t, err := s.DB.TenantByClientKey(ctx, ref.ClientKey)
	if remit.IsKind(err, remit.NotFound) || (err == nil && !t.Active()) {
		return Access{}, notFound
	}
	if err != nil {
		return Access{}, err
	}
	if ref.Revoked {
		return Access{}, ErrRevoked
	}
	return Access{Tenant: t, InvoiceID: ref.InvoiceID}, nil
}

// PageURL is the address of the invoice's customer page, creating its
// token when it has none (follow-up and invoice e-mails call it).
func (s *Service) PageURL(ctx context.Context, clientKey string, invoiceID int64) (string, error) {
	token, err := s.DB.CustomerLink(ctx, nil, clientKey, invoiceID)
	if err != nil {
		return "", err
	}
	return s.URLOf(token), nil
}

// URLOf is the page address of a token.
func (s *Service) URLOf(token string) string {
	base := "http://localhost"
	if s.BaseURL != nil {
		base = s.BaseURL.String()
	}
	return strings.TrimRight(base, "/") + "/c/" + token
}

// Link is the invoice's current page address for the panel, made when it
// has none: those who may manage invoices only.
func (s *Service) Link(ctx context.Context, a remit.Actor, invoiceID int64) (string, error) {
	if err := s.requireManage(ctx, a); err != nil {
		return "", err
	}
	return s.PageURL(ctx, a.Tenant.ClientKey, invoiceID)
}

// Revoke revokes the invoice's current link: the page then says so, and
// the next Link (or e-mail) makes a new one. Revoking an invoice with no
// current link is not an error.
func (s *Service) Revoke(ctx context.Context, a remit.Actor, invoiceID int64) error {
	if err := s.requireManage(ctx, a); err != nil {
		return err
	}
	ck := a.Tenant.ClientKey
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.DB.InvoiceForUpdate(ctx, tx, ck, invoiceID); err != nil {
			return err
		}
		revoked, err := s.DB.RevokeCustomerLink(ctx, tx, ck, invoiceID, a.Name())
		if err != nil || !revoked {
			return err
		}
		return s.audit(ctx, tx, ck, a.Name(), "customer_link_revoke", invoiceID, nil)
	})
}

// gate is SPEC §3's permission gate, as every use case passes it.
func (s *Service) gate() access.Gate { return access.Gate{DB: s.DB, Perms: s.Billing.Perms} }

// requireManage allows those who may manage the tenant's invoices (the
// billing settings must exist).
func (s *Service) requireManage(ctx context.Context, a remit.Actor) error {
	set, err := s.gate().Configured(ctx, a.Tenant)
	if err != nil {
		return err
	}
	return s.gate().Manage(ctx, a, set.BillingProjectKey)
}

// requireRead allows those who may read the tenant's invoices.
func (s *Service) requireRead(ctx context.Context, a remit.Actor) error {
	set, err := s.gate().Configured(ctx, a.Tenant)
	if err != nil {
		return err
	}
	return s.gate().Read(ctx, a, set.BillingProjectKey)
}

// settings are the tenant's settings, the defaults when none were saved.
func (s *Service) settings(ctx context.Context, clientKey string) (invoice.Settings, error) {
	set, ok, err := s.DB.GetSettings(ctx, clientKey)
	if err != nil {
		return set, err
	}
	if !ok {
		set = invoice.DefaultSettings()
	}
	return set, nil
}
