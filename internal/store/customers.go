package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// customerColumns is the column list scanCustomer reads.
const customerColumns = `id, name, jql, currency, hourly_rate, rate_overrides, tax_rate_percent,
	payment_terms_days, billing_email, escalation_emails, late_fee_policy,
	address, tax_id, buyer_reference, peppol_id, e_invoice_format, tax_category, tax_exemption_reason`

// CreateCustomer inserts c for the tenant, sets c.ID and records the
// creation in the audit log in the same transaction (a nil tx runs in one
// of its own). The caller validates c first (invoice.Customer.Validate).
// A customer in use with the same name, ignoring case, is remit.Conflict.
func (db *DB) CreateCustomer(ctx context.Context, tx *Tx, clientKey string, c *invoice.Customer, actor string) error {
	const op = "store.CreateCustomer"
	overrides, address, err := encodeCustomerDocs(c)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return db.inTx(ctx, tx, func(tx *Tx) error {
		now := db.now()
		var id int64
		err := tx.pgx.QueryRow(ctx, `
			INSERT INTO customers (client_key, name, jql, currency, hourly_rate, rate_overrides, tax_rate_percent,
				payment_terms_days, billing_email, escalation_emails, late_fee_policy, created_at, updated_at,
				address, tax_id, buyer_reference, peppol_id, e_invoice_format, tax_category, tax_exemption_reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17, $18, $19)
			RETURNING id`,
			clientKey, c.Name, c.JQL, string(c.Currency), numeric(c.HourlyRate), overrides, numeric(c.TaxRatePercent),
			c.PaymentTermsDays, c.BillingEmail, nonNil(c.EscalationEmails), c.LateFeePolicy, now,
			address, c.TaxID, c.BuyerReference, c.PeppolID, c.EInvoiceFormat, string(c.TaxCategory), c.TaxExemptionReason).Scan(&id)
		if err != nil {
			return customerWriteError(op, c.Name, err)
		}
		c.ID = id
		return db.auditCustomer(ctx, tx, clientKey, actor, "create", nil, c)
	})
}

// UpdateCustomer replaces the customer c.ID of the tenant with c, and
// records before and after in the audit log. An unknown, archived or other
// tenant's id is remit.NotFound; a name clash is remit.Conflict.
func (db *DB) UpdateCustomer(ctx context.Context, tx *Tx, clientKey string, c *invoice.Customer, actor string) error {
	const op = "store.UpdateCustomer"
	overrides, address, err := encodeCustomerDocs(c)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return db.inTx(ctx, tx, func(tx *Tx) error {
		before, err := scanCustomer(tx.pgx.QueryRow(ctx, `SELECT `+customerColumns+`
			FROM customers WHERE client_key = $1 AND id = $2 AND archived_at IS NULL FOR UPDATE`, clientKey, c.ID))
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFoundf(op, "no customer %d", c.ID)
		}
		if err != nil {
			return classify(op, err)
		}
		_, err = tx.pgx.Exec(ctx, `
			UPDATE customers SET name = $3, jql = $4, currency = $5, hourly_rate = $6, rate_overrides = $7,
				tax_rate_percent = $8, payment_terms_days = $9, billing_email = $10, escalation_emails = $11,
				late_fee_policy = $12, updated_at = $13, address = $14, tax_id = $15, buyer_reference = $16,
				peppol_id = $17, e_invoice_format = $18, tax_category = $19, tax_exemption_reason = $20
			WHERE client_key = $1 AND id = $2`,
			clientKey, c.ID, c.Name, c.JQL, string(c.Currency), numeric(c.HourlyRate), overrides, numeric(c.TaxRatePercent),
			c.PaymentTermsDays, c.BillingEmail, nonNil(c.EscalationEmails), c.LateFeePolicy, db.now(),
			address, c.TaxID, c.BuyerReference, c.PeppolID, c.EInvoiceFormat, string(c.TaxCategory), c.TaxExemptionReason)
		if err != nil {
			return customerWriteError(op, c.Name, err)
		}
		return db.auditCustomer(ctx, tx, clientKey, actor, "update", &before, c)
	})
}

// Customer returns one of the tenant's customers in use. An unknown,
// archived or other tenant's id is remit.NotFound, so nothing new is
// billed to an archived customer.
func (db *DB) Customer(ctx context.Context, clientKey string, id int64) (invoice.Customer, error) {
	const op = "store.Customer"
	row, err := db.q().Customer(ctx, dbsqlc.CustomerParams{ClientKey: clientKey, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return invoice.Customer{}, errNotFoundf(op, "no customer %d", id)
	}
	if err != nil {
		return invoice.Customer{}, classify(op, err)
	}
	c, err := customerOf(row)
	if err != nil {
		return invoice.Customer{}, classify(op, err)
	}
	return c, nil
}

// ListCustomers returns one page of the tenant's customers in use, oldest
// first, and the cursor of the next page ("" on the last page). A cursor
// that did not come from this method is remit.Invalid.
func (db *DB) ListCustomers(ctx context.Context, clientKey string, page Page) ([]invoice.Customer, string, error) {
	const op = "store.ListCustomers"
	after, _, err := page.afterID(op)
	if err != nil {
		return nil, "", err
	}
	limit := page.limit()
	rows, err := db.q().ListCustomers(ctx, dbsqlc.ListCustomersParams{ClientKey: clientKey, AfterID: after, MaxRows: int64(limit + 1)})
	if err != nil {
		return nil, "", classify(op, err)
	}
	items := make([]invoice.Customer, 0, len(rows))
	for _, r := range rows {
		c, err := customerOf(dbsqlc.CustomerRow(r))
		if err != nil {
			return nil, "", classify(op, err)
		}
		items = append(items, c)
	}
	items, next := pageOf(items, limit, func(c invoice.Customer) int64 { return c.ID })
	return items, next, nil
}

// ArchiveCustomer retires a customer: it leaves lists and cannot be billed
// again, but stays in the database for the invoices that name it (the
// API's DELETE maps here). An unknown, already archived or other tenant's
// id is remit.NotFound.
func (db *DB) ArchiveCustomer(ctx context.Context, tx *Tx, clientKey string, id int64, actor string) error {
	const op = "store.ArchiveCustomer"
	return db.inTx(ctx, tx, func(tx *Tx) error {
		now := db.now()
		before, err := scanCustomer(tx.pgx.QueryRow(ctx, `
			UPDATE customers SET archived_at = $3, updated_at = $3
			WHERE client_key = $1 AND id = $2 AND archived_at IS NULL
			RETURNING `+customerColumns, clientKey, id, now))
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFoundf(op, "no customer %d", id)
		}
		if err != nil {
			return classify(op, err)
		}
		return db.auditCustomer(ctx, tx, clientKey, actor, "archive", &before, nil)
	})
}

// scanCustomer reads one row of customerColumns.
func scanCustomer(row pgx.Row) (invoice.Customer, error) {
	var c invoice.Customer
	var currency string
	var overrides, address []byte
	var category string
	err := row.Scan(&c.ID, &c.Name, &c.JQL, &currency, dec(&c.HourlyRate), &overrides, dec(&c.TaxRatePercent),
		&c.PaymentTermsDays, &c.BillingEmail, &c.EscalationEmails, &c.LateFeePolicy,
		&address, &c.TaxID, &c.BuyerReference, &c.PeppolID, &c.EInvoiceFormat, &category, &c.TaxExemptionReason)
	if err != nil {
		return invoice.Customer{}, err
	}
	c.Currency, c.TaxCategory = money.Currency(currency), invoice.TaxCategory(category)
	if c.Address, err = decodeAddress(address); err != nil {
		return invoice.Customer{}, fmt.Errorf("customer %d: %w", c.ID, err)
	}
	if c.RateOverrides, err = decodeOverrides(overrides); err != nil {
		return invoice.Customer{}, fmt.Errorf("customer %d: %w", c.ID, err)
	}
	return c, nil
}

// customerOf converts a row read by Customer or ListCustomers, as
// scanCustomer does for the statements that lock or archive.
func customerOf(r dbsqlc.CustomerRow) (invoice.Customer, error) {
	var c rowConv
	out := invoice.Customer{
		ID: r.ID, Name: r.Name, JQL: r.JQL, Currency: money.Currency(r.Currency), HourlyRate: c.dec(r.HourlyRate),
		TaxRatePercent: c.dec(r.TaxRatePercent), BillingEmail: r.BillingEmail, EscalationEmails: r.EscalationEmails,
		LateFeePolicy: r.LateFeePolicy, TaxID: r.TaxID, BuyerReference: r.BuyerReference, PeppolID: r.PeppolID,
		EInvoiceFormat: r.EInvoiceFormat, TaxCategory: invoice.TaxCategory(r.TaxCategory), TaxExemptionReason: r.TaxExemptionReason,
	}
	if r.PaymentTermsDays.Valid {
		days := int(r.PaymentTermsDays.Int32)
		out.PaymentTermsDays = &days
	}
	if c.err != nil {
		return invoice.Customer{}, c.err
	}
	var err error
	if out.RateOverrides, err = decodeOverrides(r.RateOverrides); err != nil {
		return invoice.Customer{}, fmt.Errorf("customer %d: %w", out.ID, err)
	}
	if out.Address, err = decodeAddress(r.Address); err != nil {
		return invoice.Customer{}, fmt.Errorf("customer %d: %w", out.ID, err)
	}
	return out, nil
}

// customerWriteError names the clash when a write hits the unique name index.
func customerWriteError(op, name string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation {
		return &remit.Error{Kind: remit.Conflict, Op: op, Msg: fmt.Sprintf("a customer named %q already exists", name),
			Fields: map[string]string{"name": "is already used by another customer"}, Err: err}
	}
	return classify(op, err)
}

// auditCustomer appends the audit entry of a customer change.
func (db *DB) auditCustomer(ctx context.Context, tx *Tx, clientKey, actor, action string, before, after *invoice.Customer) error {
	var id int64
	var b, a json.RawMessage
	var err error
	if before != nil {
		id = before.ID
		if b, err = json.Marshal(customerDocOf(before)); err != nil {
			return fmt.Errorf("store: encode customer: %w", err)
		}
	}
	if after != nil {
		id = after.ID
		if a, err = json.Marshal(customerDocOf(after)); err != nil {
			return fmt.Errorf("store: encode customer: %w", err)
		}
	}
	return db.AppendAudit(ctx, tx, clientKey, AuditEntry{
		At: db.now(), Actor: actor, Entity: "customer", EntityID: strconv.FormatInt(id, 10), Action: action,
		Before: b, After: a,
	})
}

// nonNil turns a nil list into an empty one: an absent list is stored as
// an empty array, as the columns require, and a list read back is empty
// rather than nil when there are no rows, as pgx.CollectRows returns it.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
