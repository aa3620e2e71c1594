package jirasim

import (
	"fmt"
	"time"
)

// SeedDemo creates the "demo" site used by the local demo: a work project
// ACME with a support project ACMESUP, a billing project BILL with the
// invoice workflow, three people, and a month of worklogs before now.
func (s *Sim) SeedDemo() (*Site, error) {
	st := s.AddSite("demo")
	now := s.now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 9, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	data := SeedData{
		Users: []User{
			{AccountID: "5b10a2844c20165700ede21g", DisplayName: "Ada Lovelace", Email: "ada@example.com", TimeZone: "Europe/London"},
			{AccountID: "5b10ac8d82e05b22cc7d4ef5", DisplayName: "Grace Hopper", Email: "grace@example.com", TimeZone: "America/New_York"},
			{AccountID: "5b109f2e9729b51b54dc274d", DisplayName: "Alan Turing", Email: "alan@example.com", TimeZone: "Europe/London"},
		},
		Projects: []ProjectSpec{
			{Key: "ACME", Name: "Acme Website"},
			{Key: "ACMESUP", Name: "Acme Support"},
			{Key: "BILL", Name: "Billing", WorkflowName: "invoice"},
		},
	}
	summaries := []string{"Homepage redesign", "Checkout flow", "Search tuning", "Accessibility audit", "Performance budget", "Newsletter signup"}
	for i, sum := range summaries {
		spec := IssueSpec{Project: "ACME", IssueType: "Story", Summary: sum, Reporter: data.Users[i%3].AccountID, Created: month}
		if i == 5 {
			spec.Labels = []string{"non-billable"}
		}
		data.Issues = append(data.Issues, spec)
	}
	data.Issues = append(data.Issues, IssueSpec{Project: "ACMESUP", IssueType: "Bug", Summary: "Login fails on Safari", Reporter: data.Users[1].AccountID, Created: month})
	keys := []string{"ACME-1", "ACME-2", "ACME-3", "ACME-4", "ACME-5", "ACME-6", "ACMESUP-1"}
	for day := 0; day < 20; day++ {
		for u := range data.Users {
			data.Worklogs = append(data.Worklogs, WorklogSpec{
				Issue: keys[(day+u)%len(keys)], Author: data.Users[u].AccountID,
				Started:          month.AddDate(0, 0, day).Add(time.Duration(u) * time.Hour),
				TimeSpentSeconds: int64(3600 + 1800*((day+u)%4)),
				Comment:          fmt.Sprintf("Day %d work", day+1),
				Created:          month.AddDate(0, 0, day).Add(8 * time.Hour),
			})
		}
	}
	if _, err := st.Seed(data); err != nil {
		return nil, err
	}
	return st, nil
}
