package jirasim

import (
	"fmt"
	"strings"
)

// Status category keys, as Jira names them.
const (
	categoryNew           = "new"
	categoryIndeterminate = "indeterminate"
	categoryDone          = "done"
)

// DefaultWorkflow is the simple To Do → In Progress → Done workflow of a
// new team project.
func DefaultWorkflow() Workflow {
	return Workflow{
		Statuses: []Status{
			{Name: "To Do", Category: categoryNew},
			{Name: "In Progress", Category: categoryIndeterminate},
			{Name: "Done", Category: categoryDone},
		},
		Transitions: []Transition{
			{ID: "11", Name: "Start progress", From: []string{"To Do"}, To: "In Progress"},
			{ID: "21", Name: "Resolve", From: []string{"To Do", "In Progress"}, To: "Done"},
			{ID: "31", Name: "Reopen", From: []string{"Done"}, To: "To Do"},
		},
	}
}

// InvoiceWorkflow is a billing project's workflow whose transition names
// differ from their target statuses ("Send invoice" → Sent, "Mark paid" →
// Paid), which is what Remit's status-name lookup must cope with.
func InvoiceWorkflow() Workflow {
	return Workflow{
		Statuses: []Status{
			{Name: "Open", Category: categoryNew},
			{Name: "Sent", Category: categoryIndeterminate},
			{Name: "Overdue", Category: categoryIndeterminate},
			{Name: "Paid", Category: categoryDone},
			{Name: "Cancelled", Category: categoryDone},
		},
		Transitions: []Transition{
			{ID: "11", Name: "Send invoice", From: []string{"Open"}, To: "Sent"},
			{ID: "21", Name: "Flag overdue", From: []string{"Sent"}, To: "Overdue"},
			{ID: "31", Name: "Mark paid", From: []string{"Sent", "Overdue"}, To: "Paid"},
			{ID: "41", Name: "Cancel", From: []string{"Open", "Sent", "Overdue"}, To: "Cancelled"},
			{ID: "51", Name: "Reopen", From: []string{"Paid", "Cancelled"}, To: "Open"},
		},
	}
}

func (wf Workflow) validate() error {
	if len(wf.Statuses) == 0 {
		return fmt.Errorf("workflow has no statuses")
	}
	for _, s := range wf.Statuses {
		switch s.Category {
		case categoryNew, categoryIndeterminate, categoryDone:
		default:
			return fmt.Errorf("status %q: category must be new, indeterminate or done", s.Name)
		}
	}
	ids := map[string]bool{}
	for _, t := range wf.Transitions {
		if t.ID == "" || ids[t.ID] {
			return fmt.Errorf("transition %q: missing or duplicate id", t.Name)
		}
		ids[t.ID] = true
		if _, ok := wf.status(t.To); !ok {
			return fmt.Errorf("transition %q: unknown target status %q", t.Name, t.To)
		}
		for _, f := range t.From {
			if _, ok := wf.status(f); !ok {
				return fmt.Errorf("transition %q: unknown source status %q", t.Name, f)
			}
		}
	}
	return nil
}

func (wf Workflow) status(name string) (Status, bool) {
	for _, s := range wf.Statuses {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return Status{}, false
}

// available lists the transitions that can be taken from status.
func (wf Workflow) available(from string) []Transition {
	var out []Transition
	for _, t := range wf.Transitions {
		if len(t.From) == 0 {
			out = append(out, t)
			continue
		}
		for _, f := range t.From {
			if strings.EqualFold(f, from) {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// categoryJSON is Jira's statusCategory object for a category key.
func categoryJSON(base, key string) map[string]any {
	ids := map[string]int{categoryNew: 2, categoryIndeterminate: 4, categoryDone: 3}
	names := map[string]string{categoryNew: "To Do", categoryIndeterminate: "In Progress", categoryDone: "Done"}
	colors := map[string]string{categoryNew: "blue-gray", categoryIndeterminate: "yellow", categoryDone: "green"}
	return map[string]any{
		"self": fmt.Sprintf("%s/rest/api/2/statuscategory/%d", base, ids[key]),
		"id":   ids[key], "key": key, "colorName": colors[key], "name": names[key],
	}
}
