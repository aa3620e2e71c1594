package jira_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jirasim/simtest"
)

// TestAppLicence reads the app's licence through Connect's app licence
// API on the simulator: none stated for a free listing, then active, then
// lapsed, as the site reports it.
func TestAppLicence(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
	env := simtest.Start(t, simtest.Options{Now: now})
	c, err := (&jira.Factory{AppKey: simtest.AppKey, HTTP: &http.Client{}, Now: now}).Client(env.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		set  func()
		want jira.Licence
	}{
		{func() {}, jira.Licence{}},
		{func() { env.Site.SetLicence(simtest.AppKey, true) }, jira.Licence{Known: true, Active: true}},
		{func() { env.Site.SetLicence(simtest.AppKey, false) }, jira.Licence{Known: true, Active: false}},
		{func() { env.Site.ClearLicence(simtest.AppKey) }, jira.Licence{}},
	} {
		tc.set()
		got, err := c.AppLicence(ctx)
		if err != nil || got != tc.want {
			t.Fatalf("AppLicence = %+v, %v; want %+v", got, err, tc.want)
		}
	}
	var seen bool
	for _, r := range env.Site.Requests() {
		if r.Method == http.MethodGet && r.Path == "/rest/atlassian-connect/1/addons/"+simtest.AppKey && r.Status == http.StatusOK {
			seen = true
		}
	}
	if !seen {
		t.Fatal("no GET of the app licence API among the site's requests")
	}
}
