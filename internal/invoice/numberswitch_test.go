package invoice

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/remit"
)

func TestSequenceScope(t *testing.T) {
	d := Date{2026, 11, 3}
	cases := []struct {
		kind   Sequence
		format string
		want   string
	}{
		{SequenceInvoice, DefaultNumberFormat, "2026"},
		{SequenceInvoice, "INV-{YY}{MM}-{SEQ}", "2026-11"},
		{SequenceInvoice, "INV-{SEQ:6}", "all"},
		{SequenceCreditNote, DefaultCreditNoteNumberFormat, "credit-note:2026"},
		{SequenceCreditNote, "CN{SEQ}", "credit-note:all"},
	}
	for _, c := range cases {
		if got := SequenceScope(c.kind, c.format, d); got != c.want {
			t.Errorf("SequenceScope(%s, %s) = %q, want %q", c.kind, c.format, got, c.want)
		}
	}
}

func TestMatchNumber(t *testing.T) {
	cases := []struct {
		format, number string
		ok             bool
		scope          string
		seq            int64
	}{
		{DefaultNumberFormat, "INV-2026-0042", true, "2026", 42},
		{DefaultNumberFormat, "INV-2026-12345", true, "2026", 12345},
		{DefaultNumberFormat, "INV-2026-00042", false, "", 0}, // five digits are never zero-padded
		{DefaultNumberFormat, "INV-2026-042", false, "", 0},
		{DefaultNumberFormat, "INV-2026-0000", false, "", 0}, // sequences start at 1
		{"INV-{YYYY}{MM}{SEQ:2}", "INV-20261107", true, "2026-11", 7},
		{"INV-{YYYY}{MM}{SEQ:2}", "INV-20261307", false, "", 0}, // month 13
		{"{YYYY}/{YY}-{SEQ}", "2026/26-9", true, "2026", 9},
		{"{YYYY}/{YY}-{SEQ}", "2026/25-9", false, "", 0}, // the years disagree
		{"A.{SEQ}", "A.7", true, "all", 7},
		{"A.{SEQ}", "AX7", false, "", 0}, // the dot is a literal
		{"INV-2026{SEQ:4}", "INV-20260001", true, "all", 1},
	}
	for _, c := range cases {
		m, ok := MatchNumber(SequenceInvoice, c.format, c.number)
		if ok != c.ok || m.Scope != c.scope || m.Seq != c.seq {
			t.Errorf("MatchNumber(%s, %s) = %+v %v, want %s %d %v", c.format, c.number, m, ok, c.scope, c.seq, c.ok)
		}
	}
}

// TestNumberPatternMatchesWhatFormatsProduce: every number a format
// renders is matched by its pattern and parsed back to its scope and
// sequence value.
func TestNumberPatternMatchesWhatFormatsProduce(t *testing.T) {
	formats := []string{DefaultNumberFormat, DefaultCreditNoteNumberFormat, "INV-{YY}{MM}-{SEQ}", "{SEQ:3}/{YYYY}", "X1{SEQ}", "({YYYY}) [{SEQ:2}] *+?"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		f := formats[rng.IntN(len(formats))]
		d := Date{2000 + rng.IntN(99), timeMonthOf(1 + rng.IntN(12)), 1 + rng.IntN(28)}
		seq := 1 + rng.Int64N(200000)
		n, err := FormatNumber(f, d, seq)
		if err != nil {
			t.Fatal(err)
		}
		pat, err := NumberPattern(f)
		if err != nil || !regexp.MustCompile(pat).MatchString(n) {
			t.Fatalf("pattern %q of %s does not match %s (%v)", pat, f, n, err)
		}
		m, ok := MatchNumber(SequenceCreditNote, f, n)
		if !ok || m.Seq != seq || m.Scope != SequenceScope(SequenceCreditNote, f, d) {
			t.Fatalf("MatchNumber(%s, %s) = %+v %v, want seq %d scope %s", f, n, m, ok, seq, SequenceScope(SequenceCreditNote, f, d))
		}
	}
}

func TestCheckNumberFormat(t *testing.T) {
	used := []string{"INV-2026-0001", "INV-2026-0002", "INV-20260003", "CN-2026-0001"}
	counters := map[string]int64{"2026": 3, "credit-note:2026": 1}
	issued := func(scope string) int64 { return counters[scope] }
	cases := []struct {
		name, format string
		kind         Sequence
		conflict     bool
	}{
		{"unchanged", DefaultNumberFormat, SequenceInvoice, false},
		{"wider padding continues the sequence", "INV-{YYYY}-{SEQ:5}", SequenceInvoice, false},
		{"a new prefix", "R-{YYYY}-{SEQ:4}", SequenceInvoice, false},
		{"the year written out starts the all-time counter at 1", "INV-2026-{SEQ:4}", SequenceInvoice, true},
		{"a monthly counter restarts at 1", "INV-{YYYY}{MM}{SEQ:2}", SequenceInvoice, false},
		{"digits glued to the year", "INV-{YYYY}{SEQ:4}", SequenceInvoice, false}, // 20260003 is number 3 of 2026, already drawn
		{"no year: a fresh counter would reach 20260003 one day", "INV-{SEQ}", SequenceInvoice, true},
		{"no year, other prefix", "INV/{SEQ}", SequenceInvoice, false},
		// Numbers CN-2026-0001 and up are behind the invoice counter of 2026;
		// that the two sequences share a format is FormatsOverlap's to say.
		{"an invoice format shaped like credit notes", "CN-{YYYY}-{SEQ:4}", SequenceInvoice, false},
		{"credit notes unchanged", DefaultCreditNoteNumberFormat, SequenceCreditNote, false},
		{"credit notes taking invoice numbers", "INV-{YYYY}-{SEQ:4}", SequenceCreditNote, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckNumberFormat(c.kind, "numberFormat", c.format, used, issued)
			if !c.conflict {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var re *remit.Error
			if !remit.IsKind(err, remit.Conflict) || !asError(err, &re) || re.Fields["numberFormat"] == "" {
				t.Fatalf("err = %v, want a conflict naming numberFormat", err)
			}
		})
	}
	if err := CheckNumberFormat(SequenceInvoice, "numberFormat", "INV-{SEQ", nil, issued); !remit.IsKind(err, remit.Unprocessable) {
		t.Fatalf("bad format: %v", err)
	}
}

func timeMonthOf(m int) time.Month { return time.Month(m) }

func asError(err error, target **remit.Error) bool { return errors.As(err, target) }

func TestFormatsOverlap(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{DefaultNumberFormat, DefaultCreditNoteNumberFormat, false},
		{"{YYYY}-{SEQ}", "{YYYY}-{SEQ}-CN", false},
		{"INV-{SEQ}", "INV-{YYYY}-{SEQ}", true},
		{"{SEQ}", "CN{SEQ}", false},          // a bare sequence is digits only
		{"{SEQ}", "{YYYY}{SEQ}", true},       // 20261 is both
		{"A{SEQ}B", "AB{SEQ}", false},        // after A: a digit, or B
		{"A{SEQ}-{MM}", "A{SEQ}-12", true},   // A5-12 is both
		{"INV{SEQ}", "INVOICE{SEQ}", false},  // after INV come digits, never O
		{"{YYYY}{SEQ}", "{YY}-{SEQ}", false}, // the third character is a digit in one, - in the other
	}
	for _, c := range cases {
		if got := FormatsOverlap(c.a, c.b); got != c.want {
			t.Errorf("FormatsOverlap(%s, %s) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := FormatsOverlap(c.b, c.a); got != c.want {
			t.Errorf("FormatsOverlap(%s, %s) = %v, want %v", c.b, c.a, got, c.want)
		}
	}
}
