package invoicepdf

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTextRunes bounds any one piece of text. Jira summaries stop at 255
// characters; the bound only keeps a pathological input from turning one
// line into hundreds of pages.
const maxTextRunes = 2000

// replacement is printed in place of a character the fonts cannot draw,
// so the reader sees that something is there.
const replacement = '\uFFFD'

// cleaner turns arbitrary user text into text the PDF can draw literally.
type cleaner struct {
	has func(rune) bool // whether the embedded fonts have a glyph
}

// line prepares single-line text (a key, a name, a summary): line breaks
// and tabs become spaces, runs of spaces collapse, and the ends are trimmed.
func (c cleaner) line(s string) string {
	return c.clean(s, false)
}

// block prepares multi-line text (an address, payment instructions): like
// line, but line breaks are kept.
func (c cleaner) block(s string) string {
	return c.clean(s, true)
}

func (c cleaner) clean(s string, keepNewlines bool) string {
	var b strings.Builder
	b.Grow(min(len(s), 4*maxTextRunes))
	n := 0
	space := false // a space is pending
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		if n >= maxTextRunes {
			b.WriteRune('…')
			break
		}
		switch {
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
			space = false
			n++
			continue
		case r == utf8.RuneError, r > 0xFFFF:
			r = replacement
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		case unicode.Is(unicode.Cf, r):
			// Invisible format characters (zero-width space, bidi
			// overrides) would reorder or hide nothing in a PDF, but
			// they break text extraction and search.
			continue
		case !c.has(r):
			r = replacement
		}
		if space && !endsWithNewline(&b) {
			b.WriteByte(' ')
			n++
		}
		space = false
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

func endsWithNewline(b *strings.Builder) bool {
	s := b.String()
	return s == "" || s[len(s)-1] == '\n'
}
