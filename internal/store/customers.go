package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

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
	terms, err := int4(c.PaymentTermsDays)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return db.inTx(ctx, tx, func(tx *Tx) error {
		id, err := db.queries(tx).CreateCustomer(ctx, dbsqlc.CreateCustomerParams{
			ClientKey: clientKey, Name: c.Name, JQL: c.JQL, Currency: string(c.Currency),
			HourlyRate: numeric(c.HourlyRate), RateOverrides: []byte(overrides), TaxRatePercent: numeric(c.TaxRatePercent),
			PaymentTermsDays: terms, BillingEmail: c.BillingEmail,
			EscalationEmails: nonNil(c.EscalationEmails), LateFeePolicy: c.LateFeePolicy, Now: db.now(),
			Address: []byte(address), TaxID: c.TaxID, BuyerReference: c.BuyerReference, PeppolID: c.PeppolID,
			EInvoiceFormat: c.EInvoiceFormat, TaxCategory: string(c.TaxCategory), TaxExemptionReason: c.TaxExemptionReason,
		})
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
	terms, err := int4(c.PaymentTermsDays)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return db.inTx(ctx, tx, func(tx *Tx) error {
		q := db.queries(tx)
		row, err := q.LockCustomer(ctx, dbsqlc.LockCustomerParams{ClientKey: clientKey, ID: c.ID})
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFoundf(op, "no customer %d", c.ID)
		}
		if err != nil {
			return classify(op, err)
		}
		before, err := customerOf(dbsqlc.CustomerRow(row))
		if err != nil {
			return classify(op, err)
		}
		err = q.UpdateCustomer(ctx, dbsqlc.UpdateCustomerParams{
			ClientKey: clientKey, ID: c.ID, Name: c.Name, JQL: c.JQL, Currency: string(c.Currency),
			HourlyRate: numeric(c.HourlyRate), RateOverrides: []byte(overrides), TaxRatePercent: numeric(c.TaxRatePercent),
			PaymentTermsDays: terms, BillingEmail: c.BillingEmail,
			EscalationEmails: nonNil(c.EscalationEmails), LateFeePolicy: c.LateFeePolicy, Now: db.now(),
			Address: []byte(address), TaxID: c.TaxID, BuyerReference: c.BuyerReference, PeppolID: c.PeppolID,
			EInvoiceFormat: c.EInvoiceFormat, TaxCategory: string(c.TaxCategory), TaxExemptionReason: c.TaxExemptionReason,
		})
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
		row, err := db.queries(tx).ArchiveCustomer(ctx, dbsqlc.ArchiveCustomerParams{ClientKey: clientKey, ID: id, Now: db.now()})
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFoundf(op, "no customer %d", id)
		}
		if err != nil {
			return classify(op, err)
		}
		before, err := customerOf(dbsqlc.CustomerRow(row))
		if err != nil {
			return classify(op, err)
		}
		return db.auditCustomer(ctx, tx, clientKey, actor, "archive", &before, nil)
	})
}

// customerOf converts a row read by Customer, ListCustomers, LockCustomer
// or ArchiveCustomer: all four return the same columns.
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

// int4 passes an optional whole number to a NULL-able integer column; nil
// is NULL, and a number out of the column's range is an error, as pgx
// reports it for a plain int parameter.
func int4(n *int) (pgtype.Int4, error) {
	if n == nil {
		return pgtype.Int4{}, nil
	}
	if *n < math.MinInt32 || *n > math.MaxInt32 {
		return pgtype.Int4{}, fmt.Errorf("%d is out of range for an integer column", *n)
	}
	return pgtype.Int4{Int32: int32(*n), Valid: true}, nil
}
