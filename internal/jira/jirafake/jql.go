package jirafake

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
)

// The JQL Remit's use cases send: AND, OR, NOT and parentheses over
// clauses on project, key, status, statusCategory, labels, issuetype,
// summary, worklogDate, worklogAuthor and issue.property[key].path, with
// =, !=, ~, IN, NOT IN, IS EMPTY and date comparisons; ORDER BY is
// accepted and issues come in key order. Anything else is refused with a
// 400 as Jira refuses a field it does not know.

type pred func(s *Site, is *Issue) bool

type jqlParser struct {
	toks []string
	i    int
}

func (s *Site) compileJQL(m Method, q string) (pred, error) {
	toks, err := lexJQL(q)
	if err != nil {
		return nil, apiError(m, http.StatusBadRequest, err.Error())
	}
	p := &jqlParser{toks: toks}
	if len(toks) == 0 || p.atOrder() {
		return func(*Site, *Issue) bool { return true }, nil
	}
	f, err := p.or()
	if err == nil && p.i < len(p.toks) && !p.atOrder() {
		err = refusedf("Error in the JQL Query: unexpected %q", p.toks[p.i])
	}
	if err != nil {
		return nil, apiError(m, http.StatusBadRequest, err.Error())
	}
	return f, nil
}

func lexJQL(q string) ([]string, error) {
	var toks []string
	rs := []rune(q)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(' || r == ')' || r == ',':
			toks = append(toks, string(r))
			i++
		case r == '"' || r == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(rs) && rs[j] != r; j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
				}
				b.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, refusedf("Error in the JQL Query: unterminated string")
			}
			toks = append(toks, "\x00"+b.String()) // quoted: never a keyword
			i = j + 1
		case strings.ContainsRune("=!<>~", r):
			j := i + 1
			if j < len(rs) && rs[j] == '=' {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune("(),=!<>~\"'", rs[j]) {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		}
	}
	return toks, nil
}

func (p *jqlParser) peekIs(words ...string) bool {
	if p.i >= len(p.toks) {
		return false
	}
	return slices.ContainsFunc(words, func(w string) bool { return strings.EqualFold(p.toks[p.i], w) })
}

func (p *jqlParser) atOrder() bool { return p.peekIs("order") }

func (p *jqlParser) next() (string, error) {
	if p.i >= len(p.toks) {
		return "", refusedf("Error in the JQL Query: the query ends too soon")
	}
	p.i++
	return p.toks[p.i-1], nil
}

func (p *jqlParser) or() (pred, error) {
	f, err := p.and()
	for err == nil && p.peekIs("or") {
		p.i++
		var g pred
		if g, err = p.and(); err == nil {
			l := f
			f = func(s *Site, is *Issue) bool { return l(s, is) || g(s, is) }
		}
	}
	return f, err
}

func (p *jqlParser) and() (pred, error) {
	f, err := p.not()
	for err == nil && p.peekIs("and") {
		p.i++
		var g pred
		if g, err = p.not(); err == nil {
			l := f
			f = func(s *Site, is *Issue) bool { return l(s, is) && g(s, is) }
		}
	}
	return f, err
}

func (p *jqlParser) not() (pred, error) {
	if p.peekIs("not") {
		p.i++
		f, err := p.not()
		return func(s *Site, is *Issue) bool { return !f(s, is) }, err
	}
	if p.peekIs("(") {
		p.i++
		f, err := p.or()
		if err != nil {
			return nil, err
		}
		if t, err := p.next(); err != nil || t != ")" {
			return nil, refusedf("Error in the JQL Query: expecting ')'")
		}
		return f, nil
	}
	return p.clause()
}

func (p *jqlParser) clause() (pred, error) {
	field, err := p.next()
	if err != nil {
		return nil, err
	}
	get, err := fieldGetter(strings.TrimPrefix(field, "\x00"))
	if err != nil {
		return nil, err
	}
	op, err := p.next()
	if err != nil {
		return nil, err
	}
	op = strings.ToLower(op)
	switch {
	case op == "not" && p.peekIs("in"):
		p.i++
		op = "not in"
	case op == "is" && p.peekIs("not"):
		p.i++
		op = "is not"
	}
	var values []string
	switch op {
	case "in", "not in":
		if t, _ := p.next(); t != "(" {
			return nil, refusedf("Error in the JQL Query: expecting '(' after %s", op)
		}
		for {
			v, err := p.next()
			if err != nil {
				return nil, err
			}
			values = append(values, strings.TrimPrefix(v, "\x00"))
			if t, _ := p.next(); t == ")" {
				break
			} else if t != "," {
				return nil, refusedf("Error in the JQL Query: expecting ',' or ')'")
			}
		}
	case "=", "!=", "~", ">", ">=", "<", "<=", "is", "is not":
		v, err := p.next()
		if err != nil {
			return nil, err
		}
		values = []string{strings.TrimPrefix(v, "\x00")}
	default:
		return nil, refusedf("Error in the JQL Query: unknown operator %q", op)
	}
	return match(field, get, op, values)
}

// getter reads a field of an issue as strings (several for labels).
type getter func(s *Site, is *Issue) []string

func fieldGetter(field string) (getter, error) {
	lower := strings.ToLower(field)
	switch lower {
	case "project":
		return func(s *Site, is *Issue) []string {
			p := s.projects[is.Project]
			return []string{p.key, p.id, p.name}
		}, nil
	case "key", "issuekey", "id":
		return func(_ *Site, is *Issue) []string { return []string{is.Key, is.ID} }, nil
	case "status":
		return func(_ *Site, is *Issue) []string { return []string{is.Status} }, nil
	case "statuscategory":
		return func(s *Site, is *Issue) []string {
			st, _ := s.status(is, is.Status)
			return []string{st.Category, categoryName(st.Category)}
		}, nil
	case "labels":
		return func(_ *Site, is *Issue) []string { return is.Labels }, nil
	case "issuetype", "type":
		return func(_ *Site, is *Issue) []string { return []string{is.Type} }, nil
	case "summary", "text":
		return func(_ *Site, is *Issue) []string { return []string{is.Summary} }, nil
	case "worklogdate":
		return func(_ *Site, is *Issue) []string {
			var out []string
			for _, w := range is.Worklogs {
				out = append(out, w.Started.UTC().Format(time.DateOnly))
			}
			return out
		}, nil
	case "worklogauthor":
		return func(_ *Site, is *Issue) []string {
			var out []string
			for _, w := range is.Worklogs {
				out = append(out, w.Author)
			}
			return out
		}, nil
	}
	if strings.HasPrefix(lower, "issue.property[") {
		name, path, ok := strings.Cut(field[len("issue.property["):], "].")
		if ok {
			return func(_ *Site, is *Issue) []string { return propertyValues(is.Properties[name], path) }, nil
		}
	}
	return nil, refusedf("Field '%s' does not exist or you do not have permission to view it.", field)
}

func categoryName(key string) string {
	switch key {
	case CategoryToDo:
		return "To Do"
	case CategoryInProgress:
		return "In Progress"
	case CategoryDone:
		return "Done"
	}
	return key
}

func match(field string, get getter, op string, values []string) (pred, error) {
	has := func(s *Site, is *Issue, v string) bool {
		return slices.ContainsFunc(get(s, is), func(g string) bool { return strings.EqualFold(g, v) })
	}
	switch op {
	case "=", "in":
		return func(s *Site, is *Issue) bool {
			return slices.ContainsFunc(values, func(v string) bool { return has(s, is, v) })
		}, nil
	case "!=", "not in":
		return func(s *Site, is *Issue) bool {
			return len(get(s, is)) > 0 && !slices.ContainsFunc(values, func(v string) bool { return has(s, is, v) })
		}, nil
	case "~":
		return func(s *Site, is *Issue) bool {
			return slices.ContainsFunc(get(s, is), func(g string) bool {
				return strings.Contains(strings.ToLower(g), strings.ToLower(values[0]))
			})
		}, nil
	case "is", "is not":
		if !strings.EqualFold(values[0], "empty") && !strings.EqualFold(values[0], "null") {
			return nil, refusedf("Error in the JQL Query: IS takes EMPTY")
		}
		want := op == "is"
		return func(s *Site, is *Issue) bool { return (len(get(s, is)) == 0) == want }, nil
	}
	// >, >=, <, <=: dates (YYYY-MM-DD) compare as strings.
	if strings.EqualFold(field, "worklogDate") {
		if _, err := time.Parse(time.DateOnly, values[0]); err != nil {
			return nil, refusedf("Date value '%s' for field 'worklogDate' is invalid.", values[0])
		}
	}
	return func(s *Site, is *Issue) bool {
		return slices.ContainsFunc(get(s, is), func(g string) bool {
			c := strings.Compare(g, values[0])
			switch op {
			case ">":
				return c > 0
			case ">=":
				return c >= 0
			case "<":
				return c < 0
			}
			return c <= 0
		})
	}, nil
}

// jqlError is Jira's message for a query it refuses, word for word.
type jqlError string

func (e jqlError) Error() string { return string(e) }

func refusedf(format string, args ...any) error { return jqlError(fmt.Sprintf(format, args...)) }
