package invoice

import (
	"encoding/json"
	"testing"

	"github.com/remitapp/remit/internal/remit"
)

// TestPromiseSettings: the customer page's promise limits default to 30
// days ahead and 2 days of grace, take the tenant's values (grace 0 is a
// value, not the default), survive the settings' JSON, and are refused
// out of range naming the field.
func TestPromiseSettings(t *testing.T) {
	s := DefaultSettings()
	if s.PromiseLimit() != 30 || s.PromiseGrace() != 2 {
		t.Fatalf("defaults %d, %d; want 30, 2", s.PromiseLimit(), s.PromiseGrace())
	}
	zero := 0
	s.PromiseMaxDays, s.PromiseGraceDays = 10, &zero
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Settings
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.PromiseLimit() != 10 || back.PromiseGrace() != 0 {
		t.Fatalf("after JSON %d, %d; want 10, 0", back.PromiseLimit(), back.PromiseGrace())
	}
	big := 61
	for _, bad := range []Settings{{PromiseMaxDays: -1}, {PromiseMaxDays: 366}, {PromiseGraceDays: &big}} {
		bad.BillingProjectKey = "BILL"
		bad = bad.WithDefaults()
		err := bad.Validate()
		var e *remit.Error
		if !remit.IsKind(err, remit.Unprocessable) || !asError(err, &e) || (e.Fields["promiseMaxDays"] == "" && e.Fields["promiseGraceDays"] == "") {
			t.Errorf("%+v: %v, want the promise field named", bad, err)
		}
	}
}
