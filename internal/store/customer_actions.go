package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// AddCustomerPromise records, in tx, the customer's promise to pay the
// invoice by a date, with the tenant's grace days; it becomes the
// invoice's latest promise, which the follow-up engine reads.
func (db *DB) AddCustomerPromise(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, on invoice.Date, graceDays int) (followup.Promise, error) {
	const op = "store.AddCustomerPromise"
	r, err := db.queries(tx).AddCustomerPromise(ctx, dbsqlc.AddCustomerPromiseParams{
		ClientKey: clientKey, InvoiceID: invoiceID, PromisedOn: pgDate(on), GraceDays: int32(graceDays), Now: db.nowIn(tx)})
	if err != nil {
		return followup.Promise{}, classify(op, err)
	}
	return followup.Promise{Seq: int(r.Seq), PromisedOn: on, GraceDays: graceDays}, nil
}

// LatestCustomerPromise is the invoice's latest promise, nil when the
// customer made none.
func (db *DB) LatestCustomerPromise(ctx context.Context, tx *Tx, clientKey string, invoiceID int64) (*followup.Promise, error) {
	const op = "store.LatestCustomerPromise"
	rows, err := db.queries(tx).LatestCustomerPromise(ctx, dbsqlc.LatestCustomerPromiseParams{ClientKey: clientKey, InvoiceID: invoiceID})
	if err != nil || len(rows) == 0 {
		return nil, classify(op, err)
	}
	var c rowConv
	p := &followup.Promise{Seq: int(rows[0].Seq), PromisedOn: c.date(rows[0].PromisedOn), GraceDays: int(rows[0].GraceDays)}
	return p, classify(op, c.err)
}

// Plan request states.
const (
	PlanRequestPending  = "pending"
	PlanRequestAccepted = "accepted"
	PlanRequestDeclined = "declined"
)

// PlanRequest is a payment plan a customer proposed for an invoice.
type PlanRequest struct {
	ID           int64
	Installments []invoice.InstallmentInput
	Note         string
	Status       string
	CreatedAt    time.Time
	DecidedAt    *time.Time
	DecidedBy    string
}

// planRequestInstallment is an installment as plan_requests.installments
// holds it.
type planRequestInstallment struct {
	DueDate invoice.Date `json:"dueDate"`
	Amount  string       `json:"amount"`
}

// AddPlanRequest records a customer's proposed plan, pending, in tx.
func (db *DB) AddPlanRequest(ctx context.Context, tx *Tx, clientKey string, invoiceID int64, ins []invoice.InstallmentInput, note string) (int64, error) {
	const op = "store.AddPlanRequest"
	doc := make([]planRequestInstallment, len(ins))
	for i, in := range ins {
		doc[i] = planRequestInstallment(in)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	id, err := db.queries(tx).AddPlanRequest(ctx, dbsqlc.AddPlanRequestParams{ClientKey: clientKey, InvoiceID: invoiceID, Installments: b, Note: note, Now: db.nowIn(tx)})
	return id, classify(op, err)
}

// PlanRequests are the invoice's plan requests, oldest first.
func (db *DB) PlanRequests(ctx context.Context, clientKey string, invoiceID int64) ([]PlanRequest, error) {
	const op = "store.PlanRequests"
	rows, err := db.q().PlanRequests(ctx, dbsqlc.PlanRequestsParams{ClientKey: clientKey, InvoiceID: invoiceID})
	if err != nil {
		return nil, classify(op, err)
	}
	out := make([]PlanRequest, 0, len(rows))
	for _, r := range rows {
		pr, err := planRequestOf(dbsqlc.PlanRequestForUpdateRow(r))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, pr)
	}
	return out, nil
}

// PlanRequestForUpdate reads one plan request of the invoice and locks it
// until tx ends. An unknown one, or another invoice's or tenant's, is
// remit.NotFound.
func (db *DB) PlanRequestForUpdate(ctx context.Context, tx *Tx, clientKey string, invoiceID, id int64) (PlanRequest, error) {
	const op = "store.PlanRequestForUpdate"
	r, err := db.queries(tx).PlanRequestForUpdate(ctx, dbsqlc.PlanRequestForUpdateParams{ClientKey: clientKey, InvoiceID: invoiceID, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return PlanRequest{}, errNotFoundf(op, "invoice %d has no plan request %d", invoiceID, id)
	}
	if err != nil {
		return PlanRequest{}, classify(op, err)
	}
	pr, err := planRequestOf(r)
	if err != nil {
		return PlanRequest{}, fmt.Errorf("%s: %w", op, err)
	}
	return pr, nil
}

// DecidePlanRequest accepts or declines a pending plan request in tx;
// false when it was no longer pending.
func (db *DB) DecidePlanRequest(ctx context.Context, tx *Tx, clientKey string, invoiceID, id int64, status, by string) (bool, error) {
	const op = "store.DecidePlanRequest"
	if status != PlanRequestAccepted && status != PlanRequestDeclined {
		return false, fmt.Errorf("%s: status %q", op, status)
	}
	n, err := db.queries(tx).DecidePlanRequest(ctx, dbsqlc.DecidePlanRequestParams{
		ClientKey: clientKey, InvoiceID: invoiceID, ID: id, Status: status, Now: db.nowIn(tx), DecidedBy: by})
	return n > 0, classify(op, err)
}

func planRequestOf(r dbsqlc.PlanRequestForUpdateRow) (PlanRequest, error) {
	var doc []planRequestInstallment
	if err := json.Unmarshal(r.Installments, &doc); err != nil {
		return PlanRequest{}, fmt.Errorf("decode plan request %d: %w", r.ID, err)
	}
	pr := PlanRequest{ID: r.ID, Note: r.Note, Status: r.Status, CreatedAt: r.CreatedAt, DecidedAt: r.DecidedAt, DecidedBy: r.DecidedBy}
	for _, in := range doc {
		pr.Installments = append(pr.Installments, invoice.InstallmentInput(in))
	}
	return pr, nil
}
