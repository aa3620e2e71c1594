package jirasync_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/remitapp/remit/internal/golden"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/jirasync"
)

// TestDescriptionGolden pins the bytes of the invoice issue's description
// as Jira receives them: a short invoice listing every line, and a long
// one whose table stops at Jira's limit.
func TestDescriptionGolden(t *testing.T) {
	t.Parallel()
	for _, n := range []int{3, 400} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			raw, err := json.Marshal(jirasync.Description(invoiceWithLines(t, n)).ADF())
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, fmt.Sprintf("description-%d.json", n), raw)
		})
	}
}

// TestPropertyGolden pins the bytes of the remit-invoice issue property,
// which JQL searches and the descriptor's index read.
func TestPropertyGolden(t *testing.T) {
	t.Parallel()
	inv := invoiceWithLines(t, 3)
	inv.ID, inv.Status, inv.Paid = 42, invoice.StatusPartiallyPaid, inv.Lines[0].Amount
	today, err := invoice.ParseDate("2026-12-20")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(jirasync.PropertyOf(inv, today))
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "property.json", raw)
}
