package followup

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/golden"
	"github.com/remitapp/remit/internal/remit"
)

func TestDefaultPolicyIsValid(t *testing.T) {
	p := DefaultPolicy()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		key    string
		offset int
	}{{"reminder-before-due", -3}, {"overdue-1", 1}, {"overdue-7", 7}, {"escalate-14", 14}, {"final-notice-30", 30}, {"stop-work-45", 45}, {"collections-60", 60}}
	if len(p.Steps) != len(want) {
		t.Fatalf("%d steps", len(p.Steps))
	}
	for i, w := range want {
		if p.Steps[i].Key != w.key || p.Steps[i].OffsetDays != w.offset {
			t.Errorf("step %d = %s %+d, want %s %+d", i, p.Steps[i].Key, p.Steps[i].OffsetDays, w.key, w.offset)
		}
	}
	esc := p.Steps[3].Actions
	if esc[1].Kind != ActionEmail || !esc[1].CC || p.Steps[2].Actions[1].CC {
		t.Error("escalation e-mails copy the escalation contacts, earlier ones do not")
	}
	if !p.Steps[4].Has(ActionLateFee) || !p.Steps[5].Has(ActionLabel) || !p.Steps[6].Has(ActionNotifyAdmins) || !p.Steps[1].Has(ActionTransition) {
		t.Error("default actions")
	}
}

// policyJSON is the API shape of a custom policy, in the field order
// encoding/json writes, so that decoding and encoding it again must give
// the same bytes.
const policyJSON = `{"steps":[` +
	`{"key":"nudge","offsetDays":-5,"actions":[{"type":"email"}],"template":"friendly"},` +
	`{"key":"late","offsetDays":2,"actions":[{"type":"comment"},{"type":"transition","status":"overdue"},{"type":"email","cc":true}],"comment":"{{.Number}} is late","subject":"Late: {{.Number}}","text":"Dear {{.Customer}},\n\nplease pay {{.Balance}} {{.Currency}}.","html":"\u003cp\u003ePlease pay {{.Balance}}\u003c/p\u003e"},` +
	`{"key":"hold","offsetDays":40,"actions":[{"type":"late_fee"},{"type":"label","label":"on-hold"},{"type":"notify_admins"}]}],` +
	`"lateFee":{"preset":"uk-late-payment","referenceRates":[{"from":"2026-07-01","ratePercent":"2.4"}],"baseRates":[{"from":"2027-01-01","ratePercent":"4.5"}],"interestPercentPerYear":"0","fixedFee":"0"}}`

func TestPolicyJSONRoundTrip(t *testing.T) {
	var p Policy
	if err := json.Unmarshal([]byte(policyJSON), &p); err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("the sample policy should be valid: %v", err)
	}
	late := p.Steps[1]
	if late.OffsetDays != 2 || late.Actions[1].Status != RoleOverdue || !late.Actions[2].CC || late.Text == "" {
		t.Errorf("decoded step: %+v", late)
	}
	if p.Steps[2].Actions[1].LabelName() != "on-hold" || p.LateFee.Preset != PresetUK || len(p.LateFee.BaseRates) != 1 || !p.LateFee.BaseRates[0].RatePercent.Equal(dec("4.5")) {
		t.Errorf("decoded: %+v", p)
	}
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != policyJSON {
		t.Errorf("re-encoded:\n%s\nwant\n%s", out, policyJSON)
	}

	def, _ := json.Marshal(DefaultPolicy())
	var back Policy
	if err := json.Unmarshal(def, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(def) {
		t.Errorf("default policy does not round-trip:\n%s\n%s", def, again)
	}
	golden.Check(t, "default-policy.json", indent(t, def))
}

func indent(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// TestValidateRejects breaks one thing at a time in the default policy and
// checks that Validate names that field, with the step, and nothing else.
func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(p *Policy)
		field  string
		says   string
	}{
		{"empty key", func(p *Policy) { p.Steps[2].Key = "" }, "steps[2].key", "step #3"},
		{"key with spaces", func(p *Policy) { p.Steps[2].Key = "over due" }, "steps[2].key", "lower-case"},
		{"duplicate key", func(p *Policy) { p.Steps[3].Key = p.Steps[2].Key }, "steps[3].key", "also used by step 3"},
		{"equal offsets", func(p *Policy) { p.Steps[3].OffsetDays = 7 }, "steps[3].offsetDays", "greater than the previous step's (7)"},
		{"decreasing offsets", func(p *Policy) { p.Steps[1].OffsetDays = -10 }, "steps[1].offsetDays", "step overdue-1"},
		{"offset out of range", func(p *Policy) { p.Steps[6].OffsetDays = 5000 }, "steps[6].offsetDays", "from -365 to 3650"},
		{"no actions", func(p *Policy) { p.Steps[0].Actions = nil }, "steps[0].actions", "needs 1 to 6"},
		{"unknown action", func(p *Policy) { p.Steps[0].Actions[0].Kind = "sms" }, "steps[0].actions[0].type", `unknown action "sms"`},
		{"action twice", func(p *Policy) { p.Steps[0].Actions[1].Kind = ActionComment }, "steps[0].actions[1].type", "appears twice"},
		{"transition without a role", func(p *Policy) { p.Steps[1].Actions[2].Status = "" }, "steps[1].actions[2].status", "status role"},
		{"transition to paid", func(p *Policy) { p.Steps[1].Actions[2].Status = "paid" }, "steps[1].actions[2].status", "status role"},
		{"label with a space", func(p *Policy) { p.Steps[5].Actions[0].Label = "payment hold" }, "steps[5].actions[0].label", "no spaces"},
		{"cc on a comment", func(p *Policy) { p.Steps[3].Actions[0].CC = true }, "steps[3].actions[0].cc", "email actions only"},
		{"unknown template", func(p *Policy) { p.Steps[2].Template = "rude" }, "steps[2].template", `unknown template "rude"`},
		{"comment without a template", func(p *Policy) { p.Steps[2].Template, p.Steps[2].Subject, p.Steps[2].Text = "", "s", "t" }, "steps[2].comment", "needs a template or comment text"},
		{"e-mail without a subject", func(p *Policy) { p.Steps[2].Template, p.Steps[2].Comment, p.Steps[2].Text = "", "c", "t" }, "steps[2].subject", "needs a template or subject text"},
		{"comment that does not parse", func(p *Policy) { p.Steps[2].Comment = "{{.Number" }, "steps[2].comment", "does not render"},
		{"comment with an unknown field", func(p *Policy) { p.Steps[2].Comment = "{{.Nmuber}}" }, "steps[2].comment", "Nmuber"},
		{"comment that renders empty", func(p *Policy) { p.Steps[2].Comment = "{{if false}}x{{end}}" }, "steps[2].comment", "renders empty"},
		{"subject with an unknown field", func(p *Policy) { p.Steps[2].Subject = "{{.Amount}}" }, "steps[2].subject", "Amount"},
		{"text that does not parse", func(p *Policy) { p.Steps[2].Text = "{{range}}" }, "steps[2].text", "does not render"},
		{"html that does not parse", func(p *Policy) { p.Steps[2].HTML = "<p>{{.Balance</p>" }, "steps[2].html", "does not render"},
		{"unknown preset", func(p *Policy) { p.LateFee.Preset = "us-2pct" }, "lateFee.preset", `unknown preset "us-2pct"`},
		{"negative base rate", func(p *Policy) { p.LateFee.BaseRates = []RateEntry{{"2027-01-01", dec("-1")}} }, "lateFee.baseRates[0].ratePercent", "from 0 to 100"},
		{"rate too precise", func(p *Policy) { p.LateFee.ReferenceRates = []RateEntry{{"2027-01-01", dec("4.12345")}} }, "lateFee.referenceRates[0].ratePercent", "4 decimals"},
		{"rate entry not on a half-year", func(p *Policy) { p.LateFee.BaseRates = []RateEntry{{"2027-03-01", dec("4")}} }, "lateFee.baseRates[0].from", "YYYY-01-01 or YYYY-07-01"},
		{"rate entry not a date", func(p *Policy) { p.LateFee.ReferenceRates = []RateEntry{{"2027-H1", dec("2")}} }, "lateFee.referenceRates[0].from", "first day of a half-year"},
		{"rate entry twice", func(p *Policy) {
			p.LateFee.ReferenceRates = []RateEntry{{"2027-01-01", dec("2")}, {"2027-01-01", dec("2.15")}}
		}, "lateFee.referenceRates[1].from", "also entry 0"},
		{"too many rate entries", func(p *Policy) { p.LateFee.BaseRates = make([]RateEntry, maxRateEntries+1) }, "lateFee.baseRates", "at most 200"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := DefaultPolicy()
			c.break_(&p)
			err := p.Validate()
			var re *remit.Error
			if !asRemit(err, &re) || re.Kind != remit.Unprocessable {
				t.Fatalf("got %v, want an Unprocessable field error", err)
			}
			if len(re.Fields) != 1 || !strings.Contains(re.Fields[c.field], c.says) {
				t.Errorf("fields = %v, want only %s saying %q", re.Fields, c.field, c.says)
			}
		})
	}
}

func TestValidateTooManySteps(t *testing.T) {
	var p Policy
	p.LateFee.Preset = PresetNone
	for i := range maxSteps + 1 {
		p.Steps = append(p.Steps, Step{Key: "s" + strings.Repeat("x", i), OffsetDays: i, Actions: []Action{{Kind: ActionLateFee}}})
	}
	if err := p.Validate(); !remit.IsKind(err, remit.Unprocessable) {
		t.Fatalf("%d steps accepted: %v", len(p.Steps), err)
	}
	p.Steps = p.Steps[:maxSteps]
	if err := p.Validate(); err != nil {
		t.Fatalf("%d steps refused: %v", len(p.Steps), err)
	}
}
