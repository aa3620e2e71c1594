package benchkit

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/followup"
)

// JiraLedger is what Jira shows of the follow-ups beyond comments,
// e-mails and transitions, counted from the simulator alone: the invoice
// issues (one per invoice, whatever the gateway answered), the late fees
// (each invoice issue's remit-invoice property: balance less total) and
// the stop-work labels (each label change of a work issue, read from the
// issue_updated webhooks Jira sent for it).
type JiraLedger struct {
	Issues, WantIssues int // invoice issues found, invoices
	FeeInvoices        int // invoices whose property shows the late fee expected
	WantFeeInvoices    int // invoices past the fee step (the rest must show none)
	LabelAdds          int // payment-hold added to a work issue
	WantLabelAdds      int // open work issues of sites with an invoice past the stop-work step
	Mismatches         []string
}

// LedgerTerms is what the fleet's policy charges and labels: fee is the
// fixed late fee of the custom preset (no interest), due from the fee
// step's day, the label from the stop-work step's.
type LedgerTerms struct {
	Fee      decimal.Decimal
	FeeFrom  int // days past due of the step with the late_fee action
	Label    string
	LabelFor int // days past due of the step with the label action
}

// TermsOf reads LedgerTerms from p, whose late fee must be a fixed fee.
func TermsOf(p followup.Policy) LedgerTerms {
	t := LedgerTerms{Fee: p.LateFee.FixedFee, FeeFrom: -1, LabelFor: -1, Label: followup.DefaultLabel}
	for _, s := range p.Steps {
		for _, a := range s.Actions {
			switch a.Kind {
			case followup.ActionLateFee:
				t.FeeFrom = s.OffsetDays
			case followup.ActionLabel:
				t.LabelFor = s.OffsetDays
				if a.Label != "" {
					t.Label = a.Label
				}
			}
		}
	}
	return t
}

// CheckJira counts the ledger against terms, an invoice's offsets
// being those of its first sweep round plus extra days.
func (f *Fleet) CheckJira(terms LedgerTerms, extra int) JiraLedger {
	var l JiraLedger
	for _, s := range f.Sites {
		byNumber := map[string]*FleetInvoice{}
		labelled := false
		for _, inv := range s.Invoices {
			byNumber[inv.Number] = inv
			labelled = labelled || (terms.LabelFor >= 0 && inv.Offset+extra >= terms.LabelFor)
		}
		l.WantIssues += len(s.Invoices)
		issuesOf := map[string][]string{}
		var work []string
		for _, is := range s.Site.Issues() {
			if is.Project == "WORK" {
				if is.Status != "Done" {
					work = append(work, is.Key)
				}
				continue
			}
			if is.Project != "BILL" {
				continue
			}
			var p struct {
				Number         string
				Total, Balance json.Number
			}
			if json.Unmarshal(is.Properties["remit-invoice"], &p) != nil {
				l.Mismatches = append(l.Mismatches, fmt.Sprintf("%s: billing issue %s has no remit-invoice property", s.Name, is.Key))
				continue
			}
			issuesOf[p.Number] = append(issuesOf[p.Number], is.Key)
			inv := byNumber[p.Number]
			if inv == nil {
				l.Mismatches = append(l.Mismatches, fmt.Sprintf("%s: issue %s names no invoice of the site (%s)", s.Name, is.Key, p.Number))
				continue
			}
			want := decimal.Zero
			if terms.FeeFrom >= 0 && inv.Offset+extra >= terms.FeeFrom {
				want = terms.Fee
				l.WantFeeInvoices++
			}
			total, err1 := decimal.NewFromString(p.Total.String())
			balance, err2 := decimal.NewFromString(p.Balance.String())
			if err1 != nil || err2 != nil || !balance.Sub(total).Equal(want) {
				l.Mismatches = append(l.Mismatches, fmt.Sprintf("%s: invoice %s (%d days past due) shows a late fee of %s in Jira, want %s",
					s.Name, p.Number, inv.Offset+extra, balance.Sub(total), want))
			} else if want.IsPositive() {
				l.FeeInvoices++
			}
		}
		for number := range byNumber {
			keys := issuesOf[number]
			l.Issues += len(keys)
			if len(keys) != 1 {
				l.Mismatches = append(l.Mismatches, fmt.Sprintf("%s: invoice %s has %d issues %v, want 1", s.Name, number, len(keys), keys))
			}
		}
		adds := labelAdds(s, terms.Label)
		for _, key := range work {
			want := 0
			if labelled {
				want = 1
			}
			l.WantLabelAdds += want
			l.LabelAdds += adds[key]
			if adds[key] != want {
				l.Mismatches = append(l.Mismatches, fmt.Sprintf("%s: %s got %s %d times, want %d", s.Name, key, terms.Label, adds[key], want))
			}
		}
	}
	return l
}

// labelAdds counts, per issue key, the edits that added label, from the
// distinct issue_updated deliveries (a retried delivery counts once).
func labelAdds(s *FleetSite, label string) map[string]int {
	out := map[string]int{}
	seen := map[string]bool{}
	for _, d := range s.Site.Webhooks() {
		if d.Event != "jira:issue_updated" || seen[d.Identifier] {
			continue
		}
		seen[d.Identifier] = true
		var body struct {
			Issue     struct{ Key string }
			Changelog struct {
				Items []struct{ Field, FromString, ToString string }
			}
		}
		if json.Unmarshal(d.Body, &body) != nil {
			continue
		}
		for _, it := range body.Changelog.Items {
			if it.Field == "labels" && !slices.Contains(strings.Fields(it.FromString), label) && slices.Contains(strings.Fields(it.ToString), label) {
				out[body.Issue.Key]++
			}
		}
	}
	return out
}

// Print writes the ledger's counts, found/expected.
func (l JiraLedger) Print(w io.Writer) {
	fmt.Fprintf(w, "invoice issues %d/%d; invoices showing the late fee %d/%d; %s labels added %d/%d (found/expected)\n",
		l.Issues, l.WantIssues, l.FeeInvoices, l.WantFeeInvoices, "stop-work", l.LabelAdds, l.WantLabelAdds)
}
