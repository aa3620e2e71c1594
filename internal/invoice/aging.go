package invoice

import (
	"cmp"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
)

// DSOWindowDays is the trailing window of days sales outstanding.
const DSOWindowDays = 90

// AgingItem is one invoice as the aging report sees it on its as-of date.
type AgingItem struct {
	CustomerID int64
	Customer   string
	Currency   money.Currency
	IssueDate  Date
	DueDate    Date
	Total      decimal.Decimal // what was invoiced (credit sales, for DSO)
	Balance    decimal.Decimal // what was still owed on the as-of date
}

// Buckets are balances by how many days past due they are.
type Buckets struct {
	Current    decimal.Decimal // not yet due
	Days1To30  decimal.Decimal
	Days31To60 decimal.Decimal
	Days61To90 decimal.Decimal
	Over90     decimal.Decimal
	Total      decimal.Decimal
}

func (b *Buckets) add(daysPastDue int, amount decimal.Decimal) {
	switch {
	case daysPastDue <= 0:
		b.Current = b.Current.Add(amount)
	case daysPastDue <= 30:
		b.Days1To30 = b.Days1To30.Add(amount)
	case daysPastDue <= 60:
		b.Days31To60 = b.Days31To60.Add(amount)
	case daysPastDue <= 90:
		b.Days61To90 = b.Days61To90.Add(amount)
	default:
		b.Over90 = b.Over90.Add(amount)
	}
	b.Total = b.Total.Add(amount)
}

// CustomerAging is one customer's receivables in one currency.
type CustomerAging struct {
	CustomerID int64
	Customer   string
	Currency   money.Currency
	Buckets    Buckets
}

// CurrencyAging is all receivables in one currency, with days sales
// outstanding: DSO = outstanding on the as-of date / invoiced in the
// DSOWindowDays days ending on it × DSOWindowDays, rounded to one
// decimal; nil when nothing was invoiced in the window.
type CurrencyAging struct {
	Currency money.Currency
	Buckets  Buckets
	Sales    decimal.Decimal // invoiced in the window
	DSO      *decimal.Decimal
}

// Aging is the accounts-receivable aging report. Currencies are never
// converted: every figure belongs to one currency.
type Aging struct {
	AsOf       Date
	Customers  []CustomerAging // by customer name, then currency
	Currencies []CurrencyAging // by currency code
}

// Age builds the aging report as of asOf from items; items issued after
// asOf are left out.
func Age(items []AgingItem, asOf Date) Aging {
	type custKey struct {
		id  int64
		cur money.Currency
	}
	customers := map[custKey]*CustomerAging{}
	currencies := map[money.Currency]*CurrencyAging{}
	windowStart := asOf.AddDays(-(DSOWindowDays - 1))
	for _, it := range items {
		if asOf.Before(it.IssueDate) {
			continue
		}
		cur := currencies[it.Currency]
		if cur == nil {
			cur = &CurrencyAging{Currency: it.Currency, Buckets: zeroBuckets(), Sales: decimal.Zero}
			currencies[it.Currency] = cur
		}
		if !it.IssueDate.Before(windowStart) {
			cur.Sales = cur.Sales.Add(it.Total)
		}
		if !it.Balance.IsPositive() {
			continue
		}
		k := custKey{it.CustomerID, it.Currency}
		c := customers[k]
		if c == nil {
			c = &CustomerAging{CustomerID: it.CustomerID, Customer: it.Customer, Currency: it.Currency, Buckets: zeroBuckets()}
			customers[k] = c
		}
		days := it.DueDate.DaysUntil(asOf)
		c.Buckets.add(days, it.Balance)
		cur.Buckets.add(days, it.Balance)
	}
	out := Aging{AsOf: asOf, Customers: []CustomerAging{}, Currencies: []CurrencyAging{}}
	for _, c := range customers {
		out.Customers = append(out.Customers, *c)
	}
	slices.SortFunc(out.Customers, func(a, b CustomerAging) int {
		return cmp.Or(cmp.Compare(a.Customer, b.Customer), cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.Currency, b.Currency))
	})
	for _, c := range currencies {
		if c.Sales.IsPositive() {
			dso := c.Buckets.Total.Mul(decimal.NewFromInt(DSOWindowDays)).DivRound(c.Sales, 1)
			c.DSO = &dso
		}
		out.Currencies = append(out.Currencies, *c)
	}
	slices.SortFunc(out.Currencies, func(a, b CurrencyAging) int { return cmp.Compare(a.Currency, b.Currency) })
	return out
}

func zeroBuckets() Buckets {
	z := decimal.Zero
	return Buckets{Current: z, Days1To30: z, Days31To60: z, Days61To90: z, Over90: z, Total: z}
}
