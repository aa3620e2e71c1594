package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// InvoiceDocument is what an invoice says beyond its row: a draft's lines
// of every kind and its discount, or an issued invoice's document as it
// was at issue. Document is nil for a draft and for an invoice issued
// before documents were kept.
type InvoiceDocument struct {
	Status   invoice.Status
	Items    []invoice.LineItem
	Discount invoice.Discount
	Document *invoice.Document
}

// InvoiceDocument reads the document parts of one invoice. A nil tx
// reads outside any transaction. An unknown or other tenant's id is
// remit.NotFound.
func (db *DB) InvoiceDocument(ctx context.Context, tx *Tx, clientKey string, id int64) (InvoiceDocument, error) {
	const op = "store.InvoiceDocument"
	q := db.q()
	if tx != nil {
		q = dbsqlc.New(tx.pgx)
	}
	row, err := q.InvoiceDocument(ctx, dbsqlc.InvoiceDocumentParams{ClientKey: clientKey, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return InvoiceDocument{}, errNotFoundf(op, "no invoice %d", id)
	}
	if err != nil {
		return InvoiceDocument{}, classify(op, err)
	}
	out := InvoiceDocument{Status: invoice.Status(row.Status)}
	if row.Items != nil {
		if err := json.Unmarshal(row.Items, &out.Items); err != nil {
			return InvoiceDocument{}, remit.Wrap(remit.Internal, op, err)
		}
	}
	if row.Discount != nil {
		if err := json.Unmarshal(row.Discount, &out.Discount); err != nil {
			return InvoiceDocument{}, remit.Wrap(remit.Internal, op, err)
		}
	}
	if row.Document != nil {
		d, err := invoice.UnmarshalDocument(row.Document)
		if err != nil {
			return InvoiceDocument{}, err
		}
		out.Document = &d
	}
	return out, nil
}

// SetDraftItems replaces a draft's lines and discount, with the totals
// they make (inv's Subtotal, Tax and Total), and records the change in the
// audit log, in tx. An invoice that is no longer a draft is
// remit.Conflict: an issued invoice never changes.
func (db *DB) SetDraftItems(ctx context.Context, tx *Tx, clientKey string, inv *invoice.Invoice, items []invoice.LineItem, d invoice.Discount, actor string) error {
	const op = "store.SetDraftItems"
	itemsJSON, err := json.Marshal(nonNilItems(items))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	discountJSON, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return db.inTx(ctx, tx, func(tx *Tx) error {
		n, err := dbsqlc.New(tx.pgx).SetDraftItems(ctx, dbsqlc.SetDraftItemsParams{
			Items: itemsJSON, Discount: discountJSON, Subtotal: numeric(inv.Subtotal), Tax: numeric(inv.Tax),
			Total: numeric(inv.Total), UpdatedAt: tx.now, ClientKey: clientKey, ID: inv.ID,
		})
		if err != nil {
			return classify(op, err)
		}
		if n == 0 {
			return db.notDraft(ctx, tx, op, clientKey, inv.ID)
		}
		return db.auditDraft(ctx, tx, clientKey, actor, inv.ID, "edit_draft", struct {
			Lines    []invoice.LineItem `json:"lines"`
			Discount invoice.Discount   `json:"discount"`
		}{items, d})
	})
}

// DeleteDraft deletes a draft with its lines, releasing the worklogs it
// held, and records the deletion, in tx. An invoice that is no longer a
// draft is remit.Conflict.
func (db *DB) DeleteDraft(ctx context.Context, tx *Tx, clientKey string, id int64, actor string) error {
	const op = "store.DeleteDraft"
	return db.inTx(ctx, tx, func(tx *Tx) error {
		n, err := dbsqlc.New(tx.pgx).DeleteDraft(ctx, dbsqlc.DeleteDraftParams{ClientKey: clientKey, ID: id})
		if err != nil {
			return classify(op, err)
		}
		if n == 0 {
			return db.notDraft(ctx, tx, op, clientKey, id)
		}
		return db.auditDraft(ctx, tx, clientKey, actor, id, "delete_draft", nil)
	})
}

// FinalizeDraft issues a draft in tx: it takes the number and dates of
// doc, the totals of doc, and keeps doc itself, never to change again.
// An invoice that is no longer a draft is remit.Conflict.
func (db *DB) FinalizeDraft(ctx context.Context, tx *Tx, clientKey string, id int64, doc invoice.Document, actor string) error {
	const op = "store.FinalizeDraft"
	b, err := invoice.MarshalDocument(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if tx == nil {
		return remit.Errorf(remit.Internal, op, "finalizing needs the caller's transaction")
	}
	n, err := dbsqlc.New(tx.pgx).FinalizeDraft(ctx, dbsqlc.FinalizeDraftParams{
		Number: doc.Number, IssueDate: pgDate(doc.IssueDate), DueDate: pgDate(doc.DueDate),
		Subtotal: numeric(doc.Totals.TaxableBase), Tax: numeric(doc.Totals.Tax), Total: numeric(doc.Totals.Total),
		Document: b, UpdatedAt: tx.now, ClientKey: clientKey, ID: id,
	})
	if err != nil {
		return classify(op, err)
	}
	if n == 0 {
		return db.notDraft(ctx, tx, op, clientKey, id)
	}
	return db.auditDraft(ctx, tx, clientKey, actor, id, "finalize", struct {
		Number    string       `json:"number"`
		IssueDate invoice.Date `json:"issueDate"`
		DueDate   invoice.Date `json:"dueDate"`
		Total     string       `json:"total"`
	}{doc.Number, doc.IssueDate, doc.DueDate, exactString(doc.Totals.Total)})
}

// notDraft is the error of a draft-only change that touched no row:
// remit.NotFound when the tenant has no such invoice, else remit.Conflict,
// since an issued invoice cannot be changed.
func (db *DB) notDraft(ctx context.Context, tx *Tx, op, clientKey string, id int64) error {
	if _, err := db.InvoiceDocument(ctx, tx, clientKey, id); err != nil {
		if remit.IsKind(err, remit.NotFound) {
			return errNotFoundf(op, "no invoice %d", id)
		}
		return err
	}
	return remit.Errorf(remit.Conflict, op, "invoice %d is not a draft: an issued invoice cannot be changed (void it or issue a credit note)", id)
}

func (db *DB) auditDraft(ctx context.Context, tx *Tx, clientKey, actor string, id int64, action string, after any) error {
	var a json.RawMessage
	if after != nil {
		b, err := json.Marshal(after)
		if err != nil {
			return fmt.Errorf("store: encode audit: %w", err)
		}
		a = b
	}
	return db.AppendAudit(ctx, tx, clientKey, AuditEntry{
		At: tx.now, Actor: actor, Entity: "invoice", EntityID: strconv.FormatInt(id, 10), Action: action, After: a,
	})
}

func nonNilItems(items []invoice.LineItem) []invoice.LineItem {
	if items == nil {
		return []invoice.LineItem{}
	}
	return items
}
