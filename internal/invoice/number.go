package invoice

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Invoice number formats use tokens: {YYYY} and {YY} (issue year), {MM}
// (issue month), {SEQ} or {SEQ:n} (the sequence, zero-padded to n digits).
// A format must contain exactly one sequence token. When it contains a
// year, the sequence restarts at 1 each year; NumberScope says which
// sequence a date belongs to.

// ValidateNumberFormat checks a format string.
func ValidateNumberFormat(format string) error {
	if len(format) == 0 || len(format) > 64 {
		return errors.New("must be 1 to 64 characters")
	}
	seqs := 0
	err := walkFormat(format, func(tok string) error {
		switch {
		case tok == "YYYY" || tok == "YY" || tok == "MM":
		case tok == "SEQ":
			seqs++
		case strings.HasPrefix(tok, "SEQ:"):
			n, err := strconv.Atoi(tok[4:])
			if err != nil || n < 1 || n > 12 {
				return fmt.Errorf("{%s}: padding must be 1 to 12", tok)
			}
			seqs++
		default:
			return fmt.Errorf("unknown token {%s}; use {YYYY}, {YY}, {MM}, {SEQ} or {SEQ:n}", tok)
		}
		return nil
	}, nil)
	if err != nil {
		return err
	}
	if seqs != 1 {
		return errors.New("must contain exactly one {SEQ} or {SEQ:n}")
	}
	return nil
}

// FormatNumber renders an invoice number.
func FormatNumber(format string, issued Date, seq int64) (string, error) {
	var b strings.Builder
	err := walkFormat(format, func(tok string) error {
		switch {
		case tok == "YYYY":
			fmt.Fprintf(&b, "%04d", issued.Year)
		case tok == "YY":
			fmt.Fprintf(&b, "%02d", issued.Year%100)
		case tok == "MM":
			fmt.Fprintf(&b, "%02d", int(issued.Month))
		case tok == "SEQ":
			b.WriteString(strconv.FormatInt(seq, 10))
		case strings.HasPrefix(tok, "SEQ:"):
			n, _ := strconv.Atoi(tok[4:])
			fmt.Fprintf(&b, "%0*d", n, seq)
		default:
			return fmt.Errorf("unknown token {%s}", tok)
		}
		return nil
	}, func(lit string) { b.WriteString(lit) })
	return b.String(), err
}

// NumberScope names the sequence an invoice issued on d draws from: the
// year when the format shows one (numbers restart yearly), else "all".
func NumberScope(format string, d Date) string {
	if strings.Contains(format, "{YYYY}") || strings.Contains(format, "{YY}") {
		if strings.Contains(format, "{MM}") {
			return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
		}
		return fmt.Sprintf("%04d", d.Year)
	}
	return "all"
}

func walkFormat(format string, token func(string) error, literal func(string)) error {
	for len(format) > 0 {
		i := strings.IndexByte(format, '{')
		if i < 0 {
			if strings.IndexByte(format, '}') >= 0 {
				return errors.New("unbalanced }")
			}
			if literal != nil {
				literal(format)
			}
			return nil
		}
		if strings.IndexByte(format[:i], '}') >= 0 {
			return errors.New("unbalanced }")
		}
		if literal != nil && i > 0 {
			literal(format[:i])
		}
		j := strings.IndexByte(format[i:], '}')
		if j < 0 {
			return errors.New("unbalanced {")
		}
		if err := token(format[i+1 : i+j]); err != nil {
			return err
		}
		format = format[i+j+1:]
	}
	return nil
}
