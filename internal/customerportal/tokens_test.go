package customerportal_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/customerportal"
	"github.com/remitapp/remit/internal/remit"
)

// TestTokens: a link is 256 bits under /c/ of the base URL, opens its
// invoice only, and every wrong token (guessed, altered by one
// character, cut, too long, empty) is the same NotFound; a revoked link
// is ErrRevoked and the panel's next link is a new one; links are the
// managers' only; an uninstalled tenant's links open nothing.
func TestTokens(t *testing.T) {
	t.Parallel()
	b := setup(t)
	u, err := b.svc.Link(b.ctx, b.manager, b.inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	token, ok := strings.CutPrefix(u, "https://remit.example/app/c/")
	if !ok || len(token) != 43 {
		t.Fatalf("link %q: want https://remit.example/app/c/ and 43 characters", u)
	}
	acc, err := b.svc.Resolve(b.ctx, token)
	if err != nil || acc.InvoiceID != b.inv.ID || acc.Tenant.ClientKey != b.tenant.ClientKey {
		t.Fatalf("resolve = %+v, %v", acc, err)
	}
	if again, _ := b.svc.PageURL(b.ctx, b.tenant.ClientKey, b.inv.ID); again != u {
		t.Fatalf("the e-mails' link %q is not the panel's %q", again, u)
	}
	flip := []byte(token)
	flip[10] ^= 1
	for name, wrong := range map[string]string{
		"guessed": strings.Repeat("A", 43), "altered": string(flip), "cut": token[:42], "longer": token + "A",
		"empty": "", "huge": strings.Repeat(token, 10), "path": "../" + token,
	} {
		_, err := b.svc.Resolve(b.ctx, wrong)
		if !remit.IsKind(err, remit.NotFound) || err.Error() != "customerportal.Resolve: no such page" {
			t.Errorf("%s token: %v, want the one NotFound", name, err)
		}
	}

	if _, err := b.svc.Link(b.ctx, b.viewer, b.inv.ID); !remit.IsKind(err, remit.Forbidden) {
		t.Fatalf("a viewer got the link: %v", err)
	}
	requireKind(t, b.svc.Revoke(b.ctx, b.viewer, b.inv.ID), remit.Forbidden)
	if err := b.svc.Revoke(b.ctx, b.manager, b.inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Resolve(b.ctx, token); !errors.Is(err, customerportal.ErrRevoked) {
		t.Fatalf("revoked token: %v, want ErrRevoked", err)
	}
	if got := b.audit(t, managerID); len(got) == 0 || got[len(got)-1].Action != "customer_link_revoke" {
		t.Fatalf("the revocation is not in the audit log: %+v", got)
	}
	fresh, err := b.svc.Link(b.ctx, b.manager, b.inv.ID)
	if err != nil || fresh == u {
		t.Fatalf("link after revocation = %q, %v; want a new one", fresh, err)
	}
	if _, err := b.svc.Resolve(b.ctx, strings.TrimPrefix(fresh, "https://remit.example/app/c/")); err != nil {
		t.Fatalf("the new link does not open: %v", err)
	}

	if err := b.db.SetTenantEnabled(b.ctx, b.tenant.ClientKey, false); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Resolve(b.ctx, strings.TrimPrefix(fresh, "https://remit.example/app/c/")); !remit.IsKind(err, remit.NotFound) {
		t.Fatalf("a disabled tenant's link: %v, want NotFound", err)
	}
}

// TestPageFigures: the page shows the invoice's own figures, the bank
// details and the reference; a payment shows as paid and a settled
// invoice says so.
func TestPageFigures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, _ := b.access(t)
	p, err := b.svc.Page(b.ctx, acc)
	if err != nil {
		t.Fatal(err)
	}
	if p.Number != b.inv.Number || p.Balance != "350.00" || p.Total != "350.00" || p.Paid != "0.00" || p.DueDate != "2026-12-15" ||
		p.Reference != b.inv.Number || p.BankIBAN != "DE89 3704 0044 0532 0130 00" || p.Seller.Name != "Remit Consulting LLC" ||
		len(p.Lines) != 1 || p.Settled != "" || !p.Open() || p.CanPayByCard || p.PromiseMax != "2026-12-16" {
		t.Fatalf("page = %+v", p)
	}
	if _, _, err := b.bill.RecordPayment(b.ctx, b.manager, b.inv.ID, paymentOf("350.00")); err != nil {
		t.Fatal(err)
	}
	if p, err = b.svc.Page(b.ctx, acc); err != nil || p.Settled != "paid" || p.Balance != "0.00" || p.Open() {
		t.Fatalf("after payment: %+v, %v", p, err)
	}
	requireKind(t, b.svc.Promise(b.ctx, acc, date("2026-11-20")), remit.Conflict)
}

// TestStatement lists the customer's open invoices, each with a page
// link of its own, and nothing settled.
func TestStatement(t *testing.T) {
	t.Parallel()
	b := setup(t)
	acc, token := b.access(t)
	st, err := b.svc.Statement(b.ctx, acc, token)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Lines) != 1 || st.Lines[0].Number != b.inv.Number || !strings.HasPrefix(st.Lines[0].URL, "https://remit.example/app/c/") ||
		len(st.Totals) != 1 || st.Totals[0].Value != "350.00" {
		t.Fatalf("statement = %+v", st)
	}
	if _, _, err := b.bill.RecordPayment(b.ctx, b.manager, b.inv.ID, paymentOf("350.00")); err != nil {
		t.Fatal(err)
	}
	if st, err = b.svc.Statement(b.ctx, acc, token); err != nil || len(st.Lines) != 0 {
		t.Fatalf("statement after payment = %+v, %v", st, err)
	}
}
