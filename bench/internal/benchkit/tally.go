package benchkit

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/remitapp/remit/internal/followup"
)

// Effect counts what Jira and the SMTP server show of one step of one
// invoice.
type Effect struct {
	Comments      int // the step's comment on the invoice issue
	AdminComments int // notify_admins' comment
	Emails        int // distinct Message-IDs of the step's e-mail
	RawEmails     int // e-mails accepted, resends after a lost reply included
	AdminEmails   int // distinct Message-IDs of notify_admins' e-mail
	Transitions   int // transitions of the invoice issue into Overdue (counted on overdue-1)
}

// Key names one step of one invoice.
type Key struct {
	Invoice int64
	Step    string
}

// Tally is what the simulator and the mail recorder saw, per (invoice,
// step); Stray counts records it could not attribute.
type Tally struct {
	Effects map[Key]*Effect
	Stray   []string
}

func (t *Tally) at(k Key) *Effect {
	e := t.Effects[k]
	if e == nil {
		e = &Effect{}
		t.Effects[k] = e
	}
	return e
}

// Count reads the simulator's comments and transition history and the
// recorder's messages. Remit's own tables are not consulted.
func (f *Fleet) Count() *Tally {
	t := &Tally{Effects: map[Key]*Effect{}}
	byIssue, byNumber := map[string]*FleetInvoice{}, map[string]*FleetInvoice{}
	for _, s := range f.Sites {
		for _, inv := range s.Invoices {
			byIssue[s.Name+"/"+inv.IssueKey], byNumber[s.Name+"/"+inv.Number] = inv, inv
		}
		for _, c := range s.Site.Comments("") {
			text := strings.TrimSpace(c.Text)
			switch {
			case strings.HasPrefix(text, "Follow-up "):
				step, rest, _ := strings.Cut(strings.TrimPrefix(text, "Follow-up "), " for invoice ")
				number, _, _ := strings.Cut(rest, ":")
				inv := byNumber[s.Name+"/"+number]
				if inv == nil || inv.IssueKey != c.IssueKey {
					t.Stray = append(t.Stray, fmt.Sprintf("comment %s on %s/%s", c.ID, s.Name, c.IssueKey))
					continue
				}
				t.at(Key{inv.ID, step}).Comments++
			case strings.HasPrefix(text, "Jira administrators:"):
				inv := byIssue[s.Name+"/"+c.IssueKey]
				if inv == nil {
					t.Stray = append(t.Stray, fmt.Sprintf("admin comment %s on %s/%s", c.ID, s.Name, c.IssueKey))
					continue
				}
				t.at(Key{inv.ID, followup.StepCollections60}).AdminComments++
			}
		}
		for _, tr := range s.Site.TransitionHistory() {
			if inv := byIssue[s.Name+"/"+tr.IssueKey]; inv != nil && tr.To == "Overdue" {
				t.at(Key{inv.ID, followup.StepOverdue1}).Transitions++
			}
		}
	}
	seen := map[string]bool{}
	for _, m := range f.Mail.Messages() {
		first := !seen[m.MessageID]
		seen[m.MessageID] = true
		// A customer's one e-mail of a run carries several follow-ups,
		// each named in X-Remit-Covers by the Message-ID it has alone.
		ids := m.Covers
		if len(ids) == 0 {
			ids = []string{strings.Trim(m.MessageID, "<>")}
		}
		for _, carried := range ids {
			t.tallyMail(carried, first)
		}
	}
	return t
}

// tallyMail counts one follow-up e-mail a message carried, by the
// Message-ID it has alone: <followup.<tenant hash>.<invoice>.<installment>.<step>.<kind>@domain>.
func (t *Tally) tallyMail(id string, first bool) {
	local, _, _ := strings.Cut(id, "@")
	p := strings.Split(local, ".")
	inv, err := strconv.ParseInt(safeIndex(p, 2), 10, 64)
	if len(p) != 6 || p[0] != "followup" || err != nil {
		t.Stray = append(t.Stray, "e-mail "+id)
		return
	}
	e := t.at(Key{inv, p[4]})
	switch p[5] {
	case "email":
		e.RawEmails++
		if first {
			e.Emails++
		}
	case "admins":
		if first {
			e.AdminEmails++
		}
	default:
		t.Stray = append(t.Stray, "e-mail "+id)
	}
}

func safeIndex(p []string, i int) string {
	if i < len(p) {
		return p[i]
	}
	return ""
}

// latestStep is the last step of p due at offset days past the due date
// ("" when none is).
func latestStep(p followup.Policy, offset int) followup.Step {
	var last followup.Step
	for _, s := range p.Steps {
		if s.OffsetDays <= offset {
			last = s
		}
	}
	return last
}

// Expect is what the ladder p must have produced for an invoice swept
// at each of offsets (days past due, one per sweep round): per round the
// latest due step sends its messages unless it already ran (the
// catch-up rule skips the earlier ones), and the overdue transition
// happens once as soon as any round is a day or more past due.
func Expect(p followup.Policy, offsets []int) map[string]Effect {
	out := map[string]Effect{}
	for _, off := range offsets {
		s := latestStep(p, off)
		if s.Key == "" {
			continue
		}
		var e Effect
		if s.Has(followup.ActionComment) {
			e.Comments = 1
		}
		if s.Has(followup.ActionEmail) {
			e.Emails = 1
		}
		if s.Has(followup.ActionNotifyAdmins) {
			e.AdminComments, e.AdminEmails = 1, 1
		}
		out[s.Key] = e
	}
	if slices.Max(offsets) >= 1 {
		e := out[followup.StepOverdue1]
		e.Transitions = 1
		out[followup.StepOverdue1] = e
	}
	return out
}

// Verdict compares a Tally with the expectation for every (invoice,
// step) of the fleet, rounds being the extra days of each sweep round.
type Verdict struct {
	Pairs      int // (invoice, step) pairs checked
	DuePairs   int // pairs with something expected
	Mismatches []string
	// Sums over all pairs: expected and found.
	Want, Got Effect
	// Rows are per first-round offset and step, for the report.
	Rows []VerdictRow
}

// VerdictRow sums one (first-round offset, step) group.
type VerdictRow struct {
	Offsets   []int
	Step      string
	Invoices  int
	Want, Got Effect
}

// Verify checks t against Expect for every invoice and every step of
// p: exactly the expected count of each effect, zero for the others.
func (f *Fleet) Verify(t *Tally, p followup.Policy, rounds []int) Verdict {
	var v Verdict
	rows := map[string]*VerdictRow{}
	for _, s := range f.Sites {
		for _, inv := range s.Invoices {
			offs := make([]int, len(rounds))
			for i, r := range rounds {
				offs[i] = inv.Offset + r
			}
			want := Expect(p, offs)
			for _, step := range p.Steps {
				w, g := want[step.Key], Effect{}
				if e := t.Effects[Key{inv.ID, step.Key}]; e != nil {
					g = *e
				}
				v.Pairs++
				if w != (Effect{}) {
					v.DuePairs++
				}
				v.Want, v.Got = add(v.Want, w), add(v.Got, g)
				gg := g
				gg.RawEmails = 0 // resends are reported, not failed
				if gg != w {
					v.Mismatches = append(v.Mismatches, fmt.Sprintf("%s invoice %s (%d days past due) step %s: want %+v, got %+v", s.Name, inv.Number, inv.Offset, step.Key, w, g))
				}
				if w == (Effect{}) && g == (Effect{}) {
					continue
				}
				rk := fmt.Sprint(offs, step.Key)
				row := rows[rk]
				if row == nil {
					row = &VerdictRow{Offsets: offs, Step: step.Key}
					rows[rk] = row
				}
				row.Invoices++
				row.Want, row.Got = add(row.Want, w), add(row.Got, g)
			}
		}
	}
	for _, r := range rows {
		v.Rows = append(v.Rows, *r)
	}
	slices.SortFunc(v.Rows, func(a, b VerdictRow) int {
		if c := slices.Compare(a.Offsets, b.Offsets); c != 0 {
			return c
		}
		return stepIndex(p, a.Step) - stepIndex(p, b.Step)
	})
	return v
}

func stepIndex(p followup.Policy, key string) int {
	return slices.IndexFunc(p.Steps, func(s followup.Step) bool { return s.Key == key })
}

func add(a, b Effect) Effect {
	return Effect{a.Comments + b.Comments, a.AdminComments + b.AdminComments, a.Emails + b.Emails, a.RawEmails + b.RawEmails,
		a.AdminEmails + b.AdminEmails, a.Transitions + b.Transitions}
}

// Print writes the counts table: per group of invoices with the same
// days past due in each round, and step, the expected and found counts.
func (v Verdict) Print(w io.Writer) {
	fmt.Fprintf(w, "%-14s %-16s %5s  %-9s %-9s %-13s %-9s %-9s %-9s\n", "days past due", "step", "invs", "comments", "e-mails", "raw e-mails", "admin cmt", "admin mail", "to Overdue")
	cell := func(want, got int) string { return fmt.Sprintf("%d/%d", got, want) }
	for _, r := range v.Rows {
		fmt.Fprintf(w, "%-14s %-16s %5d  %-9s %-9s %-13d %-9s %-9s %-9s\n", strings.Trim(fmt.Sprint(r.Offsets), "[]"), r.Step, r.Invoices,
			cell(r.Want.Comments, r.Got.Comments), cell(r.Want.Emails, r.Got.Emails), r.Got.RawEmails,
			cell(r.Want.AdminComments, r.Got.AdminComments), cell(r.Want.AdminEmails, r.Got.AdminEmails), cell(r.Want.Transitions, r.Got.Transitions))
	}
	fmt.Fprintf(w, "%-31s %5s  %-9s %-9s %-13d %-9s %-9s %-9s   (found/expected)\n", "total", "", cell(v.Want.Comments, v.Got.Comments),
		cell(v.Want.Emails, v.Got.Emails), v.Got.RawEmails, cell(v.Want.AdminComments, v.Got.AdminComments),
		cell(v.Want.AdminEmails, v.Got.AdminEmails), cell(v.Want.Transitions, v.Got.Transitions))
}

// Actions is the number of externally visible effects expected.
func (e Effect) Actions() int {
	return e.Comments + e.AdminComments + e.Emails + e.AdminEmails + e.Transitions
}
