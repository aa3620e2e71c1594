package money

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

func TestTimeQuantity(t *testing.T) {
	cases := []struct {
		seconds int64
		rate    string
		cur     Currency
		want    string // the hours printed on the line
		amount  string
	}{
		{3600, "95.00", "USD", "1", "95.00"},
		{5400, "95", "USD", "1.5", "142.50"},
		{1200, "100.00", "USD", "0.3333", "33.33"}, // 0.33 × 100 = 33.00 is not 33.33
		{2400, "95.00", "EUR", "0.66667", "63.33"}, // 0.6667 × 95 = 63.3365 → 63.34
		{1200, "100", "JPY", "0.33", "33"},
		{1200, "100", "KWD", "0.33333", "33.333"},
		{60, "0.30", "USD", "0.02", "0.01"}, // 0.005 exactly: half-up, and 0.02 × 0.30 = 0.006 → 0.01
		{1, "18", "USD", "0.0003", "0.01"},  // 0.005 exactly: needs rounding up, not half-up
		{0, "95", "USD", "0", "0.00"},
	}
	for _, c := range cases {
		q := TimeQuantity(c.seconds, d(c.rate), c.cur)
		amount := TimeAmount(c.seconds, d(c.rate), c.cur)
		if !amount.Equal(d(c.amount)) {
			t.Errorf("TimeAmount(%d, %s, %s) = %s, want %s", c.seconds, c.rate, c.cur, amount, c.amount)
		}
		if !Round(q.Mul(d(c.rate)), c.cur).Equal(amount) {
			t.Errorf("TimeQuantity(%d, %s, %s) = %s does not multiply out to %s", c.seconds, c.rate, c.cur, q, amount)
		}
		if !q.Equal(d(c.want)) {
			t.Errorf("TimeQuantity(%d, %s, %s) = %s, want %s", c.seconds, c.rate, c.cur, q, c.want)
		}
	}
	if q := TimeQuantity(1200, d("100.00"), "USD"); q.Equal(d("0.33")) {
		t.Fatalf("20 minutes at 100.00 shown as %s h, which bills 33.00, not 33.33", q)
	}
}

// TestTimeQuantityMultipliesOut is the legal rule as a property: on every
// time line, quantity × unit price = amount to the minor unit, for rates
// up to Remit's limit and every exponent from 0 to 4.
func TestTimeQuantityMultipliesOut(t *testing.T) {
	rng := rand.New(rand.NewPCG(16931, 1))
	curs := []Currency{"JPY", "USD", "EUR", "KWD", "CLF"}
	worst := int32(0)
	for i := 0; i < 20000; i++ {
		seconds := rng.Int64N(400 * 3600)
		if i%3 == 0 {
			seconds = rng.Int64N(600) * 60 // whole minutes, as Jira mostly logs
		}
		var rate decimal.Decimal
		switch i % 4 {
		case 0:
			rate = decimal.New(rng.Int64N(1_000_000_0000+1), -4) // up to 1,000,000 with four decimals
		case 1:
			rate = decimal.New(rng.Int64N(100_000), -2)
		default:
			rate = decimal.NewFromInt(rng.Int64N(500))
		}
		c := curs[rng.IntN(len(curs))]
		q := TimeQuantity(seconds, rate, c)
		if got, want := Round(q.Mul(rate), c), TimeAmount(seconds, rate, c); !got.Equal(want) {
			t.Fatalf("%d s at %s %s: %s h × rate = %s, amount %s", seconds, rate, c, q, got, want)
		}
		worst = max(worst, -q.Exponent())
	}
	if worst > maxHourDecimals {
		t.Fatalf("a quantity needed %d decimals", worst)
	}
}

func TestAllocate(t *testing.T) {
	cases := []struct {
		total   string
		weights []string
		cur     Currency
		want    []string
	}{
		{"10.00", []string{"50.00", "50.00"}, "USD", []string{"5.00", "5.00"}},
		{"0.01", []string{"50.00", "50.00"}, "USD", []string{"0.01", "0.00"}}, // tie: the earlier part
		{"10.00", []string{"100.00", "200.00"}, "USD", []string{"3.33", "6.67"}},
		{"10", []string{"1", "1", "1"}, "JPY", []string{"4", "3", "3"}},
		{"1.000", []string{"0", "3.000", "-1.000"}, "KWD", []string{"0", "1.000", "0"}},
		{"0.00", nil, "USD", []string{}},
	}
	for _, c := range cases {
		ws := make([]decimal.Decimal, len(c.weights))
		for i, w := range c.weights {
			ws[i] = d(w)
		}
		got, ok := Allocate(d(c.total), ws, c.cur)
		if !ok || len(got) != len(c.want) {
			t.Fatalf("Allocate(%s, %v) = %v, %v", c.total, c.weights, got, ok)
		}
		for i := range got {
			if !got[i].Equal(d(c.want[i])) {
				t.Errorf("Allocate(%s, %v)[%d] = %s, want %s", c.total, c.weights, i, got[i], c.want[i])
			}
		}
	}
	if _, ok := Allocate(d("1.00"), []decimal.Decimal{d("0")}, "USD"); ok {
		t.Error("an amount with nowhere to go was allocated")
	}
}

func TestAllocateAddsUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	curs := []Currency{"JPY", "EUR", "KWD"}
	for i := 0; i < 5000; i++ {
		c := curs[i%len(curs)]
		n := 1 + rng.IntN(6)
		ws := make([]decimal.Decimal, n)
		sum := decimal.Zero
		for j := range ws {
			ws[j] = decimal.New(rng.Int64N(10_000_000), -c.Exponent())
			sum = sum.Add(ws[j])
		}
		total := decimal.New(rng.Int64N(sum.Shift(c.Exponent()).IntPart()+1), -c.Exponent())
		parts, ok := Allocate(total, ws, c)
		if !ok && !sum.IsZero() {
			t.Fatalf("Allocate(%s, %v) refused", total, ws)
		}
		got := decimal.Zero
		for j, p := range parts {
			got = got.Add(p)
			if p.IsNegative() || p.GreaterThan(ws[j]) || !p.Equal(Round(p, c)) {
				t.Fatalf("part %d of %s over %v is %s", j, total, ws, p)
			}
		}
		if ok && !got.Equal(total) {
			t.Fatalf("Allocate(%s, %v) adds up to %s", total, ws, got)
		}
	}
}
