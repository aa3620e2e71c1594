package sitesetup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// TestSettingsAreForAdministratorsAndMatchJira: only Jira administrators
// read or save settings, and a billing project or issue type Jira does not
// have is refused naming the field, the saved settings unchanged.
func TestSettingsAreForAdministratorsAndMatchJira(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, _, err := b.svc.Settings(b.ctx, b.manager)
	requireKind(t, err, remit.Forbidden)
	set, saved, err := b.svc.Settings(b.ctx, b.admin)
	if err != nil || !saved {
		t.Fatalf("settings: saved=%v err=%v", saved, err)
	}
	if _, err := b.svc.PutSettings(b.ctx, b.manager, set); !remit.IsKind(err, remit.Forbidden) {
		t.Fatalf("a manager saved settings: %v", err)
	}

	for field, edit := range map[string]func(*invoice.Settings){
		"billingProjectKey": func(s *invoice.Settings) { s.BillingProjectKey = "NOPE" },
		"invoiceIssueType":  func(s *invoice.Settings) { s.InvoiceIssueType = "Epic" },
	} {
		bad := set
		edit(&bad)
		_, err := b.svc.PutSettings(b.ctx, b.admin, bad)
		var e *remit.Error
		if !errors.As(err, &e) || e.Kind != remit.Unprocessable || e.Fields[field] == "" {
			t.Errorf("%s: err = %#v, want Unprocessable naming it", field, err)
		}
	}
	after, _, err := b.svc.Settings(b.ctx, b.admin)
	if err != nil {
		t.Fatal(err)
	}
	if after.BillingProjectKey != "BILL" || after.InvoiceIssueType != set.InvoiceIssueType {
		t.Fatalf("refused saves changed the settings: %+v", after)
	}
}

// TestCustomerRules: a JQL Jira refuses is Unprocessable with Jira's
// message on the field, ORDER BY is refused before Jira is asked, only
// administrators set or change a JQL (it decides what Remit reads as the
// app), managers may edit the rest, viewers nothing; deleting archives.
func TestCustomerRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acme := invoice.Customer{Name: "Acme", JQL: "project = WORK", Currency: "USD", HourlyRate: decimal.RequireFromString("100")}

	_, err := b.svc.SaveCustomer(b.ctx, b.admin, invoice.Customer{Name: "Broken", JQL: "projct = WORK", Currency: "USD", HourlyRate: acme.HourlyRate})
	var e *remit.Error
	if !errors.As(err, &e) || e.Kind != remit.Unprocessable || !strings.Contains(e.Fields["jql"], "projct") {
		t.Fatalf("refused JQL: %#v, want Jira's message on the jql field", err)
	}
	calls := b.site.Calls(jirafake.MethodCheckJQL)
	_, err = b.svc.SaveCustomer(b.ctx, b.admin, invoice.Customer{Name: "Sorted", JQL: "project = WORK ORDER BY created", Currency: "USD", HourlyRate: acme.HourlyRate})
	if !errors.As(err, &e) || e.Kind != remit.Unprocessable || !strings.Contains(e.Fields["jql"], "ORDER BY") {
		t.Fatalf("ORDER BY: %#v", err)
	}
	if n := b.site.Calls(jirafake.MethodCheckJQL); n != calls {
		t.Errorf("ORDER BY asked Jira %d times", n-calls)
	}
	if _, err := b.svc.SaveCustomer(b.ctx, b.manager, acme); !remit.IsKind(err, remit.Forbidden) {
		t.Fatalf("a manager set a JQL: %v", err)
	}

	saved, err := b.svc.SaveCustomer(b.ctx, b.admin, acme)
	if err != nil {
		t.Fatal(err)
	}
	rename := saved
	rename.Name = "Acme Corp"
	if got, err := b.svc.SaveCustomer(b.ctx, b.manager, rename); err != nil || got.Name != "Acme Corp" {
		t.Fatalf("a manager's rename: %+v %v", got, err)
	}
	widen := saved
	widen.JQL = "project in (WORK, HIDDEN)"
	if _, err := b.svc.SaveCustomer(b.ctx, b.manager, widen); !remit.IsKind(err, remit.Forbidden) {
		t.Fatalf("a manager widened the JQL: %v", err)
	}
	if _, err := b.svc.SaveCustomer(b.ctx, b.viewer, rename); !remit.IsKind(err, remit.Forbidden) {
		t.Fatalf("a viewer saved a customer: %v", err)
	}
	if got, err := b.svc.Customer(b.ctx, b.viewer, saved.ID); err != nil || got.JQL != "project = WORK" {
		t.Fatalf("viewer reads %+v %v, want the admin's JQL kept", got, err)
	}
	other := saved
	other.ID = saved.ID + 1000
	if _, err := b.svc.SaveCustomer(b.ctx, b.admin, other); !remit.IsKind(err, remit.NotFound) {
		t.Fatalf("unknown id: %v, want NotFound", err)
	}

	if err := b.svc.DeleteCustomer(b.ctx, b.viewer, saved.ID); !remit.IsKind(err, remit.Forbidden) {
		t.Fatalf("a viewer deleted: %v", err)
	}
	if err := b.svc.DeleteCustomer(b.ctx, b.manager, saved.ID); err != nil {
		t.Fatal(err)
	}
	list, _, err := b.svc.Customers(b.ctx, b.viewer, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Fatalf("archived customer still listed: %+v", list)
	}
}

// TestNothingBeforeSettings: before an administrator saves settings, the
// customer use cases say so plainly.
func TestNothingBeforeSettings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, err := b.db.Pool().Exec(b.ctx, `DELETE FROM settings`); err != nil {
		t.Fatal(err)
	}
	_, _, err := b.svc.Customers(b.ctx, b.admin, store.Page{})
	var e *remit.Error
	if !errors.As(err, &e) || e.Kind != remit.Unprocessable || !strings.Contains(e.Msg, "not configured") {
		t.Fatalf("customers before settings: %#v", err)
	}
}
