package jirasim

import (
	"strings"
)

// jqlQuery is a parsed query: an optional condition and the sort order.
type jqlQuery struct {
	where jqlNode
	order []orderKey
}

type orderKey struct {
	field string
	desc  bool
}

type jqlNode interface{ node() }

type andNode struct{ left, right jqlNode }
type orNode struct{ left, right jqlNode }
type notNode struct{ inner jqlNode }

// clauseNode is `field op value` or `field op (v1, v2)`.
type clauseNode struct {
	field  string
	op     string // = != ~ !~ < <= > >= in "not in" is "is not"
	values []jqlValue
	pos    int
}

type jqlValue struct {
	text  string
	empty bool // EMPTY or NULL
}

func (andNode) node()    {}
func (orNode) node()     {}
func (notNode) node()    {}
func (clauseNode) node() {}

const validOperators = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'."

type jqlParser struct {
	toks []token
	i    int
}

// parseJQL parses the JQL subset the simulator supports; errors carry
// Jira's wording and character positions.
func parseJQL(q string) (*jqlQuery, error) {
	toks, err := lexJQL(q)
	if err != nil {
		return nil, err
	}
	p := &jqlParser{toks: toks}
	out := &jqlQuery{}
	if !p.peek().is("order") && p.peek().kind != tokEOF {
		if out.where, err = p.parseOr(); err != nil {
			return nil, err
		}
	}
	if p.peek().is("order") {
		if out.order, err = p.parseOrder(); err != nil {
			return nil, err
		}
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, syntaxError("Expecting either 'OR' or 'AND' but got '%s'. (line 1, character %d)", t.text, t.pos)
	}
	return out, nil
}

func (p *jqlParser) peek() token { return p.toks[p.i] }
func (p *jqlParser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *jqlParser) parseOr() (jqlNode, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peek().is("or") || (p.peek().kind == tokWord && p.peek().text == "||") {
		p.next()
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = orNode{left, right}
	}
	return left, nil
}

func (p *jqlParser) parseAnd() (jqlNode, error) {
	left, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.peek().is("and") || (p.peek().kind == tokWord && p.peek().text == "&&") {
		p.next()
		right, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		left = andNode{left, right}
	}
	return left, nil
}

func (p *jqlParser) parseNot() (jqlNode, error) {
	t := p.peek()
	switch {
	case t.is("not"):
		p.next()
		inner, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return notNode{inner}, nil
	case t.kind == tokLParen:
		p.next()
		inner, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, syntaxError("Expecting ')' but got '%s'. (line 1, character %d)", c.text, c.pos)
		}
		return inner, nil
	}
	return p.parseClause()
}

func (p *jqlParser) parseClause() (jqlNode, error) {
	f := p.next()
	if f.kind != tokWord && f.kind != tokString || f.is("and") || f.is("or") || f.is("order") {
		if f.kind == tokEOF {
			return nil, syntaxError("Expecting a field name at the end of the query. (line 1, character %d)", f.pos)
		}
		return nil, syntaxError("Expecting a field name but got '%s'. (line 1, character %d)", f.text, f.pos)
	}
	c := clauseNode{field: f.text, pos: f.pos}
	op := p.next()
	switch {
	case op.kind == tokOp && op.text != "!":
		c.op = op.text
	case op.is("in"):
		c.op = "in"
	case op.is("not") && p.peek().is("in"):
		p.next()
		c.op = "not in"
	case op.is("is"):
		c.op = "is"
		if p.peek().is("not") {
			p.next()
			c.op = "is not"
		}
	case op.kind == tokEOF:
		return nil, syntaxError("Expecting operator before the end of the query. %s", validOperators)
	default:
		return nil, syntaxError("Expecting operator but got '%s'. %s (line 1, character %d)", op.text, validOperators, op.pos)
	}
	if c.op == "in" || c.op == "not in" {
		vals, err := p.parseList()
		if err != nil {
			return nil, err
		}
		c.values = vals
		return c, nil
	}
	v, err := p.parseValue()
	if err != nil {
		return nil, err
	}
	if (c.op == "is" || c.op == "is not") && !v.empty {
		return nil, syntaxError("The operator '%s' can only be used with EMPTY or NULL. (line 1, character %d)", strings.ToUpper(c.op), op.pos)
	}
	c.values = []jqlValue{v}
	return c, nil
}

func (p *jqlParser) parseList() ([]jqlValue, error) {
	if t := p.next(); t.kind != tokLParen {
		return nil, syntaxError("Expecting '(' but got '%s'. (line 1, character %d)", t.text, t.pos)
	}
	var vals []jqlValue
	for {
		v, err := p.parseValue()
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		t := p.next()
		if t.kind == tokRParen {
			return vals, nil
		}
		if t.kind != tokComma {
			return nil, syntaxError("Expecting ',' or ')' but got '%s'. (line 1, character %d)", t.text, t.pos)
		}
	}
}

func (p *jqlParser) parseValue() (jqlValue, error) {
	t := p.next()
	switch {
	case t.kind == tokString:
		return jqlValue{text: t.text}, nil
	case t.is("empty") || t.is("null"):
		return jqlValue{empty: true}, nil
	case t.kind == tokWord && !t.is("and") && !t.is("or") && !t.is("order"):
		if p.peek().kind == tokLParen {
			return jqlValue{}, &jqlError{"Unable to find JQL function '" + t.text + "()'."}
		}
		return jqlValue{text: t.text}, nil
	case t.kind == tokEOF:
		return jqlValue{}, syntaxError("Expecting either a value, list or function before the end of the query. (line 1, character %d)", t.pos)
	}
	return jqlValue{}, syntaxError("Expecting either a value, list or function but got '%s'. (line 1, character %d)", t.text, t.pos)
}

func (p *jqlParser) parseOrder() ([]orderKey, error) {
	p.next()
	if t := p.next(); !t.is("by") {
		return nil, syntaxError("Expecting 'BY' but got '%s'. (line 1, character %d)", t.text, t.pos)
	}
	var keys []orderKey
	for {
		f := p.next()
		if f.kind != tokWord && f.kind != tokString {
			return nil, syntaxError("Expecting a field name but got '%s'. (line 1, character %d)", f.text, f.pos)
		}
		k := orderKey{field: strings.ToLower(f.text)}
		if p.peek().is("asc") {
			p.next()
		} else if p.peek().is("desc") {
			p.next()
			k.desc = true
		}
		keys = append(keys, k)
		if p.peek().kind != tokComma {
			break
		}
		p.next()
	}
	if len(keys) > 7 {
		return nil, &jqlError{"The ORDER BY clause can have at most 7 fields."}
	}
	return keys, nil
}
