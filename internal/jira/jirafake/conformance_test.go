package jirafake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/jira/jirafake"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/jirasim/simtest"
	"github.com/remitapp/remit/internal/remit"
)

var (
	now   = func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
	month = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
)

// TestFakeAnswersAsTheSimulatorDoes drives one scenario through every
// method of jira.Site against the HTTP simulator (through *jira.Client)
// and against the fake, seeded alike, and requires the same transcript:
// keys, statuses, transitions, properties, comments, labels, worklogs and
// the kinds of the errors.
func TestFakeAnswersAsTheSimulatorDoes(t *testing.T) {
	t.Parallel()
	env := simtest.Start(t, simtest.Options{Now: now, Seed: jirasim.SeedData{
		Users: []jirasim.User{{AccountID: "alice", DisplayName: "Alice"}},
		Projects: []jirasim.ProjectSpec{{Key: "ACME", Name: "Acme", IssueTypes: []string{"Task"}},
			{Key: "BILL", Name: "Billing", IssueTypes: []string{"Task"}, WorkflowName: "invoice"}},
		Issues: []jirasim.IssueSpec{{Project: "ACME", Summary: "Build it"}, {Project: "ACME", Summary: "Built", Status: "Done"}},
		Worklogs: []jirasim.WorklogSpec{
			{Issue: "ACME-1", Author: "alice", Started: month.Add(26 * time.Hour), TimeSpentSeconds: 3600},
			{Issue: "ACME-1", Author: "alice", Started: month.Add(50 * time.Hour), TimeSpentSeconds: 1800},
			{Issue: "ACME-1", Author: "alice", Started: month.AddDate(0, 1, 2), TimeSpentSeconds: 600},
		},
	}})
	real, err := (&jira.Factory{AppKey: simtest.AppKey, HTTP: &http.Client{}, Now: now}).For(env.Tenant)
	if err != nil {
		t.Fatal(err)
	}

	fake := jirafake.NewSite()
	fake.AddProject("ACME", "Task")
	fake.SetWorkflow("ACME", jirafake.Status{Name: "To Do", Category: jirafake.CategoryToDo},
		jirafake.Status{Name: "In Progress", Category: jirafake.CategoryInProgress}, jirafake.Status{Name: "Done", Category: jirafake.CategoryDone})
	fake.OnlyTransitions("ACME", "To Do", "In Progress", "Done")
	fake.OnlyTransitions("ACME", "In Progress", "Done")
	fake.OnlyTransitions("ACME", "Done", "To Do")
	fake.AddProject("BILL", "Task")
	fake.SetWorkflow("BILL", jirafake.Status{Name: "Open", Category: jirafake.CategoryToDo},
		jirafake.Status{Name: "Sent", Category: jirafake.CategoryInProgress}, jirafake.Status{Name: "Overdue", Category: jirafake.CategoryInProgress},
		jirafake.Status{Name: "Paid", Category: jirafake.CategoryDone}, jirafake.Status{Name: "Cancelled", Category: jirafake.CategoryDone})
	fake.OnlyTransitions("BILL", "Open", "Sent", "Cancelled")
	fake.OnlyTransitions("BILL", "Sent", "Overdue", "Paid", "Cancelled")
	fake.OnlyTransitions("BILL", "Overdue", "Paid", "Cancelled")
	fake.OnlyTransitions("BILL", "Paid", "Open")
	fake.OnlyTransitions("BILL", "Cancelled", "Open")
	fake.AddIssue("ACME", "Build it")
	built := fake.AddIssue("ACME", "Built")
	if _, err := fake.Move(built, "Done", "alice"); err != nil {
		t.Fatal(err)
	}
	fake.LogWork("ACME-1", "alice", month.Add(26*time.Hour), 3600)
	fake.LogWork("ACME-1", "alice", month.Add(50*time.Hour), 1800)
	fake.LogWork("ACME-1", "alice", month.AddDate(0, 1, 2), 600)

	want := scenario(t, real)
	got := scenario(t, fake)
	if !slices.Equal(got, want) {
		for i := range max(len(got), len(want)) {
			var g, w string
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			mark := "  "
			if g != w {
				mark = "!="
			}
			t.Logf("%s fake: %-60s simulator: %s", mark, g, w)
		}
		t.Fatal("the fake's transcript differs from the simulator's")
	}
}

// scenario runs the calls and writes what each answered.
func scenario(t *testing.T, s jira.Site) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	say := func(step string, v any, err error) {
		if err != nil {
			status := 0
			if e, ok := jira.AsAPIError(err); ok {
				status = e.Status
			}
			out = append(out, fmt.Sprintf("%s: error %v %d", step, kindOf(err), status))
			return
		}
		out = append(out, fmt.Sprintf("%s: %v", step, v))
	}

	p, err := s.Project(ctx, "BILL")
	say("project", p != nil && p.Key == "BILL", err)
	_, err = s.Project(ctx, "NOPE")
	say("missing project", nil, err)
	if p != nil {
		types, err := s.IssueTypesForProject(ctx, p.ID)
		say("has Task", slices.ContainsFunc(types, func(it gojira.IssueType) bool { return it.Name == "Task" }), err)
	}
	statuses, err := s.ProjectStatuses(ctx, "BILL")
	say("project statuses", statuses, err)
	_, err = s.ProjectStatuses(ctx, "NOPE")
	say("missing project statuses", nil, err)
	say("good jql", "ok", s.CheckJQL(ctx, "project = ACME AND labels is EMPTY"))
	say("bad jql", nil, s.CheckJQL(ctx, "projct = ACME"))

	ref, err := s.CreateIssue(ctx, jira.NewIssue{Project: "BILL", IssueType: "Task", Summary: "Invoice INV-1",
		Description: jira.ParagraphDoc("Invoice INV-1"), Properties: map[string]any{"remit-invoice": map[string]any{"number": "INV-1", "invoiceId": 1}}})
	say("create", ref.Key, err)
	_, err = s.CreateIssue(ctx, jira.NewIssue{Project: "NOPE", IssueType: "Task", Summary: "x", Description: jira.ParagraphDoc("x")})
	say("create in missing project", nil, err)
	found, ok, err := s.FindIssueByProperty(ctx, "BILL", "remit-invoice", "number", "INV-1")
	say("find", fmt.Sprint(found.Key, ok), err)
	_, ok, err = s.FindIssueByProperty(ctx, "BILL", "remit-invoice", "number", "INV-2")
	say("find other", ok, err)

	key := ref.Key
	status, err := s.IssueStatus(ctx, key)
	say("status", status, err)
	trs, err := s.Transitions(ctx, key)
	say("transitions", targets(trs), err)
	say("move to Sent", "ok", s.Transition(ctx, key, idTo(trs, "Sent")))
	status, err = s.IssueStatus(ctx, key)
	say("status", status, err)
	trs, err = s.Transitions(ctx, key)
	say("transitions", targets(trs), err)
	say("bad transition", nil, s.Transition(ctx, key, "999"))
	_, err = s.IssueStatus(ctx, "BILL-99")
	say("missing issue status", nil, err)

	say("property", "ok", s.SetIssueProperty(ctx, key, "remit-invoice", map[string]any{"number": "INV-1", "status": "paid"}))
	say("property of missing issue", nil, s.SetIssueProperty(ctx, "BILL-99", "remit-invoice", map[string]any{}))
	say("link", "ok", s.LinkIssues(ctx, "Relates", key, "ACME-1"))
	say("link again", "ok", s.LinkIssues(ctx, "Relates", key, "ACME-1"))
	say("link to missing", nil, s.LinkIssues(ctx, "Relates", key, "ACME-99"))

	id, err := s.AddComment(ctx, key, jira.ParagraphDoc("Paid, thank you."))
	say("comment", id != "", err)
	got, ok, err := s.FindComment(ctx, key, func(body json.RawMessage) bool {
		text, ok := jira.ParagraphText(body)
		return ok && text == "Paid, thank you."
	})
	say("find comment", ok && got == id, err)
	_, ok, err = s.FindComment(ctx, key, func(json.RawMessage) bool { return false })
	say("find no comment", ok, err)
	_, err = s.AddComment(ctx, "BILL-99", jira.ParagraphDoc("x"))
	say("comment on missing", nil, err)
	event := func(n int) jira.EntityProperty {
		return jira.EntityProperty{Key: "remit-followup", Value: map[string]any{"event": n}}
	}
	isEvent := func(n int) func(json.RawMessage) bool {
		return func(v json.RawMessage) bool {
			var p struct{ Event int }
			return json.Unmarshal(v, &p) == nil && p.Event == n
		}
	}
	first, err := s.AddComment(ctx, key, jira.ParagraphDoc("Reminder."), event(1))
	say("marked comment", first != "", err)
	second, err := s.AddComment(ctx, key, jira.ParagraphDoc("Reminder."), event(2))
	say("same text, other event", second != first, err)
	got, ok, err = s.FindCommentByProperty(ctx, key, "remit-followup", isEvent(2))
	say("find by property", ok && got == second, err)
	_, ok, err = s.FindCommentByProperty(ctx, key, "remit-followup", isEvent(3))
	say("find no property", ok, err)
	_, ok, err = s.FindCommentByProperty(ctx, key, "other-app", isEvent(1))
	say("find other key", ok, err)
	_, _, err = s.FindCommentByProperty(ctx, "BILL-99", "remit-followup", isEvent(1))
	say("find on missing", nil, err)
	_, err = s.AddComment(ctx, key, jira.ParagraphDoc("x"), jira.EntityProperty{Key: "", Value: 1})
	say("comment with a nameless property", nil, err)

	open := "project = ACME AND statusCategory != Done"
	page, err := s.IssueLabels(ctx, open, "")
	say("open work", page, err)
	say("label", "ok", s.AddLabel(ctx, "ACME-1", "payment-hold"))
	say("label again", "ok", s.AddLabel(ctx, "ACME-1", "payment-hold"))
	say("label missing", nil, s.AddLabel(ctx, "ACME-99", "payment-hold"))
	page, err = s.IssueLabels(ctx, open, "")
	say("open work", page, err)
	say("unlabel", "ok", s.RemoveLabel(ctx, "ACME-1", "payment-hold"))
	say("unlabel again", "ok", s.RemoveLabel(ctx, "ACME-1", "payment-hold"))
	say("unlabel missing", nil, s.RemoveLabel(ctx, "ACME-99", "payment-hold"))
	page, err = s.IssueLabels(ctx, open, "")
	say("open work", page, err)
	_, err = s.IssueLabels(ctx, "projct = ACME", "")
	say("labels bad jql", nil, err)

	lic, err := s.AppLicence(ctx)
	say("licence of a free listing", lic, err)

	logged, err := s.IssueWorklogs(ctx, "ACME-1")
	say("issue worklogs", sum(logged), err)
	_, err = s.IssueWorklogs(ctx, "ACME-99")
	say("missing issue worklogs", nil, err)
	wls, _, err := s.Worklogs(ctx, jira.WorklogQuery{JQL: "project = ACME", From: month, To: month.AddDate(0, 1, 0)})
	var secs int64
	for _, w := range wls {
		secs += w.Seconds
	}
	say("worklogs", fmt.Sprint(len(wls), " ", secs), err)
	return out
}

func kindOf(err error) string {
	for _, k := range []remit.Kind{remit.Invalid, remit.NotFound, remit.Forbidden, remit.Conflict, remit.Unprocessable, remit.Unavailable} {
		if remit.IsKind(err, k) {
			return k.String()
		}
	}
	return "other"
}

func targets(trs []jira.Transition) string {
	var names []string
	for _, tr := range trs {
		names = append(names, tr.To)
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}

func idTo(trs []jira.Transition, status string) string {
	for _, tr := range trs {
		if tr.To == status {
			return tr.ID
		}
	}
	return "none"
}

func sum(ls []jira.LoggedTime) string {
	var s int64
	for _, l := range ls {
		s += l.Seconds
	}
	return fmt.Sprint(len(ls), " ", s)
}
