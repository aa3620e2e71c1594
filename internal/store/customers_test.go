package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// sameCustomer compares customers exactly, decimals by value and scale.
func sameCustomer(t *testing.T, got, want invoice.Customer) {
	t.Helper()
	exact := func(a, b decimal.Decimal) bool { return a.Equal(b) && a.Exponent() == b.Exponent() }
	sameRates := func(a, b map[string]decimal.Decimal) bool {
		if len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if w, ok := b[k]; !ok || !exact(v, w) {
				return false
			}
		}
		return true
	}
	switch {
	case got.ID != want.ID || got.Name != want.Name || got.JQL != want.JQL || got.Currency != want.Currency:
	case !exact(got.HourlyRate, want.HourlyRate) || !exact(got.TaxRatePercent, want.TaxRatePercent):
	case !sameRates(got.RateOverrides.Accounts, want.RateOverrides.Accounts) || !sameRates(got.RateOverrides.Projects, want.RateOverrides.Projects):
	case (got.PaymentTermsDays == nil) != (want.PaymentTermsDays == nil):
	case got.PaymentTermsDays != nil && *got.PaymentTermsDays != *want.PaymentTermsDays:
	case got.BillingEmail != want.BillingEmail || !slices.Equal(got.EscalationEmails, want.EscalationEmails) || got.LateFeePolicy != want.LateFeePolicy:
	default:
		return
	}
	t.Fatalf("customer\n got %+v\nwant %+v", got, want)
}

func TestCustomerCRUD(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")

	c := createCustomer(t, e.db, "t1", customerFixture("Acme Corp"))
	if c.ID == 0 {
		t.Fatal("CreateCustomer did not set the id")
	}
	got, err := e.db.Customer(ctx, "t1", c.ID)
	must(t, err)
	sameCustomer(t, got, c)

	// A minimal customer: no overrides, no terms, no e-mails.
	bare := createCustomer(t, e.db, "t1", invoice.Customer{Name: "Bare", JQL: "project = B", Currency: "JPY", HourlyRate: d("9500"), TaxRatePercent: d("0")})
	got, err = e.db.Customer(ctx, "t1", bare.ID)
	must(t, err)
	if got.PaymentTermsDays != nil || len(got.EscalationEmails) != 0 || got.RateOverrides.Accounts != nil || !got.HourlyRate.Equal(d("9500")) {
		t.Fatalf("bare customer read back as %+v", got)
	}

	upd := c
	upd.Name = "Acme Corporation"
	upd.HourlyRate = d("99.9950")
	upd.PaymentTermsDays = nil
	upd.RateOverrides.Projects = map[string]decimal.Decimal{"ACME": d("0.0001")}
	upd.EscalationEmails = nil
	must(t, e.db.UpdateCustomer(ctx, nil, "t1", &upd, "acc-2"))
	got, err = e.db.Customer(ctx, "t1", c.ID)
	must(t, err)
	upd.EscalationEmails = []string{}
	sameCustomer(t, got, upd)
	var rate string
	must(t, e.pool.QueryRow(ctx, `SELECT hourly_rate::text FROM customers WHERE id = $1`, c.ID).Scan(&rate))
	if rate != "99.9950" {
		t.Fatalf("hourly_rate stored as %s, want 99.9950 exactly", rate)
	}

	must(t, e.db.ArchiveCustomer(ctx, nil, "t1", c.ID, "acc-3"))
	wantKind(t, func() error { _, err := e.db.Customer(ctx, "t1", c.ID); return err }(), remit.NotFound)
	wantKind(t, e.db.ArchiveCustomer(ctx, nil, "t1", c.ID, "acc-3"), remit.NotFound)
	wantKind(t, e.db.UpdateCustomer(ctx, nil, "t1", &upd, "acc-3"), remit.NotFound)
	if n := count(t, e.pool, `SELECT count(*) FROM customers WHERE id = $1 AND archived_at IS NOT NULL`, c.ID); n != 1 {
		t.Fatal("archiving deleted the row")
	}
	list, _, err := e.db.ListCustomers(ctx, "t1", store.Page{})
	must(t, err)
	if len(list) != 1 || list[0].ID != bare.ID {
		t.Fatalf("list after archive = %+v, want only Bare", list)
	}

	entries, err := e.db.AuditEntries(ctx, "t1", store.AuditFilter{Entity: "customer", EntityID: fmt.Sprint(c.ID)})
	must(t, err)
	var actions []string
	for _, en := range entries {
		actions = append(actions, en.Action+"/"+en.Actor)
	}
	if strings.Join(actions, ",") != "create/acc-admin,update/acc-2,archive/acc-3" {
		t.Fatalf("audit trail %v", actions)
	}
	var before, after map[string]any
	must(t, json.Unmarshal(entries[1].Before, &before))
	must(t, json.Unmarshal(entries[1].After, &after))
	if before["name"] != "Acme Corp" || after["name"] != "Acme Corporation" || after["hourlyRate"] != "99.9950" {
		t.Fatalf("update audit before %v after %v", before, after)
	}
	if entries[2].After != nil || entries[2].Before == nil {
		t.Fatalf("archive audit %+v, want before only", entries[2])
	}
}

func TestCustomerNotFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	_, err := e.db.Customer(ctx, "t1", 424242)
	wantKind(t, err, remit.NotFound)
	c := customerFixture("Ghost")
	c.ID = 424242
	wantKind(t, e.db.UpdateCustomer(ctx, nil, "t1", &c, "acc"), remit.NotFound)
	wantKind(t, e.db.ArchiveCustomer(ctx, nil, "t1", 424242, "acc"), remit.NotFound)
	wantKind(t, e.db.CreateCustomer(ctx, nil, "no-such-tenant", &c, "acc"), remit.NotFound)
}

func TestCustomerDuplicateName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	first := createCustomer(t, e.db, "t1", customerFixture("Acme"))
	other := createCustomer(t, e.db, "t1", customerFixture("Globex"))

	dup := customerFixture("ACME")
	err := e.db.CreateCustomer(ctx, nil, "t1", &dup, "acc")
	wantKind(t, err, remit.Conflict)
	var re *remit.Error
	if !asRemitError(err, &re) || re.Fields["name"] == "" || !strings.Contains(re.Msg, "ACME") {
		t.Fatalf("conflict %v does not name the field and the name", err)
	}
	if n := count(t, e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'customer'`); n != 2 {
		t.Fatalf("%d customer audit entries after a refused create, want 2", n)
	}

	other.Name = "acme"
	wantKind(t, e.db.UpdateCustomer(ctx, nil, "t1", &other, "acc"), remit.Conflict)

	// Archiving frees the name.
	must(t, e.db.ArchiveCustomer(ctx, nil, "t1", first.ID, "acc"))
	createCustomer(t, e.db, "t1", customerFixture("Acme"))
}

func TestListCustomersPagination(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	want := map[int64]bool{}
	for i := range 120 {
		c := createCustomer(t, e.db, "t1", customerFixture(fmt.Sprintf("Customer %03d", i)))
		want[c.ID] = true
	}
	for _, tc := range []struct {
		limit, pageSize, pages int
	}{{0, 50, 3}, {7, 7, 18}, {1000, 200, 1}, {-1, 50, 3}} {
		seen := map[int64]bool{}
		var last int64
		cursor, pages := "", 0
		for {
			items, next, err := e.db.ListCustomers(ctx, "t1", store.Page{Limit: tc.limit, Cursor: cursor})
			must(t, err)
			pages++
			if len(items) > tc.pageSize || (next != "" && len(items) != tc.pageSize) {
				t.Fatalf("limit %d: page of %d items, next %q", tc.limit, len(items), next)
			}
			for _, c := range items {
				if seen[c.ID] || c.ID <= last {
					t.Fatalf("limit %d: customer %d repeated or out of order", tc.limit, c.ID)
				}
				seen[c.ID], last = true, c.ID
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != len(want) || pages != tc.pages {
			t.Fatalf("limit %d: %d customers in %d pages, want %d in %d", tc.limit, len(seen), pages, len(want), tc.pages)
		}
	}
}

func TestListCustomersBadCursor(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Options{})
	install(t, e.db, "t1")
	for _, cursor := range []string{"garbage!", "MTIz", "djE6LTU", "djE6YWJj", "djE6"} { // "123", "v1:-5", "v1:abc", "v1:"
		_, _, err := e.db.ListCustomers(context.Background(), "t1", store.Page{Cursor: cursor})
		wantKind(t, err, remit.Invalid)
	}
}
