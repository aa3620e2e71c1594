package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
)

// bucketsJSON are aging balances in one currency.
type bucketsJSON struct {
	Current    string `json:"current"`
	Days1To30  string `json:"days1To30"`
	Days31To60 string `json:"days31To60"`
	Days61To90 string `json:"days61To90"`
	Over90     string `json:"over90"`
	Total      string `json:"total"`
}

func bucketsOut(b invoice.Buckets, c money.Currency) bucketsJSON {
	m := func(d decimal.Decimal) string { return money.Format(d, c) }
	return bucketsJSON{Current: m(b.Current), Days1To30: m(b.Days1To30), Days31To60: m(b.Days31To60),
		Days61To90: m(b.Days61To90), Over90: m(b.Over90), Total: m(b.Total)}
}

type agingCustomerJSON struct {
	CustomerID   int64  `json:"customerId"`
	CustomerName string `json:"customerName"`
	Currency     string `json:"currency"`
	bucketsJSON
}

type agingTotalJSON struct {
	Currency string  `json:"currency"`
	Sales90  string  `json:"invoicedLast90Days"`
	DSO      *string `json:"dso"`
	bucketsJSON
}

type agingJSON struct {
	AsOf          string              `json:"asOf"`
	DSOWindowDays int                 `json:"dsoWindowDays"`
	Customers     []agingCustomerJSON `json:"customers"`
	Totals        []agingTotalJSON    `json:"totals"`
}

// aging answers GET /reports/aging?asOf=YYYY-MM-DD (default: today in
// the tenant's zone).
func (s *Server) aging(c echo.Context) error {
	f := fieldset{}
	var asOf invoice.Date
	if v := c.QueryParam("asOf"); v != "" {
		asOf = f.date("asOf", date{raw: v, present: true}, false)
	}
	if err := f.err(); err != nil {
		return err
	}
	r, err := s.deps.Billing.Aging(c.Request().Context(), actor(c), asOf)
	if err != nil {
		return err
	}
	out := agingJSON{AsOf: r.AsOf.String(), DSOWindowDays: invoice.DSOWindowDays,
		Customers: make([]agingCustomerJSON, len(r.Customers)), Totals: make([]agingTotalJSON, len(r.Currencies))}
	for i, cu := range r.Customers {
		out.Customers[i] = agingCustomerJSON{CustomerID: cu.CustomerID, CustomerName: cu.Customer, Currency: string(cu.Currency),
			bucketsJSON: bucketsOut(cu.Buckets, cu.Currency)}
	}
	for i, t := range r.Currencies {
		j := agingTotalJSON{Currency: string(t.Currency), Sales90: money.Format(t.Sales, t.Currency), bucketsJSON: bucketsOut(t.Buckets, t.Currency)}
		if t.DSO != nil {
			d := t.DSO.StringFixed(1)
			j.DSO = &d
		}
		out.Totals[i] = j
	}
	return c.JSON(http.StatusOK, out)
}
