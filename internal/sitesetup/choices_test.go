package sitesetup_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/remit"
)

func TestSettingsChoicesOfferJiraStatusesCurrenciesAndZones(t *testing.T) {
	b := setup(t)
	b.site.AddProject("FIN", "Task")
	b.site.SetWorkflow("FIN", jirafake.Status{Name: "Draft", Category: jirafake.CategoryToDo},
		jirafake.Status{Name: "Billed", Category: jirafake.CategoryInProgress},
		jirafake.Status{Name: "Settled", Category: jirafake.CategoryDone})

	got, err := b.svc.SettingsChoices(b.ctx, b.admin, "FIN")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Draft", "Billed", "Settled"}; !slices.Equal(got.Statuses, want) {
		t.Errorf("statuses = %v, want %v", got.Statuses, want)
	}
	if !slices.Contains(got.Currencies, "EUR") || !slices.Contains(got.Currencies, "JPY") || !slices.IsSorted(got.Currencies) {
		t.Errorf("currencies = %v, want the sorted ISO 4217 codes", got.Currencies)
	}
	for _, z := range got.Timezones {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("time zone %q: %v", z, err)
		}
	}
	if !slices.Contains(got.Timezones, "UTC") || !slices.Contains(got.Timezones, "Europe/Berlin") {
		t.Errorf("timezones = %v", got.Timezones)
	}

	// No project given: the saved billing project's statuses.
	got, err = b.svc.SettingsChoices(b.ctx, b.admin, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Open", "Sent", "Overdue", "Paid", "Cancelled", "In Progress", "Done"}; !slices.Equal(got.Statuses, want) {
		t.Errorf("saved project's statuses = %v, want %v", got.Statuses, want)
	}
}

func TestSettingsChoicesNameAMissingProject(t *testing.T) {
	b := setup(t)
	_, err := b.svc.SettingsChoices(b.ctx, b.admin, "NOPE")
	var re *remit.Error
	if !errors.As(err, &re) || re.Kind != remit.Unprocessable || re.Fields["project"] == "" {
		t.Fatalf("err = %#v, want Unprocessable naming project", err)
	}
}

func TestSettingsChoicesAreForAdministrators(t *testing.T) {
	b := setup(t)
	if _, err := b.svc.SettingsChoices(b.ctx, b.manager, "BILL"); !remit.IsKind(err, remit.Forbidden) {
		t.Fatalf("manager: err = %v, want Forbidden", err)
	}
	if n := b.site.Calls(jirafake.MethodProjectStatuses); n != 0 {
		t.Errorf("a refused caller cost %d Jira calls", n)
	}
}
