package invoice

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
)

func TestCheckLineItems(t *testing.T) {
	cases := []struct {
		name   string
		in     LineItemInput
		field  string // "" = valid
		amount string
	}{
		{"retainer", LineItemInput{Kind: "fixed", Description: "Retainer, November", Quantity: "1", UnitPrice: "2500.00"}, "", "2500.00"},
		{"fractional quantity", LineItemInput{Kind: "fixed", Description: "Licences", Quantity: "2.5", UnitPrice: "19.99"}, "", "49.98"}, // 49.975 → 49.98
		{"amount sent along and right", LineItemInput{Kind: "fixed", Description: "x", Quantity: "3", UnitPrice: "0.3333", Amount: "1.00"}, "", "1.00"},
		{"amount sent along and wrong", LineItemInput{Kind: "fixed", Description: "x", Quantity: "3", UnitPrice: "10", Amount: "31.00"}, "lines[0].amount", ""},
		{"no quantity", LineItemInput{Kind: "fixed", Description: "x", UnitPrice: "10"}, "lines[0].quantity", ""},
		{"zero quantity", LineItemInput{Kind: "fixed", Description: "x", Quantity: "0", UnitPrice: "10"}, "lines[0].quantity", ""},
		{"negative price", LineItemInput{Kind: "fixed", Description: "x", Quantity: "1", UnitPrice: "-10"}, "lines[0].unitPrice", ""},
		{"five decimals", LineItemInput{Kind: "fixed", Description: "x", Quantity: "1.00001", UnitPrice: "10"}, "lines[0].quantity", ""},
		{"no description", LineItemInput{Kind: "fixed", Quantity: "1", UnitPrice: "10"}, "lines[0].description", ""},
		{"receipt on fixed", LineItemInput{Kind: "fixed", Description: "x", Quantity: "1", UnitPrice: "10", Receipt: "R1"}, "lines[0].receipt", ""},
		{"expense", LineItemInput{Kind: "expense", Description: "Train Berlin–Paris", Amount: "189.40", Receipt: "DB-2026-1104"}, "", "189.40"},
		{"expense finer than a cent", LineItemInput{Kind: "expense", Description: "x", Amount: "1.005"}, "lines[0].amount", ""},
		{"expense without amount", LineItemInput{Kind: "expense", Description: "x"}, "lines[0].amount", ""},
		{"expense with a quantity", LineItemInput{Kind: "expense", Description: "x", Amount: "1.00", Quantity: "2"}, "lines[0].quantity", ""},
		{"time written by hand", LineItemInput{Kind: "time", Description: "x", Quantity: "1", UnitPrice: "10"}, "lines[0].kind", ""},
		{"unknown kind", LineItemInput{Kind: "discount", Description: "x"}, "lines[0].kind", ""},
		{"unknown category", LineItemInput{Kind: "fixed", Description: "x", Quantity: "1", UnitPrice: "1", TaxCategory: "reduced"}, "lines[0].taxCategory", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := CheckLineItems([]LineItemInput{c.in}, "EUR", TaxStandard)
			if c.field != "" {
				if f := fieldsOf(t, err); f[c.field] == "" {
					t.Fatalf("err %v, want one naming %s", err, c.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got[0].Amount.Equal(dec(c.amount)) || got[0].problem("EUR") != "" || got[0].TaxCategory != TaxStandard {
				t.Fatalf("line %+v, want amount %s", got[0], c.amount)
			}
		})
	}
}

// TestTimeItemsMultiplyOut: every time line BuildLines makes prints a
// quantity and unit price that multiply out to its amount, and keeps the
// amount BuildLines computed.
func TestTimeItemsMultiplyOut(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 26))
	for _, cur := range []money.Currency{"JPY", "EUR", "KWD"} {
		c := &Customer{Currency: cur, HourlyRate: decimal.New(rng.Int64N(2_000_000), -4), TaxRatePercent: dec("20"),
			RateOverrides: RateOverrides{Accounts: map[string]decimal.Decimal{"b": decimal.New(rng.Int64N(3_000_00), -2)}}}
		for i := 0; i < 300; i++ {
			var logs []Worklog
			for j := 0; j < 1+rng.IntN(8); j++ {
				logs = append(logs, Worklog{ID: int64(j), IssueKey: fmt.Sprintf("ACME-%d", rng.IntN(4)), AuthorID: []string{"a", "b"}[rng.IntN(2)], Seconds: rng.Int64N(36000)})
			}
			lines, totals := BuildLines(c, []int{0, 15}[i%2], logs)
			items := TimeItems(lines, c)
			for k, it := range items {
				if p := it.problem(cur); p != "" || !it.Amount.Equal(lines[k].Amount) {
					t.Fatalf("%s line %+v %s", cur, it, p)
				}
			}
			// Without a discount and with one category, the document's
			// totals are the invoice's totals as TotalsOf has them.
			doc, err := DocumentTotalsOf(items, Discount{}, TaxTermsOf(c), cur)
			if err != nil || !doc.Subtotal.Equal(totals.Subtotal) || !doc.Tax.Equal(totals.Tax) || !doc.Total.Equal(totals.Total) {
				t.Fatalf("%s: document totals %+v (%v), TotalsOf %+v", cur, doc, err, totals)
			}
		}
	}
}

func TestDocumentTotals(t *testing.T) {
	pct := func(s string) Discount { d := dec(s); return Discount{Percent: &d} }
	amt := func(s string) Discount { d := dec(s); return Discount{Amount: &d} }
	item := func(cat TaxCategory, amount string) LineItem {
		return LineItem{Kind: LineFixed, Description: "x", Quantity: dec("1"), Unit: UnitOne, UnitPrice: dec(amount), Amount: dec(amount), TaxCategory: cat}
	}
	terms := TaxTerms{StandardRate: dec("19"), Reasons: map[TaxCategory]string{TaxReverseCharge: "Art. 196"}}
	type cat struct{ category, base, tax string }
	cases := []struct {
		name                      string
		items                     []LineItem
		disc                      Discount
		cur                       money.Currency
		sub, discount, tax, total string
		taxes                     []cat
	}{
		{"standard only", []LineItem{item(TaxStandard, "100.00"), item(TaxStandard, "0.05")}, Discount{}, "EUR",
			"100.05", "0", "19.01", "119.06", []cat{{"standard", "100.05", "19.01"}}}, // 19.0095 → 19.01
		{"ten percent off two categories", []LineItem{item(TaxStandard, "300.00"), item(TaxReverseCharge, "100.00")}, pct("10"), "EUR",
			"400.00", "40.00", "51.30", "411.30", []cat{{"standard", "270.00", "51.30"}, {"reverse-charge", "90.00", "0"}}},
		{"an amount off, shared to the cent", []LineItem{item(TaxStandard, "100.00"), item(TaxZero, "200.00")}, amt("10.00"), "EUR",
			"300.00", "10.00", "18.37", "308.37", []cat{{"standard", "96.67", "18.37"}, {"zero", "193.33", "0"}}}, // 3.33 | 6.67; 96.67 × 19% = 18.3673
		{"yen", []LineItem{item(TaxStandard, "1001"), item(TaxZero, "1000")}, pct("5"), "JPY",
			"2001", "100", "181", "2082", []cat{{"standard", "951", "181"}, {"zero", "950", "0"}}}, // 100.05 → 100; 50.02 → 50; 180.69 → 181
		{"dinar", []LineItem{item(TaxStandard, "10.000")}, amt("0.001"), "KWD",
			"10.000", "0.001", "1.900", "11.899", []cat{{"standard", "9.999", "1.900"}}}, // 1.89981 → 1.900
		{"everything off", []LineItem{item(TaxStandard, "50.00")}, pct("100"), "EUR",
			"50.00", "50.00", "0.00", "0.00", []cat{{"standard", "0.00", "0.00"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := DocumentTotalsOf(c.items, c.disc, terms, c.cur)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Subtotal.Equal(dec(c.sub)) || !got.Discount.Equal(dec(c.discount)) || !got.Tax.Equal(dec(c.tax)) || !got.Total.Equal(dec(c.total)) {
				t.Fatalf("totals %s − %s, tax %s, total %s; want %s − %s, %s, %s", got.Subtotal, got.Discount, got.Tax, got.Total, c.sub, c.discount, c.tax, c.total)
			}
			if len(got.Taxes) != len(c.taxes) {
				t.Fatalf("taxes %+v", got.Taxes)
			}
			for i, w := range c.taxes {
				g := got.Taxes[i]
				if string(g.Category) != w.category || !g.Base.Equal(dec(w.base)) || !g.Amount.Equal(dec(w.tax)) {
					t.Errorf("category %d = %s %s %s, want %+v", i, g.Category, g.Base, g.Amount, w)
				}
			}
		})
	}
	bad := []struct {
		name  string
		items []LineItem
		disc  Discount
		field string
	}{
		{"discount over the lines", []LineItem{item(TaxStandard, "10.00")}, amt("10.01"), "discount.amount"},
		{"exempt without a reason", []LineItem{item(TaxExempt, "10.00")}, Discount{}, "lines[0].taxCategory"},
		{"a line that does not multiply out", []LineItem{{Kind: LineFixed, Quantity: dec("0.33"), UnitPrice: dec("100"), Amount: dec("33.33"), TaxCategory: TaxStandard}}, Discount{}, "lines[0]"},
		{"a discount with no lines", nil, amt("1.00"), "discount.amount"},
	}
	for _, c := range bad {
		if f := fieldsOf(t, func() error { _, err := DocumentTotalsOf(c.items, c.disc, terms, "EUR"); return err }()); f[c.field] == "" {
			t.Errorf("%s: fields %v, want %s", c.name, f, c.field)
		}
	}
}

// TestDocumentTotalsAddUp checks the VAT breakdown's arithmetic on random
// invoices: every line multiplies out; the categories' bases add up to
// subtotal − discount; each category's tax is its base × rate rounded once;
// the tax is the sum of the categories'; total = base + tax.
func TestDocumentTotalsAddUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(16931, 2026))
	curs := []money.Currency{"JPY", "EUR", "GBP", "KWD"}
	terms := TaxTerms{Reasons: map[TaxCategory]string{}}
	for _, c := range TaxCategories {
		if c.NeedsReason() {
			terms.Reasons[c] = "reason for " + string(c)
		}
	}
	for i := 0; i < 5000; i++ {
		cur := curs[rng.IntN(len(curs))]
		e := cur.Exponent()
		terms.StandardRate = decimal.New(rng.Int64N(300000), -4) // 0 to 30% with 4 decimals
		var in []LineItemInput
		for j := 0; j < 1+rng.IntN(12); j++ {
			cat := string(TaxCategories[rng.IntN(len(TaxCategories))])
			if rng.IntN(2) == 0 {
				in = append(in, LineItemInput{Kind: "fixed", Description: "d", TaxCategory: cat,
					Quantity: decimal.New(1+rng.Int64N(100000), -int32(rng.IntN(5))).String(), UnitPrice: decimal.New(rng.Int64N(10_000_000), -4).String()})
			} else {
				in = append(in, LineItemInput{Kind: "expense", Description: "d", TaxCategory: cat, Amount: decimal.New(1+rng.Int64N(10_000_000), -e).String()})
			}
		}
		items, err := CheckLineItems(in, cur, TaxStandard)
		if err != nil {
			t.Fatalf("%v: %v", in, err)
		}
		var d Discount
		switch rng.IntN(3) {
		case 1:
			p := decimal.New(rng.Int64N(1_000_001), -4)
			d.Percent = &p
		case 2:
			sum := decimal.Zero
			for _, it := range items {
				sum = sum.Add(it.Amount)
			}
			a := decimal.New(rng.Int64N(sum.Shift(e).IntPart()+1), -e)
			d.Amount = &a
		}
		got, err := DocumentTotalsOf(items, d, terms, cur)
		if err != nil {
			t.Fatalf("%v %+v: %v", in, d, err)
		}
		bases, taxes, lineTotals := decimal.Zero, decimal.Zero, decimal.Zero
		for _, ts := range got.Taxes {
			bases, taxes, lineTotals = bases.Add(ts.Base), taxes.Add(ts.Amount), lineTotals.Add(ts.LineTotal)
			if !ts.Amount.Equal(money.Percent(ts.Base, ts.Rate, cur)) || ts.Base.IsNegative() || !ts.LineTotal.Sub(ts.Discount).Equal(ts.Base) {
				t.Fatalf("category %+v does not hold", ts)
			}
			if ts.Category != TaxStandard && !ts.Rate.IsZero() || ts.Category.NeedsReason() && ts.Reason == "" {
				t.Fatalf("category %+v: rate or reason", ts)
			}
		}
		for _, it := range items {
			if !money.Round(it.Quantity.Mul(it.UnitPrice), cur).Equal(it.Amount) {
				t.Fatalf("line %+v does not multiply out", it)
			}
		}
		switch {
		case !bases.Equal(got.Subtotal.Sub(got.Discount)) || !got.TaxableBase.Equal(bases):
			t.Fatalf("bases %s ≠ %s − %s", bases, got.Subtotal, got.Discount)
		case !lineTotals.Equal(got.Subtotal):
			t.Fatalf("line totals %s ≠ subtotal %s", lineTotals, got.Subtotal)
		case !taxes.Equal(got.Tax) || !got.Total.Equal(bases.Add(taxes)):
			t.Fatalf("tax %s total %s from bases %s taxes %s", got.Tax, got.Total, bases, taxes)
		case got.Discount.GreaterThan(got.Subtotal) || !got.Discount.Equal(money.Round(got.Discount, cur)):
			t.Fatalf("discount %s of %s", got.Discount, got.Subtotal)
		}
	}
}
