package invoicepdf

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanerLine(t *testing.T) {
	c := cleaner{has: fontCoverage().has}
	cases := []struct{ in, want string }{
		{"", ""},
		{"  plain  ", "plain"},
		{"a\tb\r\nc\nd", "a b c d"},
		{"many     spaces", "many spaces"},
		{`<b>bold</b> & "q"`, `<b>bold</b> & "q"`},
		{"Ωμέγα Жук Łódź", "Ωμέγα Жук Łódź"},
		{"emoji 😀 here", "emoji \uFFFD here"},
		{"cjk 日本", "cjk \uFFFD\uFFFD"},
		{"nul\x00bell\x07", "nul bell"},
		{"zero\u200bwidth \u202Eevil", "zerowidth evil"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"non\u00a0breaking", "non breaking"},
	}
	for _, tc := range cases {
		if got := c.line(tc.in); got != tc.want {
			t.Errorf("line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanerBlock(t *testing.T) {
	c := cleaner{has: fontCoverage().has}
	cases := []struct{ in, want string }{
		{"Street 1\r\nCity  \n  Country\n", "Street 1\nCity\nCountry"},
		{"\n\nIBAN\tDE89\n", "IBAN DE89"},
		{"a\n\nb", "a\n\nb"},
	}
	for _, tc := range cases {
		if got := c.block(tc.in); got != tc.want {
			t.Errorf("block(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanerBoundsLength(t *testing.T) {
	c := cleaner{has: fontCoverage().has}
	got := c.line(strings.Repeat("ж", 3*maxTextRunes))
	if n := utf8.RuneCountInString(got); n != maxTextRunes+1 || !strings.HasSuffix(got, "…") {
		t.Errorf("long text kept %d runes, ends %q", n, got[len(got)-6:])
	}
	if got := c.line(strings.Repeat("x", maxTextRunes)); strings.HasSuffix(got, "…") {
		t.Error("text of exactly the limit is cut")
	}
}
