package facturx

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// dictEntry is one key of a PDF dictionary with its value's bytes as
// written (an indirect reference "n g R" counts as one value).
type dictEntry struct {
	key   string
	value []byte
}

// objectDict returns the top-level entries of the dictionary an indirect
// object holds ("n 0 obj << … >> endobj"). It tokenises just enough PDF
// syntax to find where each value ends: nested dictionaries and arrays,
// literal and hexadecimal strings, names, numbers and references.
func objectDict(obj []byte) ([]dictEntry, error) {
	i := bytes.Index(obj, []byte("obj"))
	if i < 0 {
		return nil, errors.New("not an indirect object")
	}
	p := &scanner{b: obj, i: i + len("obj")}
	p.space()
	if !p.has("<<") {
		return nil, errors.New("object is not a dictionary")
	}
	p.i += 2
	var entries []dictEntry
	for {
		p.space()
		if p.has(">>") {
			return entries, nil
		}
		if p.i >= len(p.b) || p.b[p.i] != '/' {
			return nil, fmt.Errorf("dictionary: expected a key at byte %d", p.i)
		}
		k := p.i
		p.token()
		key := string(p.b[k+1 : p.i])
		p.space()
		v := p.i
		if err := p.value(); err != nil {
			return nil, fmt.Errorf("dictionary key /%s: %w", key, err)
		}
		entries = append(entries, dictEntry{key: key, value: p.b[v:p.i]})
	}
}

type scanner struct {
	b []byte
	i int
}

func (p *scanner) has(s string) bool { return bytes.HasPrefix(p.b[p.i:], []byte(s)) }

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelimiter(c byte) bool { return strings.IndexByte("()<>[]{}/%", c) >= 0 }

// space skips white space and comments.
func (p *scanner) space() {
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case isSpace(c):
			p.i++
		case c == '%':
			for p.i < len(p.b) && p.b[p.i] != '\n' && p.b[p.i] != '\r' {
				p.i++
			}
		default:
			return
		}
	}
}

// token skips a name (from its slash) or a bare word: a number, true,
// false, null or R.
func (p *scanner) token() {
	if p.i < len(p.b) && p.b[p.i] == '/' {
		p.i++
	}
	for p.i < len(p.b) && !isSpace(p.b[p.i]) && !isDelimiter(p.b[p.i]) {
		p.i++
	}
}

// value skips one object.
func (p *scanner) value() error {
	if p.i >= len(p.b) {
		return errors.New("unexpected end")
	}
	switch {
	case p.has("<<"):
		p.i += 2
		for {
			p.space()
			if p.has(">>") {
				p.i += 2
				return nil
			}
			if err := p.value(); err != nil {
				return err
			}
		}
	case p.has("<"):
		end := bytes.IndexByte(p.b[p.i:], '>')
		if end < 0 {
			return errors.New("unterminated hexadecimal string")
		}
		p.i += end + 1
		return nil
	case p.has("["):
		p.i++
		for {
			p.space()
			if p.has("]") {
				p.i++
				return nil
			}
			if err := p.value(); err != nil {
				return err
			}
		}
	case p.has("("):
		depth := 0
		for ; p.i < len(p.b); p.i++ {
			switch p.b[p.i] {
			case '\\':
				p.i++
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					p.i++
					return nil
				}
			}
		}
		return errors.New("unterminated literal string")
	case isDelimiter(p.b[p.i]) && p.b[p.i] != '/':
		return fmt.Errorf("unexpected %q at byte %d", p.b[p.i], p.i)
	}
	start := p.i
	p.token()
	if p.i == start {
		return fmt.Errorf("empty token at byte %d", p.i)
	}
	// "n g R" is one value: look ahead for the generation and the R.
	if isInteger(p.b[start:p.i]) {
		save := p.i
		p.space()
		g := p.i
		p.token()
		if isInteger(p.b[g:p.i]) && p.i > g {
			p.space()
			r := p.i
			p.token()
			if string(p.b[r:p.i]) == "R" {
				return nil
			}
		}
		p.i = save
	}
	return nil
}

func isInteger(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// textString is s as a PDF text string: UTF-16BE with a byte order mark,
// written in hexadecimal, so any character and any bracket round-trips.
func textString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	var pair [2]byte
	for _, u := range utf16.Encode([]rune(s)) {
		pair[0], pair[1] = byte(u>>8), byte(u)
		b.WriteString(strings.ToUpper(hex.EncodeToString(pair[:])))
	}
	b.WriteString(">")
	return b.String()
}

// asciiString is s, which must be printable ASCII without brackets or
// backslashes, as a PDF literal string.
func asciiString(s string) string { return "(" + s + ")" }

// pdfDate is t as a PDF date string with its offset from UTC,
// D:YYYYMMDDHHmmSS+HH'mm'; the XMP metadata carries the same instant.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("(D:%s%c%02d'%02d')", t.Format("20060102150405"), sign, off/3600, off/60%60)
}

// xmpDate is t as an XMP (ISO 8601) date with its offset from UTC.
func xmpDate(t time.Time) string { return t.Format("2006-01-02T15:04:05-07:00") }

// maxTextRunes bounds the title and author: PDF/A limits strings to
// 32767 bytes, and a title longer than this is a mistake anyway.
const maxTextRunes = 1000

// cleanText makes s safe for both the info dictionary and the XMP packet,
// so the two agree as PDF/A requires: invalid UTF-8 and characters XML
// cannot carry become U+FFFD, and s is cut to maxTextRunes.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == maxTextRunes {
			break
		}
		if !xmlChar(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// xmlChar reports whether r may appear in an XML 1.0 document.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
