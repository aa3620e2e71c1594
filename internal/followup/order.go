package followup

// LadderRank orders a step's actions as the policy lists them: the
// step's position on the ladder first, then the action's position within
// the step. A step or action the policy no longer has ranks after every
// one it has, so history stays readable after a policy edit. Timelines
// sort by it: events recorded by one sweep share an instant, and their
// keys ("overdue-7", "reminder-before-due") say nothing of their order.
func (p Policy) LadderRank(step string, kind ActionKind) (stepRank, actionRank int) {
	for i, s := range p.Steps {
		if s.Key != step {
			continue
		}
		for j, a := range s.Actions {
			if a.Kind == kind {
				return i, j
			}
		}
		return i, len(s.Actions)
	}
	return len(p.Steps), 0
}
