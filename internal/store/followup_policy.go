package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/store/internal/dbsqlc"
)

// GetPolicy returns the tenant's follow-up policy and true, or the default
// ladder and false when the tenant never saved one.
func (db *DB) GetPolicy(ctx context.Context, clientKey string) (followup.Policy, bool, error) {
	p, ok, err := getDoc[followup.Policy](ctx, db, policyDocs, "store.GetPolicy", clientKey)
	if err == nil && !ok {
		p = followup.DefaultPolicy()
	}
	return p, ok, err
}

// PutPolicy saves the tenant's policy whole, validated by the caller, and
// records the change with the policy before and after in the audit log,
// in tx (nil = a transaction of its own). An unknown tenant is
// remit.NotFound.
func (db *DB) PutPolicy(ctx context.Context, tx *Tx, clientKey string, p followup.Policy, actor string) error {
	return db.putDoc(ctx, tx, policyDocs, "store.PutPolicy", clientKey, p, actor)
}

// RescheduleOpenInvoices sets the next action time of every open,
// undisputed invoice of the tenant to at, so that the next sweep at or
// after at plans each of them again, after a change that moves every
// invoice's ladder (a new policy). It returns how many it touched.
func (db *DB) RescheduleOpenInvoices(ctx context.Context, tx *Tx, clientKey string, at time.Time) (int64, error) {
	const op = "store.RescheduleOpenInvoices"
	n, err := db.queries(tx).RescheduleOpenInvoices(ctx, dbsqlc.RescheduleOpenInvoicesParams{ClientKey: clientKey, At: at})
	if err != nil {
		return 0, classify(op, err)
	}
	return n, nil
}

// FollowupTerms reads, in tx when given, what recomputing an invoice's
// next action time needs of its tenant: the policy (the default ladder
// when none was saved) and the timezone of the settings ("" when none).
// Billing calls it inside the transaction of an invoice change, so it
// must not take a second connection from the pool.
func (db *DB) FollowupTerms(ctx context.Context, tx *Tx, clientKey string) (followup.Policy, string, error) {
	const op = "store.FollowupTerms"
	r, err := db.queries(tx).FollowupTerms(ctx, clientKey)
	if err != nil {
		return followup.Policy{}, "", classify(op, err)
	}
	p := followup.DefaultPolicy()
	if r.Policy != nil {
		p = followup.Policy{}
		if err := json.Unmarshal(r.Policy, &p); err != nil {
			return followup.Policy{}, "", fmt.Errorf("%s: decode policy of %q: %w", op, clientKey, err)
		}
	}
	return p, r.Timezone, nil
}
