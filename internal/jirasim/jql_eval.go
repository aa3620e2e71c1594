package jirasim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

type predicate func(*issue) bool

func fieldMissing(name string) error {
	return &jqlError{fmt.Sprintf("Field '%s' does not exist or you do not have permission to view it.", name)}
}

func opUnsupported(op, field string) error {
	return &jqlError{fmt.Sprintf("The operator '%s' is not supported by the '%s' field.", strings.ToUpper(op), field)}
}

func valueMissing(v, field string) error {
	return &jqlError{fmt.Sprintf("The value '%s' does not exist for the field '%s'.", v, field)}
}

// compileJQL turns a parsed query into a filter and an ordering, checking
// fields and values against the site as Jira does. Call with st.mu held.
func (st *Site) compileJQL(q *jqlQuery) (predicate, func(a, b *issue) int, error) {
	var pred predicate = func(*issue) bool { return true }
	if q.where != nil {
		var err error
		if pred, err = st.compileNode(q.where); err != nil {
			return nil, nil, err
		}
	}
	cmp, err := compileOrder(q.order)
	return pred, cmp, err
}

func (st *Site) compileNode(n jqlNode) (predicate, error) {
	switch n := n.(type) {
	case andNode:
		l, err := st.compileNode(n.left)
		if err != nil {
			return nil, err
		}
		r, err := st.compileNode(n.right)
		if err != nil {
			return nil, err
		}
		return func(is *issue) bool { return l(is) && r(is) }, nil
	case orNode:
		l, err := st.compileNode(n.left)
		if err != nil {
			return nil, err
		}
		r, err := st.compileNode(n.right)
		if err != nil {
			return nil, err
		}
		return func(is *issue) bool { return l(is) || r(is) }, nil
	case notNode:
		inner, err := st.compileNode(n.inner)
		if err != nil {
			return nil, err
		}
		return func(is *issue) bool { return !inner(is) }, nil
	case clauseNode:
		return st.compileClause(n)
	}
	return nil, fmt.Errorf("unknown node %T", n)
}

func (st *Site) compileClause(c clauseNode) (predicate, error) {
	field := strings.ToLower(c.field)
	switch field {
	case "project":
		return membership(c, false, func(is *issue) []string { return []string{is.project.ID} }, func(v string) (string, error) {
			if p := st.projectLocked(v); p != nil {
				return p.ID, nil
			}
			for _, p := range st.projects {
				if strings.EqualFold(p.Name, v) {
					return p.ID, nil
				}
			}
			return "", valueMissing(v, "project")
		})
	case "key", "issuekey", "id":
		return membership(c, false, func(is *issue) []string { return []string{is.key, strconv.FormatInt(is.id, 10)} }, func(v string) (string, error) {
			return strings.ToUpper(v), nil
		})
	case "labels":
		return membership(c, true, func(is *issue) []string { return lowerAll(is.labels) }, func(v string) (string, error) {
			return strings.ToLower(v), nil
		})
	case "status":
		return membership(c, false, func(is *issue) []string { return []string{is.status.ID} }, func(v string) (string, error) {
			for _, s := range st.statuses {
				if strings.EqualFold(s.Name, v) || s.ID == v {
					return s.ID, nil
				}
			}
			return "", valueMissing(v, "status")
		})
	case "statuscategory":
		return membership(c, false, func(is *issue) []string { return []string{is.status.Category} }, func(v string) (string, error) {
			switch strings.ToLower(v) {
			case "to do", "new", "2":
				return categoryNew, nil
			case "in progress", "indeterminate", "4":
				return categoryIndeterminate, nil
			case "done", "complete", "3":
				return categoryDone, nil
			}
			return "", valueMissing(v, "statusCategory")
		})
	case "issuetype", "type":
		return membership(c, false, func(is *issue) []string { return []string{is.issueType.ID} }, func(v string) (string, error) {
			for _, it := range st.issueTypes {
				if strings.EqualFold(it.Name, v) || it.ID == v {
					return it.ID, nil
				}
			}
			return "", valueMissing(v, "issuetype")
		})
	case "reporter":
		return membership(c, false, func(is *issue) []string { return []string{is.reporter} }, func(v string) (string, error) { return v, nil })
	case "summary", "text":
		return textMatch(c, func(is *issue) string {
			if field == "text" {
				return is.summary + " " + adfToText(is.description)
			}
			return is.summary
		})
	case "created", "createddate", "updated", "updateddate":
		return st.dateMatch(c, func(is *issue) time.Time {
			if strings.HasPrefix(field, "created") {
				return is.created
			}
			return is.updated
		})
	case "worklogdate":
		return st.worklogDateMatch(c)
	}
	if strings.HasPrefix(field, "issue.property[") {
		return st.propertyMatch(c)
	}
	return nil, fieldMissing(c.field)
}

// membership handles =, !=, IN, NOT IN, IS [NOT] EMPTY for fields whose
// values are compared after resolve. For multi-valued fields (labels) a
// negative operator does not match issues with no values: Jira's famous
// `labels != x` quirk.
func membership(c clauseNode, multi bool, get func(*issue) []string, resolve func(string) (string, error)) (predicate, error) {
	wantEmpty := false
	var want []string
	for _, v := range c.values {
		if v.empty {
			wantEmpty = true
			continue
		}
		r, err := resolve(v.text)
		if err != nil {
			return nil, err
		}
		want = append(want, r)
	}
	matches := func(is *issue) bool {
		have := get(is)
		if len(have) == 0 || (len(have) == 1 && have[0] == "") {
			return wantEmpty
		}
		for _, h := range have {
			if slices.Contains(want, strings.ToUpper(h)) || slices.Contains(want, h) {
				return true
			}
		}
		return false
	}
	empty := func(is *issue) bool {
		have := get(is)
		return len(have) == 0 || (len(have) == 1 && have[0] == "")
	}
	switch c.op {
	case "=", "in":
		return matches, nil
	case "!=", "not in":
		return func(is *issue) bool {
			if multi && empty(is) && !wantEmpty {
				return false
			}
			return !matches(is)
		}, nil
	case "is":
		return empty, nil
	case "is not":
		return func(is *issue) bool { return !empty(is) }, nil
	}
	return nil, opUnsupported(c.op, c.field)
}

func textMatch(c clauseNode, get func(*issue) string) (predicate, error) {
	if c.op != "~" && c.op != "!~" {
		return nil, opUnsupported(c.op, c.field)
	}
	needle := strings.ToLower(strings.Trim(c.values[0].text, "*"))
	return func(is *issue) bool {
		return strings.Contains(strings.ToLower(get(is)), needle) == (c.op == "~")
	}, nil
}

func (st *Site) dateMatch(c clauseNode, get func(*issue) time.Time) (predicate, error) {
	if c.op == "in" || c.op == "not in" || c.op == "~" || c.op == "!~" || c.op == "is" || c.op == "is not" {
		return nil, opUnsupported(c.op, c.field)
	}
	at, err := parseJQLDate(c.values[0].text, st.sim.now())
	if err != nil {
		return nil, &jqlError{fmt.Sprintf("Date value '%s' for field '%s' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.", c.values[0].text, c.field)}
	}
	return func(is *issue) bool { return compareOp(c.op, get(is).Compare(at)) }, nil
}

// worklogDateMatch is Jira's worklogDate: an issue matches when any of its
// worklogs was started on a calendar day (in the site's zone, UTC here)
// that satisfies the comparison. Each clause is judged on its own, so
// `worklogDate >= a AND worklogDate <= b` may be met by two different
// worklogs, as in Jira.
func (st *Site) worklogDateMatch(c clauseNode) (predicate, error) {
	if c.op == "in" || c.op == "not in" || c.op == "~" || c.op == "!~" || c.op == "is" || c.op == "is not" {
		return nil, opUnsupported(c.op, c.field)
	}
	at, err := parseJQLDate(c.values[0].text, st.sim.now())
	if err != nil {
		return nil, &jqlError{fmt.Sprintf("Date value '%s' for field '%s' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.", c.values[0].text, c.field)}
	}
	day := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
	want := day(at)
	return func(is *issue) bool {
		for _, wl := range is.worklogs {
			if compareOp(c.op, strings.Compare(day(wl.started), want)) {
				return true
			}
		}
		return false
	}, nil
}

func compareOp(op string, cmp int) bool {
	switch op {
	case "=":
		return cmp == 0
	case "!=":
		return cmp != 0
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	case ">=":
		return cmp >= 0
	}
	return false
}

func parseJQLDate(s string, now time.Time) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04", "2006/01/02 15:04", "2006-01-02", "2006/01/02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	negative := false
	rest := strings.TrimSpace(s)
	if strings.HasPrefix(rest, "-") {
		negative, rest = true, rest[1:]
	}
	// Relative dates count calendar days and weeks, not working time.
	units := map[byte]time.Duration{'w': 7 * 24 * time.Hour, 'd': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute}
	var total time.Duration
	parts := strings.Fields(rest)
	if len(parts) == 0 {
		return time.Time{}, fmt.Errorf("empty date")
	}
	for _, part := range parts {
		unit, ok := units[part[len(part)-1]]
		n, err := strconv.Atoi(part[:len(part)-1])
		if !ok || err != nil {
			return time.Time{}, fmt.Errorf("invalid date %q", s)
		}
		total += time.Duration(n) * unit
	}
	if negative {
		total = -total
	}
	return now.Add(total), nil
}

// propertyMatch evaluates issue.property[key].path clauses. Like Jira,
// only properties an installed app indexes (jiraEntityProperties) are
// searchable.
func (st *Site) propertyMatch(c clauseNode) (predicate, error) {
	lower := strings.ToLower(c.field)
	end := strings.Index(lower, "]")
	if end < 0 {
		return nil, fieldMissing(c.field)
	}
	key := c.field[len("issue.property["):end]
	path := strings.TrimPrefix(c.field[end+1:], ".")
	if !st.indexedLocked(key, path) {
		return nil, fieldMissing(c.field)
	}
	get := func(is *issue) []string {
		raw, ok := is.properties[key]
		if !ok {
			return nil
		}
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return nil
		}
		return propertyValues(v, path)
	}
	switch c.op {
	case "~", "!~":
		return textMatch(c, func(is *issue) string { return strings.Join(get(is), " ") })
	case "<", "<=", ">", ">=":
		want, err := strconv.ParseFloat(c.values[0].text, 64)
		if err != nil {
			return nil, &jqlError{fmt.Sprintf("The value '%s' is not a valid number for the field '%s'.", c.values[0].text, c.field)}
		}
		return func(is *issue) bool {
			for _, h := range get(is) {
				if f, err := strconv.ParseFloat(h, 64); err == nil && compareOp(c.op, cmpFloat(f, want)) {
					return true
				}
			}
			return false
		}, nil
	}
	return membership(c, true, func(is *issue) []string { return lowerAll(get(is)) }, func(v string) (string, error) {
		return strings.ToLower(v), nil
	})
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// propertyValues extracts the scalar values at a dotted path; arrays are
// indexed by element, as Jira's extractions are.
func propertyValues(v any, path string) []string {
	if path != "" {
		for _, seg := range strings.Split(path, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[seg]
		}
	}
	switch x := v.(type) {
	case string:
		return []string{x}
	case float64:
		return []string{strconv.FormatFloat(x, 'f', -1, 64)}
	case bool:
		return []string{strconv.FormatBool(x)}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, propertyValues(e, "")...)
		}
		return out
	}
	return nil
}

func lowerAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

// compileOrder builds the comparator; without ORDER BY, newest first.
func compileOrder(keys []orderKey) (func(a, b *issue) int, error) {
	if len(keys) == 0 {
		keys = []orderKey{{field: "created", desc: true}}
	}
	var cmps []func(a, b *issue) int
	for _, k := range keys {
		var f func(a, b *issue) int
		switch k.field {
		case "key", "issuekey":
			f = func(a, b *issue) int { return compareKeys(a.key, b.key) }
		case "id":
			f = func(a, b *issue) int { return cmpInt(a.id, b.id) }
		case "created":
			f = func(a, b *issue) int { return a.created.Compare(b.created) }
		case "updated":
			f = func(a, b *issue) int { return a.updated.Compare(b.updated) }
		case "summary":
			f = func(a, b *issue) int { return strings.Compare(a.summary, b.summary) }
		case "status":
			f = func(a, b *issue) int { return strings.Compare(a.status.Name, b.status.Name) }
		case "project":
			f = func(a, b *issue) int { return strings.Compare(a.project.Key, b.project.Key) }
		case "labels":
			return nil, &jqlError{"Field 'labels' does not support sorting."}
		default:
			return nil, fieldMissing(k.field)
		}
		if k.desc {
			asc := f
			f = func(a, b *issue) int { return -asc(a, b) }
		}
		cmps = append(cmps, f)
	}
	// Ties break on id, in the direction of the first sort key.
	tieDesc := keys[0].desc
	return func(a, b *issue) int {
		for _, f := range cmps {
			if c := f(a, b); c != 0 {
				return c
			}
		}
		if tieDesc {
			return cmpInt(b.id, a.id)
		}
		return cmpInt(a.id, b.id)
	}, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareKeys orders issue keys by project key, then numerically.
func compareKeys(a, b string) int {
	pa, na := splitKey(a)
	pb, nb := splitKey(b)
	if c := strings.Compare(pa, pb); c != 0 {
		return c
	}
	return cmpInt(na, nb)
}

func splitKey(k string) (string, int64) {
	i := strings.LastIndex(k, "-")
	if i < 0 {
		return k, 0
	}
	n, _ := strconv.ParseInt(k[i+1:], 10, 64)
	return k[:i], n
}
