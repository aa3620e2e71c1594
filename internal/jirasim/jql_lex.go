package jirasim

import (
	"fmt"
	"strings"
)

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokWord
	tokString
	tokOp
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokenKind
	text string
	pos  int // 1-based character position, as Jira reports it
}

// jqlError is a failure carrying Jira's exact user-facing message (JQL
// errors, invalid transitions), which is why it keeps Jira's wording.
type jqlError struct{ msg string }

func (e *jqlError) Error() string { return e.msg }

func syntaxError(format string, args ...any) error {
	return &jqlError{"Error in the JQL Query: " + fmt.Sprintf(format, args...)}
}

// lexJQL splits a query into tokens. Unquoted words run until white space
// or one of = ! ~ < > ( ) , " ' so that issue.property[key].path and
// issue keys such as ABC-12 are single words.
func lexJQL(q string) ([]token, error) {
	var toks []token
	rs := []rune(q)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{tokLParen, "(", i + 1})
			i++
		case c == ')':
			toks = append(toks, token{tokRParen, ")", i + 1})
			i++
		case c == ',':
			toks = append(toks, token{tokComma, ",", i + 1})
			i++
		case c == '"' || c == '\'':
			start := i
			var b strings.Builder
			i++
			for ; i < len(rs) && rs[i] != c; i++ {
				if rs[i] == '\\' && i+1 < len(rs) {
					i++
				}
				b.WriteRune(rs[i])
			}
			if i >= len(rs) {
				return nil, syntaxError("The quoted string '%s' has not been completed. (line 1, character %d)", b.String(), start+1)
			}
			i++
			toks = append(toks, token{tokString, b.String(), start + 1})
		case strings.ContainsRune("=!~<>", c):
			start := i
			op := string(c)
			if i+1 < len(rs) && (rs[i+1] == '=' || (c == '!' && rs[i+1] == '~')) {
				op += string(rs[i+1])
			}
			if op == "!" {
				return nil, syntaxError("Expecting operator before the end of the query. (line 1, character %d)", start+1)
			}
			i += len([]rune(op))
			toks = append(toks, token{tokOp, op, start + 1})
		default:
			start := i
			for i < len(rs) && !strings.ContainsRune(" \t\n\r=!~<>(),\"'", rs[i]) {
				i++
			}
			toks = append(toks, token{tokWord, string(rs[start:i]), start + 1})
		}
	}
	toks = append(toks, token{tokEOF, "", len(rs) + 1})
	return toks, nil
}

func (t token) is(keyword string) bool {
	return t.kind == tokWord && strings.EqualFold(t.text, keyword)
}
