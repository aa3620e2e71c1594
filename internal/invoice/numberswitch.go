package invoice

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/remitapp/remit/internal/remit"
)

// Sequence is a numbered kind of document. Invoices and credit notes
// draw from separate gapless sequences, each with its own format.
type Sequence string

// The sequences.
const (
	SequenceInvoice    Sequence = "invoice"
	SequenceCreditNote Sequence = "credit-note"
)

// DefaultCreditNoteNumberFormat is the credit-note format SPEC §4 names.
const DefaultCreditNoteNumberFormat = "CN-{YYYY}-{SEQ:4}"

// SequenceScope names the counter a document of kind issued on d under
// format draws its number from. Invoices keep NumberScope's names ("2026",
// "2026-11", "all"), which stored counters already use; credit notes are
// prefixed ("credit-note:2026") so the two never share a counter.
func SequenceScope(kind Sequence, format string, d Date) string {
	scope := NumberScope(format, d)
	if kind == SequenceInvoice || kind == "" {
		return scope
	}
	return string(kind) + ":" + scope
}

// NumberPattern is an anchored regular expression matching every number
// format can produce, written so that both Go's regexp and PostgreSQL's
// ~ operator read it the same way (only [0-9] classes, counted
// repetition and backslash-escaped punctuation): the store uses it to
// find the numbers already issued that a format could issue again.
func NumberPattern(format string) (string, error) {
	if err := ValidateNumberFormat(format); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteByte('^')
	err := walkFormat(format, func(tok string) error {
		switch {
		case tok == "YYYY":
			b.WriteString("([0-9]{4})")
		case tok == "YY", tok == "MM":
			b.WriteString("([0-9]{2})")
		case tok == "SEQ":
			b.WriteString("([1-9][0-9]*)")
		default: // SEQ:n, checked by ValidateNumberFormat
			n, _ := strconv.Atoi(tok[4:])
			fmt.Fprintf(&b, "([0-9]{%d}|[1-9][0-9]{%d,})", n, n)
		}
		return nil
	}, func(lit string) { b.WriteString(quoteLiteral(lit)) })
	b.WriteByte('$')
	return b.String(), err
}

// quoteLiteral escapes every character but letters and digits, which is
// valid in both regular expression dialects NumberPattern serves.
func quoteLiteral(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NumberMatch is how format would have produced a number: the sequence
// scope it draws from and its place in that sequence.
type NumberMatch struct {
	Scope string
	Seq   int64
}

// MatchNumber reports whether format can produce number, and if so from
// which scope and sequence value. Only one token of a format has a
// variable width, so a match is unique. Date tokens must agree ({YYYY}
// and {YY} name the same year) and a month must be 01 to 12.
func MatchNumber(kind Sequence, format, number string) (NumberMatch, bool) {
	pat, err := NumberPattern(format)
	if err != nil {
		return NumberMatch{}, false
	}
	m := regexp.MustCompile(pat).FindStringSubmatch(number)
	if m == nil {
		return NumberMatch{}, false
	}
	year, yy, month := -1, -1, 1
	var seq int64
	i := 1
	ok := true
	err = walkFormat(format, func(tok string) error {
		v := m[i]
		i++
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return err // a sequence past int64
		}
		switch {
		case tok == "YYYY":
			if year >= 0 && int(n) != year {
				ok = false
			}
			year = int(n)
		case tok == "YY":
			if yy >= 0 && int(n) != yy {
				ok = false
			}
			yy = int(n)
		case tok == "MM":
			if n < 1 || n > 12 || (month != 1 && int(n) != month) {
				ok = false
			}
			month = int(n)
		default:
			seq = n
		}
		return nil
	}, nil)
	switch {
	case err != nil || !ok || seq < 1:
		return NumberMatch{}, false
	case year >= 0 && yy >= 0 && year%100 != yy:
		return NumberMatch{}, false
	case year < 0 && yy >= 0:
		// A two-digit year names a century the format cannot tell; the
		// scope only needs to be the one this century's numbers use.
		year = 2000 + yy
	}
	d := Date{Year: max(year, 0), Month: time.Month(month), Day: 1}
	return NumberMatch{Scope: SequenceScope(kind, format, d), Seq: seq}, true
}

// CheckNumberFormat tells whether adopting format for kind would ever
// issue a number already used. used are the numbers already issued (of
// every kind: an invoice and a credit note must not share a number
// either), and issued says how far each of kind's counters has gone (the
// last value drawn from a scope, 0 for a scope never used). A number the
// format could produce again is one it matches whose sequence value the
// counter of its scope has not passed yet. The answer is a remit.Conflict
// naming the field and the first such number, so that saving the settings
// is refused with a clear reason instead of an invoice failing later on a
// duplicate number.
func CheckNumberFormat(kind Sequence, field, format string, used []string, issued func(scope string) int64) error {
	if err := ValidateNumberFormat(format); err != nil {
		return remit.FieldErrors(remit.Unprocessable, "invoice.CheckNumberFormat", "the number format is not valid", map[string]string{field: err.Error()})
	}
	for _, n := range used {
		m, ok := MatchNumber(kind, format, n)
		if !ok || m.Seq <= issued(m.Scope) {
			continue
		}
		return remit.FieldErrors(remit.Conflict, "invoice.CheckNumberFormat",
			fmt.Sprintf("the number format %s would issue %s again", format, n),
			map[string]string{field: fmt.Sprintf("would issue %s again (already used): its sequence %s is at %d, and %s is number %d of it; choose a format whose numbers differ from those already issued",
				n, m.Scope, issued(m.Scope), n, m.Seq)})
	}
	return nil
}

// anyDigit stands for a character a token produces (always a digit).
const anyDigit = -1

// fixedEnds is what format produces around its sequence token, character
// by character: the characters before it and those after it (in reverse),
// anyDigit for a date token's digits.
func fixedEnds(format string) (head, tail []rune) {
	cur := &head
	_ = walkFormat(format, func(tok string) error {
		switch tok {
		case "YYYY":
			*cur = append(*cur, anyDigit, anyDigit, anyDigit, anyDigit)
		case "YY", "MM":
			*cur = append(*cur, anyDigit, anyDigit)
		default: // the sequence: what follows is the tail
			cur = &tail
		}
		return nil
	}, func(lit string) { *cur = append(*cur, []rune(lit)...) })
	for i, j := 0, len(tail)-1; i < j; i, j = i+1, j-1 {
		tail[i], tail[j] = tail[j], tail[i]
	}
	return head, tail
}

// FormatsOverlap reports whether two valid number formats might produce
// the same number, so that the invoice and credit-note sequences can be
// kept apart. It compares what each produces before and after its
// sequence: two formats whose fixed text differs there (a different
// letter, or a letter where the other has a digit) never meet. Anything
// else counts as an overlap; the answer errs on the side of refusing.
func FormatsOverlap(a, b string) bool {
	ha, ta := fixedEnds(a)
	hb, tb := fixedEnds(b)
	return !(differ(ha, hb) || differ(ta, tb))
}

// differ reports whether two character runs disagree at a position both
// have, or where one ends at the sequence (a digit) and the other goes on
// with a character that is not a digit.
func differ(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	for i, c := range a {
		if clash(c, b[i]) {
			return true
		}
	}
	return len(b) > len(a) && b[len(a)] != anyDigit && !isDigit(b[len(a)])
}

func clash(x, y rune) bool {
	switch {
	case x == anyDigit && y == anyDigit:
		return false
	case x == anyDigit:
		return !isDigit(y)
	case y == anyDigit:
		return !isDigit(x)
	}
	return x != y
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }
