package followup

import "testing"

func TestLadderRank(t *testing.T) {
	p := DefaultPolicy()
	for _, tc := range []struct {
		step           string
		kind           ActionKind
		wantStep, want int
	}{
		{StepReminderBeforeDue, ActionComment, 0, 0},
		{StepOverdue1, ActionTransition, 1, 2},
		{StepFinalNotice30, ActionLateFee, 4, 0},
		{StepStopWork45, ActionComment, 5, 1},
		{StepStopWork45, ActionEmail, 5, 2},              // an action the step does not have
		{"renamed-away", ActionComment, len(p.Steps), 0}, // a step the policy no longer has
	} {
		s, a := p.LadderRank(tc.step, tc.kind)
		if s != tc.wantStep || a != tc.want {
			t.Errorf("LadderRank(%s, %s) = %d, %d; want %d, %d", tc.step, tc.kind, s, a, tc.wantStep, tc.want)
		}
	}
}
