package benchkit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/jirasim"
)

// FleetSite is one Jira site with Remit installed: a billing project
// BILL, a work project WORK, one customer and its invoices.
type FleetSite struct {
	Name     string
	Site     *jirasim.Site
	Inst     jirasim.Installation
	Customer int64
	Invoices []*FleetInvoice
}

// FleetInvoice is one invoice of a site. Offset is how many days past
// its due date it is in the first sweep round (negative: not yet due).
type FleetInvoice struct {
	ID       int64
	Number   string
	IssueKey string
	Offset   int
}

// MarkedPolicy is the default ladder with each step's comment starting
// "Follow-up <step> for invoice <number>", so comments found in Jira can
// be attributed to their (invoice, step) without Remit's tables.
func MarkedPolicy() followup.Policy {
	p := followup.DefaultPolicy()
	for i := range p.Steps {
		p.Steps[i].Comment = "Follow-up " + p.Steps[i].Key + " for invoice {{.Number}}: {{.Balance}} {{.Currency}} was due on {{.DueDate}}."
	}
	return p
}

// workDay is the day invoice j bills: one worklog each, so every invoice
// has work of its own.
func workDay(j int) time.Time { return time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC).AddDate(0, 0, j) }

// AddSite creates site name with invoices whose first-round offsets are
// offsets (one invoice each), installs Remit through the first replica,
// configures it (settings with a sweep every minute, a customer, the
// marked policy), creates the invoices through the replicas in turn, due
// in 30 days so none is overdue yet, and waits until each has its Jira
// issue in Sent.
func (f *Fleet) AddSite(ctx context.Context, name string, offsets []int) (*FleetSite, error) {
	st := f.Sim.AddSite(name)
	seed := jirasim.SeedData{
		Users:    []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "BILL", Name: "Billing", WorkflowName: "invoice"}, {Key: "WORK", Name: "Work"}},
		Issues:   []jirasim.IssueSpec{{Project: "WORK", Summary: "Build the thing"}, {Project: "WORK", Summary: "Support"}},
	}
	for j := range offsets {
		seed.Worklogs = append(seed.Worklogs, jirasim.WorklogSpec{Issue: "WORK-1", Author: "alice", Started: workDay(j), TimeSpentSeconds: 3600})
	}
	if _, err := st.Seed(seed); err != nil {
		return nil, err
	}
	if err := st.MakeSiteAdmin(fleetAdmin); err != nil {
		return nil, err
	}
	inst, err := st.InstallApp(ctx, f.Replicas[0].Base)
	if err != nil {
		return nil, fmt.Errorf("install %s: %w", name, err)
	}
	s := &FleetSite{Name: name, Site: st, Inst: inst}
	r0 := f.Replicas[0]
	settings := map[string]any{"billingProjectKey": "BILL", "timezone": "UTC", "currency": "EUR", "followupSchedule": "* * * * *",
		"seller": map[string]string{"name": "Remit Consulting " + name, "email": "seller@" + name + ".example"}}
	if err := f.API(ctx, r0, s, http.MethodPut, "/settings", settings, nil); err != nil {
		return nil, err
	}
	var c struct{ ID int64 }
	if err := f.API(ctx, r0, s, http.MethodPost, "/customers", map[string]any{"name": "Customer " + name, "jql": "project = WORK", "currency": "EUR",
		"hourlyRate": "100", "billingEmail": "ap@" + name + ".example", "escalationEmails": []string{"cfo@" + name + ".example"}}, &c); err != nil {
		return nil, err
	}
	s.Customer = c.ID
	if err := f.API(ctx, r0, s, http.MethodPut, "/policy", f.Policy, nil); err != nil {
		return nil, err
	}
	today := time.Now().UTC()
	s.Invoices = make([]*FleetInvoice, len(offsets))
	var g errgroup.Group
	g.SetLimit(4)
	for j, off := range offsets {
		g.Go(func() error {
			day := workDay(j).Format(time.DateOnly)
			var inv struct {
				ID     int64
				Number string
			}
			r := f.Replicas[j%len(f.Replicas)]
			if err := f.API(ctx, r, s, http.MethodPost, "/invoices", map[string]any{"customerId": s.Customer, "periodStart": day, "periodEnd": day,
				"issueDate": today.Format(time.DateOnly), "dueDate": today.AddDate(0, 0, 30).Format(time.DateOnly)}, &inv); err != nil {
				return err
			}
			s.Invoices[j] = &FleetInvoice{ID: inv.ID, Number: inv.Number, Offset: off}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return s, f.waitIssues(ctx, s, 5*time.Minute)
}

// waitIssues waits until every invoice of s has its issue in Sent.
func (f *Fleet) waitIssues(ctx context.Context, s *FleetSite, within time.Duration) error {
	byNumber := map[string]*FleetInvoice{}
	for _, inv := range s.Invoices {
		byNumber[inv.Number] = inv
	}
	deadline := time.Now().Add(within)
	for {
		found := 0
		for _, is := range s.Site.Issues() {
			var p struct{ Number string }
			if is.Project != "BILL" || json.Unmarshal(is.Properties["remit-invoice"], &p) != nil {
				continue
			}
			if inv := byNumber[p.Number]; inv != nil && is.Status == "Sent" {
				inv.IssueKey = is.Key
				found++
			}
		}
		if found == len(s.Invoices) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %d of %d invoice issues in Sent after %v", s.Name, found, len(s.Invoices), within)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Age moves every invoice of the fleet's sites to Offset+extra days past
// its due date (today, UTC) and marks it for the next sweep, the way
// time passing would: the test runs on the wall clock, so rather than
// waiting weeks it moves the due dates. Nothing is sent to Jira.
func (f *Fleet) Age(ctx context.Context, extra int) error {
	var ids []int64
	var days []int32
	for _, s := range f.Sites {
		for _, inv := range s.Invoices {
			ids = append(ids, inv.ID)
			days = append(days, int32(inv.Offset+extra))
		}
	}
	_, err := f.Pool.Exec(ctx, `UPDATE invoices i SET due_date = (now() AT TIME ZONE 'UTC')::date - o.days, next_action_at = 'epoch'
		FROM unnest($1::bigint[], $2::int[]) AS o(id, days) WHERE i.id = o.id AND i.status IN ('open', 'partially_paid')`, ids, days)
	return err
}
