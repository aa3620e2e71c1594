package invoicepdf

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

func TestRenderShowsEverythingOnTheInvoice(t *testing.T) {
	d := newDocument("USD",
		line("ACME-2", "Fix login redirect loop", 5400, "95.00", "USD"),
		line("ACME-10", `<script>alert("x")</script> & <b>bold</b>`, 3600, "140.00", "USD"),
		line("ACMESUP-7", "", 900, "120.00", "USD"),
	)
	text := pdfText(t, render(t, d))

	want := []string{
		"INVOICE", "INV-2026-0042",
		"Northwind Consulting GmbH", "Hauptstraße 5", "10115 Berlin", "Tax ID: DE123456789", "billing@northwind.example",
		"BILL TO", "Acme Rocket Works Ltd", "1 Launch Pad Road", "Cape Canaveral, FL 32920", "ap@acme.example",
		"Issue date", "2026-11-01", "Due date", "2026-12-01", "2026-10-01 – 2026-10-31", "Net 30 days",
		`<script>alert("x")</script> & <b>bold</b>`,
		"Subtotal", "Tax (8.875%)", "Total", "Paid", "Balance due",
		"IBAN DE89 3704 0044 0532 0130 00", "BIC COBADEFFXXX",
		"https://acme.atlassian.net", "Page 1 of 1",
	}
	for _, l := range d.Lines {
		want = append(want, l.IssueKey, l.Hours.StringFixed(2), l.Amount.StringFixed(2))
	}
	// 142.50 + 140.00 + 30.00 = 312.50; tax 8.875% = 27.734375 → 27.73.
	want = append(want, "312.50 USD", "27.73 USD", "340.23 USD", "0.00 USD", "142.50", "1.50", "0.25")
	for _, s := range want {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
	if strings.Contains(text, "Late fees") {
		t.Error("a zero late fee is printed")
	}
	if t.Failed() {
		t.Logf("PDF text:\n%s", text)
	}
}

func TestRenderLateFeesAndPayments(t *testing.T) {
	d := newDocument("EUR", line("OPS-1", "On-call weekend", 36000, "100", "EUR"))
	d.LateFees = dec("40.00")
	d.Paid = dec("500.00")
	d.Balance = d.Total.Add(d.LateFees).Sub(d.Paid) // 1000 + 88.75 + 40 − 500
	d.Status = "partially_paid"
	d.Installments = []Installment{
		{DueDate: invoice.Date{Year: 2026, Month: 12, Day: 15}, Amount: dec("314.37")},
		{DueDate: invoice.Date{Year: 2027, Month: 1, Day: 15}, Amount: dec("314.38")},
	}
	text := pdfText(t, render(t, d))
	for _, s := range []string{"Late fees", "40.00 EUR", "500.00 EUR", "628.75 EUR", "PARTIALLY PAID",
		"Payment plan", "2026-12-15", "314.37", "2027-01-15", "314.38", "Please pay 628.75 EUR by 2026-12-01"} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
	if t.Failed() {
		t.Logf("PDF text:\n%s", text)
	}
}

func TestRenderInternationalText(t *testing.T) {
	summaries := []string{
		"Исправить ошибку при выгрузке счетов",
		"Διόρθωση σφάλματος στην εξαγωγή τιμολογίων",
		"Ça coûte: Øresund, Łódź, Žižkov, Straße",
		`Quotes "x" (parens) \backslash\ 100% {nb} $1`,
	}
	var lines []invoice.Line
	for i, s := range summaries {
		lines = append(lines, line("INT-"+string(rune('1'+i)), s, 1800, "50", "EUR"))
	}
	d := newDocument("EUR", lines...)
	d.Buyer.Name = "ООО «Ромашка»"
	d.Seller.Name = "Ελληνική Εταιρεία Α.Ε."
	text := pdfText(t, render(t, d))
	for _, s := range append(summaries, "ООО «Ромашка»", "Ελληνική Εταιρεία Α.Ε.") {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
	if t.Failed() {
		t.Logf("PDF text:\n%s", text)
	}
}

// TestRenderUndrawableText checks that characters the fonts lack (CJK,
// emoji beyond the BMP, control characters) neither break rendering nor
// vanish silently.
func TestRenderUndrawableText(t *testing.T) {
	d := newDocument("USD", line("CJK-1", "请求 😀 done\x00\x07 ok", 3600, "10", "USD"))
	text := pdfText(t, render(t, d))
	if !strings.Contains(text, "�� � done ok") {
		t.Errorf("undrawable characters not replaced as expected:\n%s", text)
	}
}

func TestRenderManyLinesSpansPages(t *testing.T) {
	d := newDocument("USD", manyLines(600, "USD")...)
	text := pdfText(t, render(t, d))
	pp := pages(text)
	n := len(pp)
	if n < 5 {
		t.Fatalf("600 lines on %d pages", n)
	}
	for i, p := range pp {
		if want := "Page " + strconv.Itoa(i+1) + " of " + strconv.Itoa(n); !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
		if !strings.Contains(p, "Description") && i < n-1 {
			t.Errorf("page %d does not repeat the table header", i+1)
		}
	}
	keys := map[string]bool{}
	for _, f := range strings.Fields(text) {
		keys[f] = true
	}
	for _, l := range d.Lines {
		if !keys[l.IssueKey] {
			t.Errorf("key %s missing", l.IssueKey)
		}
	}
	// The totals follow the last line, on the last page or the one before.
	end := pp[n-2] + pp[n-1]
	if !strings.Contains(end, "Balance due") || !strings.Contains(end, d.Balance.StringFixed(2)+" USD") {
		t.Errorf("the last pages lack the balance %s", d.Balance.StringFixed(2))
	}
}

func TestRenderCurrencyDecimals(t *testing.T) {
	cases := []struct {
		cur  string
		rate string
		want []string // line amount, subtotal with code
	}{
		{"JPY", "12000", []string{"18000", "18000 JPY", "12000", "1598 JPY"}}, // 1.5 h; tax 8.875% = 1597.5 → 1598
		{"KWD", "45.125", []string{"67.688", "67.688 KWD", "45.125", "6.007 KWD"}},
	}
	for _, c := range cases {
		t.Run(c.cur, func(t *testing.T) {
			cur := money.Currency(c.cur)
			d := newDocument(cur, line("JP-1", "Consulting", 5400, c.rate, cur))
			text := pdfText(t, render(t, d))
			for _, s := range c.want {
				if !strings.Contains(text, s) {
					t.Errorf("PDF text lacks %q:\n%s", s, text)
				}
			}
		})
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	d := newDocument("USD", manyLines(80, "USD")...)
	d.Buyer.Name = "Ромашка ΑΒΓ"
	a, b := render(t, d), render(t, d)
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same document differ")
	}
	if !bytes.Contains(a, []byte("/Producer")) || !bytes.Contains(a, []byte("D:20261101000000")) {
		t.Error("producer or creation date not fixed from the issue date")
	}
	d.IssueDate = d.IssueDate.AddDays(1)
	if bytes.Equal(a, render(t, d)) {
		t.Error("a different issue date renders the same bytes")
	}
}

func TestRenderAbsurdInputs(t *testing.T) {
	huge := strings.Repeat("Ünïcödé-without-spaces-", 400) // one 9,200-rune word
	d := newDocument("USD", append(manyLines(10_000, "USD"),
		line("", "", 0, "0", "USD"),
		line(strings.Repeat("K", 300), huge, 60, "1", "USD"),
	)...)
	d.Seller = invoice.Seller{}
	d.Buyer = Buyer{}
	d.Number = strings.Repeat("N", 500)
	d.Period = invoice.Period{}
	d.DueDate = invoice.Date{}
	out := render(t, d)
	if n := bytes.Count(out, []byte("/Type /Page\n")); n < 150 {
		t.Fatalf("10,002 lines rendered on only %d pages", n)
	}
}

func TestRenderRefusesWhatItCannotDraw(t *testing.T) {
	d := newDocument("USD")
	d.Currency = "XYZ"
	if err := Render(&bytes.Buffer{}, d); err == nil || !strings.Contains(err.Error(), "currency") {
		t.Errorf("unknown currency: %v", err)
	}
	d = newDocument("USD")
	d.IssueDate = invoice.Date{}
	if err := Render(&bytes.Buffer{}, d); err == nil || !strings.Contains(err.Error(), "issue date") {
		t.Errorf("no issue date: %v", err)
	}
}

// TestRenderConcurrently backs the promise that handlers may render in
// parallel: run with -race, every result must equal a sequential render.
func TestRenderConcurrently(t *testing.T) {
	d := newDocument("EUR", manyLines(30, "EUR")...)
	want := render(t, d)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			var buf bytes.Buffer
			err := Render(&buf, d)
			if err == nil && !bytes.Equal(buf.Bytes(), want) {
				err = errors.New("a concurrent render differs from a sequential one")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
