package followupengine_test

import (
	"testing"
	"time"

	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/store"
)

// TestLicenceIsReadFromJiraWhenTheEngineRuns: nobody opens a page, and
// Jira's app licence API says the licence lapsed. The sweep reads it,
// records the tenant unlicensed and does nothing; when Jira says it is
// active again, the next sweep records that and runs the ladder.
func TestLicenceIsReadFromJiraWhenTheEngineRuns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.site.SetLicence(false)
	res := b.sweepAt(t, reminderDay)
	if res.Paused != "the tenant's licence is not active" || len(res.Outcomes) != 0 {
		t.Fatalf("sweep with the licence lapsed: paused %q, %d outcomes", res.Paused, len(res.Outcomes))
	}
	if lic, err := b.db.TenantLicence(b.ctx, b.tenant.ClientKey); err != nil || lic != store.LicenceNone {
		t.Fatalf("recorded licence %q, %v; want none", lic, err)
	}
	if b.site.Calls(jirafake.MethodAppLicence) != 1 {
		t.Fatalf("%d licence reads", b.site.Calls(jirafake.MethodAppLicence))
	}
	b.site.SetLicence(true)
	res = b.sweepAt(t, reminderDay.Add(time.Hour))
	if res.Paused != "" || len(mails(res)) != 1 {
		t.Fatalf("sweep with the licence back: paused %q, %v", res.Paused, plan(res))
	}
	if lic, _ := b.db.TenantLicence(b.ctx, b.tenant.ClientKey); lic != store.LicenceActive {
		t.Fatalf("recorded licence %q, want active", lic)
	}
}

// TestLicenceUnknownToJiraKeepsThePageLoadsState: Jira's answer carries
// no licence (a free listing, a development install); the state the last
// page load reported stands.
func TestLicenceUnknownToJiraKeepsThePageLoadsState(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if err := b.db.RecordLicence(b.ctx, b.tenant.ClientKey, store.LicenceNone); err != nil {
		t.Fatal(err)
	}
	if res := b.sweepAt(t, reminderDay); res.Paused == "" {
		t.Fatalf("a tenant a page load reported unlicensed was swept: %v", plan(res))
	}
	if lic, _ := b.db.TenantLicence(b.ctx, b.tenant.ClientKey); lic != store.LicenceNone {
		t.Fatalf("recorded licence %q, want none to stand", lic)
	}
}

// TestScheduleAsksJiraAboutAnUnlicensedTenant: the scheduler holds the
// tenant unlicensed (a page load said lic=none) and so enqueues no
// sweep, but asks Jira again (at most hourly): once Jira says the licence
// is active, the tenant's next instant is swept.
func TestScheduleAsksJiraAboutAnUnlicensedTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clock.Set(time.Date(2026, 12, 14, 8, 0, 0, 0, time.UTC))  // Monday, before the 09:00 sweep
	if err := b.engine.Heartbeat(b.ctx, b.tenant); err != nil { // first sight: the schedule starts now
		t.Fatal(err)
	}
	if err := b.db.RecordLicence(b.ctx, b.tenant.ClientKey, store.LicenceNone); err != nil {
		t.Fatal(err)
	}
	b.site.SetLicence(false)
	b.clock.Set(time.Date(2026, 12, 14, 9, 30, 0, 0, time.UTC))
	if err := b.engine.Heartbeat(b.ctx, b.tenant); err != nil {
		t.Fatal(err)
	}
	if n := b.sweepJobs(t); n != 0 || b.site.Calls(jirafake.MethodAppLicence) != 1 {
		t.Fatalf("unlicensed: %d sweeps enqueued, %d licence reads", n, b.site.Calls(jirafake.MethodAppLicence))
	}
	b.site.SetLicence(true)
	b.clock.Set(time.Date(2026, 12, 14, 10, 0, 0, 0, time.UTC)) // within the hour: Jira is not asked again
	if err := b.engine.Heartbeat(b.ctx, b.tenant); err != nil {
		t.Fatal(err)
	}
	if n := b.sweepJobs(t); n != 0 || b.site.Calls(jirafake.MethodAppLicence) != 1 {
		t.Fatalf("within the hour: %d sweeps, %d licence reads", n, b.site.Calls(jirafake.MethodAppLicence))
	}
	b.clock.Set(time.Date(2026, 12, 14, 10, 31, 0, 0, time.UTC))
	if err := b.engine.Heartbeat(b.ctx, b.tenant); err != nil {
		t.Fatal(err)
	}
	if n := b.sweepJobs(t); n != 1 {
		t.Fatalf("licence back: %d sweeps enqueued, want the latest instant's", n)
	}
	if lic, _ := b.db.TenantLicence(b.ctx, b.tenant.ClientKey); lic != store.LicenceActive {
		t.Fatalf("recorded licence %q, want active", lic)
	}
}

// sweepJobs counts the tenant's enqueued sweeps.
func (b *testBundle) sweepJobs(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM river_job WHERE kind = 'followup_sweep' AND args->>'clientKey' = $1`,
		b.tenant.ClientKey).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
