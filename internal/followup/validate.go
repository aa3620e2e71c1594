package followup

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// Limits on a policy, generous for any real ladder and small enough that
// a sweep's cost per invoice stays bounded.
const (
	maxSteps       = 20
	maxActions     = 6
	minOffsetDays  = -365
	maxOffsetDays  = 3650
	maxTemplateLen = 10_000
	maxLabelLen    = 255
	maxRateEntries = 200 // a century of half-years
)

var stepKeyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Validate checks a policy before it is saved: keys non-empty and unique,
// offsets strictly increasing, actions known and well-formed, templates
// that parse and render against SampleData, late-fee terms in range.
// Problems come back as one Unprocessable error with a message per field
// (steps[i].field, lateFee.field) naming the step; nothing is changed.
func (p Policy) Validate() error {
	f := map[string]string{}
	if len(p.Steps) > maxSteps {
		f["steps"] = fmt.Sprintf("at most %d steps", maxSteps)
	}
	keys := map[string]int{}
	for i, s := range p.Steps {
		at := func(field string) string { return fmt.Sprintf("steps[%d].%s", i, field) }
		name := s.Key
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		bad := func(field, format string, args ...any) {
			f[at(field)] = "step " + name + ": " + fmt.Sprintf(format, args...)
		}
		switch j, dup := keys[s.Key]; {
		case !stepKeyPattern.MatchString(s.Key):
			bad("key", "key must be 1 to 64 lower-case letters, digits, '-' or '_'")
		case dup:
			bad("key", "key is also used by step %d", j+1)
		}
		keys[s.Key] = i
		if s.OffsetDays < minOffsetDays || s.OffsetDays > maxOffsetDays {
			bad("offsetDays", "offset must be from %d to %d days", minOffsetDays, maxOffsetDays)
		} else if i > 0 && s.OffsetDays <= p.Steps[i-1].OffsetDays {
			bad("offsetDays", "offset %d must be greater than the previous step's (%d)", s.OffsetDays, p.Steps[i-1].OffsetDays)
		}
		validateActions(s, bad)
		validateTemplates(s, bad)
	}
	validateLateFee(p.LateFee, f)
	if len(f) > 0 {
		return remit.FieldErrors(remit.Unprocessable, "followup.Policy", "policy is not valid", f)
	}
	return nil
}

type fieldFunc func(field, format string, args ...any)

func validateActions(s Step, bad fieldFunc) {
	if len(s.Actions) == 0 || len(s.Actions) > maxActions {
		bad("actions", "needs 1 to %d actions", maxActions)
		return
	}
	seen := map[ActionKind]bool{}
	for j, a := range s.Actions {
		field := fmt.Sprintf("actions[%d]", j)
		switch a.Kind {
		case ActionComment, ActionEmail, ActionLateFee, ActionNotifyAdmins:
		case ActionTransition:
			if !transitionRoles[a.Status] {
				bad(field+".status", "a transition needs the status role %q", RoleOverdue)
			}
		case ActionLabel:
			if l := a.LabelName(); len(l) > maxLabelLen || strings.ContainsAny(l, " \t\r\n") {
				bad(field+".label", "a Jira label has no spaces and at most %d characters", maxLabelLen)
			}
		default:
			bad(field+".type", "unknown action %q (comment, email, transition, late_fee, label, notify_admins)", a.Kind)
			continue
		}
		if a.CC && a.Kind != ActionEmail {
			bad(field+".cc", "cc applies to email actions only")
		}
		if a.Status != "" && a.Kind != ActionTransition {
			bad(field+".status", "status applies to transition actions only")
		}
		if a.Label != "" && a.Kind != ActionLabel {
			bad(field+".label", "label applies to label actions only")
		}
		if seen[a.Kind] {
			bad(field+".type", "action %s appears twice", a.Kind)
		}
		seen[a.Kind] = true
	}
}

func validateTemplates(s Step, bad fieldFunc) {
	if _, ok := builtin[s.Template]; s.Template != "" && !ok {
		bad("template", "unknown template %q", s.Template)
		return
	}
	for field, src := range map[string]string{"comment": s.Comment, "subject": s.Subject, "text": s.Text, "html": s.HTML} {
		if len(src) > maxTemplateLen {
			bad(field, "at most %d characters", maxTemplateLen)
			return
		}
	}
	sample, t := SampleData(), s.texts()
	if s.Has(ActionComment) {
		if t.Comment == "" {
			bad("comment", "a comment needs a template or comment text")
		} else if _, err := RenderComment(s, sample); err != nil {
			bad("comment", "the comment template does not render: %v", err)
		}
	}
	if !s.Has(ActionEmail) {
		return
	}
	switch {
	case t.Subject == "":
		bad("subject", "an e-mail needs a template or subject text")
	case t.Text == "":
		bad("text", "an e-mail needs a template or body text")
	default:
		if _, err := renderText(t.Subject, sample); err != nil {
			bad("subject", "the subject template does not render: %v", err)
		}
		if _, err := textAsHTML(t.Text, sample); err != nil {
			bad("text", "the e-mail template does not render: %v", err)
		} else if _, err := renderText(t.Text, sample); err != nil {
			bad("text", "the e-mail template does not render: %v", err)
		}
		if s.HTML != "" {
			if _, err := renderHTML(s.HTML, sample); err != nil {
				bad("html", "the HTML template does not render: %v", err)
			}
		}
	}
}

var (
	hundred  = decimal.NewFromInt(100)
	maxFixed = decimal.NewFromInt(1_000_000)
)

func validateLateFee(p LateFeePolicy, f map[string]string) {
	if !ValidPreset(p.Preset) {
		f["lateFee.preset"] = fmt.Sprintf("unknown preset %q (%s)", p.Preset, strings.Join(invoice.LateFeePresets, ", "))
	}
	rate := func(field string, d, max decimal.Decimal) {
		if d.IsNegative() || d.GreaterThan(max) || !d.Equal(d.Round(4)) {
			f["lateFee."+field] = fmt.Sprintf("must be from 0 to %s with at most 4 decimals", max)
		}
	}
	rates := func(field string, entries []RateEntry) {
		if len(entries) > maxRateEntries {
			f["lateFee."+field] = fmt.Sprintf("at most %d half-years", maxRateEntries)
			return
		}
		seen := map[string]int{}
		for i, e := range entries {
			at := fmt.Sprintf("%s[%d]", field, i)
			if _, err := parseHalfYear(e.From); err != nil {
				f["lateFee."+at+".from"] = "must be the first day of a half-year, YYYY-01-01 or YYYY-07-01"
			} else if j, dup := seen[e.From]; dup {
				f["lateFee."+at+".from"] = fmt.Sprintf("the half-year from %s is also entry %d", e.From, j)
			}
			seen[e.From] = i
			rate(at+".ratePercent", e.RatePercent, hundred)
		}
	}
	rates("referenceRates", p.ReferenceRates)
	rates("baseRates", p.BaseRates)
	rate("interestPercentPerYear", p.InterestPercentPerYear, hundred)
	rate("fixedFee", p.FixedFee, maxFixed)
}
