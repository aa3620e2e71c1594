package httpapi

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// invoiceJSON is the invoice shape of SPEC §7.
type invoiceJSON struct {
	ID             int64                   `json:"id,omitempty"`
	Number         string                  `json:"number,omitempty"`
	CustomerID     int64                   `json:"customerId"`
	CustomerName   string                  `json:"customerName"`
	Status         string                  `json:"status"`
	Overdue        bool                    `json:"overdue"`
	DaysOverdue    int                     `json:"daysOverdue"`
	Disputed       bool                    `json:"disputed"`
	NeedsReview    bool                    `json:"needsReview"`
	Currency       string                  `json:"currency"`
	Subtotal       string                  `json:"subtotal"`
	Tax            string                  `json:"tax"`
	TaxRatePercent string                  `json:"taxRatePercent"`
	Total          string                  `json:"total"`
	Paid           string                  `json:"paid"`
	LateFees       string                  `json:"lateFees"`
	LateFeesWaived string                  `json:"lateFeesWaived"`
	Credited       string                  `json:"credited"`
	CreditNotes    []creditNoteJSON        `json:"creditNotes"`
	Balance        string                  `json:"balance"`
	IssueDate      *string                 `json:"issueDate"`
	DueDate        *string                 `json:"dueDate"`
	PeriodStart    *string                 `json:"periodStart"`
	PeriodEnd      *string                 `json:"periodEnd"`
	IssueKey       *string                 `json:"issueKey"`
	Lines          []lineJSON              `json:"lines,omitempty"`
	Payments       []paymentJSON           `json:"payments"`
	Plan           *planJSON               `json:"plan"`
	ReviewDetail   []invoice.WorklogChange `json:"needsReviewDetail"`
	Worklogs       int                     `json:"worklogCount,omitempty"`
	AlreadyBilled  int                     `json:"alreadyBilledWorklogs,omitempty"`
	JiraRequests   int                     `json:"jiraRequests,omitempty"`
	CreatedAt      string                  `json:"createdAt,omitempty"`
	// A draft's lines of every kind and its discount, or an issued
	// invoice's as its document states them, with the tax per category.
	Items    []invoice.LineItem    `json:"items,omitempty"`
	Discount *invoice.Discount     `json:"discount,omitempty"`
	Taxes    []invoice.TaxSubtotal `json:"taxes,omitempty"`
}

type lineJSON struct {
	IssueKey    string `json:"issueKey"`
	Description string `json:"description"`
	Hours       string `json:"hours"`
	Rate        string `json:"rate"`
	Amount      string `json:"amount"`
}

func invoiceOut(inv invoice.Invoice, today invoice.Date, withLines bool) invoiceJSON {
	cur := inv.Currency
	m := func(d decimal.Decimal) string { return money.Format(d, cur) }
	out := invoiceJSON{
		ID: inv.ID, Number: inv.Number, CustomerID: inv.CustomerID, CustomerName: inv.Customer,
		Status: string(inv.Status), Overdue: inv.Overdue(today), DaysOverdue: inv.DaysOverdue(today),
		Disputed: inv.Disputed, NeedsReview: inv.NeedsReview, Currency: string(cur),
		Subtotal: m(inv.Subtotal), Tax: m(inv.Tax), TaxRatePercent: inv.TaxPercent.String(), Total: m(inv.Total),
		Paid: m(inv.Paid), LateFees: m(inv.LateFees), Balance: m(inv.Balance()),
		LateFeesWaived: m(inv.LateFeesWaived), Credited: m(inv.Credited), CreditNotes: make([]creditNoteJSON, len(inv.CreditNotes)),
		IssueDate: dateString(inv.IssueDate), DueDate: dateString(inv.DueDate),
		PeriodStart: dateString(inv.Period.Start), PeriodEnd: dateString(inv.Period.End),
		Payments: make([]paymentJSON, len(inv.Payments)), Plan: planOut(inv.Plan, cur), ReviewDetail: inv.Review,
	}
	for i, p := range inv.Payments {
		out.Payments[i] = paymentOut(p, cur)
	}
	for i, cn := range inv.CreditNotes {
		out.CreditNotes[i] = creditNoteOut(cn, cur)
	}
	if out.ReviewDetail == nil {
		out.ReviewDetail = []invoice.WorklogChange{}
	}
	if inv.IssueKey != "" {
		k := inv.IssueKey
		out.IssueKey = &k
	}
	if !inv.CreatedAt.IsZero() {
		out.CreatedAt = inv.CreatedAt.UTC().Format("2006-01-02T15:04:05Z07:00")
	}
	if withLines {
		out.Lines = make([]lineJSON, len(inv.Lines))
		for i, l := range inv.Lines {
			out.Lines[i] = lineJSON{IssueKey: l.IssueKey, Description: l.Description, Hours: l.Hours.StringFixed(2), Rate: rateString(l.Rate), Amount: m(l.Amount)}
		}
	}
	return out
}

type generateIn struct {
	Draft       bool  `json:"draft"` // save a draft to edit and finalize later
	CustomerID  int64 `json:"customerId"`
	PeriodStart date  `json:"periodStart"`
	PeriodEnd   date  `json:"periodEnd"`
	IssueDate   date  `json:"issueDate"`
	DueDate     date  `json:"dueDate"`
}

func (in generateIn) request() (billing.GenerateRequest, error) {
	f := fieldset{}
	if in.CustomerID <= 0 {
		f["customerId"] = "is required"
	}
	req := billing.GenerateRequest{
		CustomerID: in.CustomerID,
		Period:     invoice.Period{Start: f.date("periodStart", in.PeriodStart, true), End: f.date("periodEnd", in.PeriodEnd, true)},
		IssueDate:  f.date("issueDate", in.IssueDate, false),
		DueDate:    f.date("dueDate", in.DueDate, false),
	}
	return req, f.err()
}

func (s *Server) generateRequest(c echo.Context) (billing.GenerateRequest, error) {
	var in generateIn
	if err := decodeJSON(c, &in); err != nil {
		return billing.GenerateRequest{}, err
	}
	return in.request()
}

func (s *Server) previewInvoice(c echo.Context) error {
	req, err := s.generateRequest(c)
	if err != nil {
		return err
	}
	d, err := s.deps.Billing.Preview(c.Request().Context(), actor(c), req)
	if err != nil {
		return err
	}
	out := invoiceOut(d.Invoice, d.Invoice.IssueDate, true)
	out.Worklogs, out.AlreadyBilled, out.JiraRequests = len(d.Worklogs), d.AlreadyBilled, d.Stats.Requests
	return c.JSON(http.StatusOK, out)
}

func (s *Server) createInvoice(c echo.Context) error {
	var in generateIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	req, err := in.request()
	if err != nil {
		return err
	}
	create := s.deps.Billing.Create
	if in.Draft {
		create = s.deps.Billing.CreateDraft
	}
	inv, err := create(c.Request().Context(), actor(c), req)
	if err != nil {
		return err
	}
	return s.respondInvoice(c, http.StatusCreated, inv)
}

func (s *Server) respondInvoice(c echo.Context, status int, inv invoice.Invoice) error {
	out, err := s.invoiceAnswer(c.Request().Context(), tenantOf(c), inv)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", s.deps.BaseURL.String()+"/api/v1/invoices/"+strconv.FormatInt(inv.ID, 10))
	return c.JSON(status, out)
}

// invoiceAnswer is the invoice as the API answers it: with its lines,
// payments and plan, and overdue as of the tenant's today.
func (s *Server) invoiceAnswer(ctx context.Context, t remit.Tenant, inv invoice.Invoice) (invoiceJSON, error) {
	today, err := s.deps.Billing.Today(ctx, t)
	if err != nil {
		return invoiceJSON{}, err
	}
	if err := s.deps.Billing.LoadDetails(ctx, t.ClientKey, &inv); err != nil {
		return invoiceJSON{}, err
	}
	parts, err := s.deps.Billing.DocumentParts(ctx, t.ClientKey, inv.ID)
	if err != nil {
		return invoiceJSON{}, err
	}
	out := invoiceOut(inv, today, true)
	switch {
	case parts.Document != nil:
		out.Items, out.Discount, out.Taxes = parts.Document.Lines, &parts.Document.Discount, parts.Document.Totals.Taxes
	case parts.Items != nil:
		out.Items, out.Discount = parts.Items, &parts.Discount
	}
	return out, nil
}

func (s *Server) getInvoice(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	inv, err := s.deps.Billing.Invoice(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return s.respondInvoice(c, http.StatusOK, inv)
}

func (s *Server) invoiceByIssue(c echo.Context) error {
	inv, err := s.deps.Billing.InvoiceByIssue(c.Request().Context(), actor(c), c.Param("issueKey"))
	if err != nil {
		return err
	}
	return s.respondInvoice(c, http.StatusOK, inv)
}

func (s *Server) listInvoices(c echo.Context) error {
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	f := fieldset{}
	var filter store.InvoiceFilter
	for _, st := range strings.Split(c.QueryParam("status"), ",") {
		switch invoice.Status(st) {
		case "":
		case invoice.StatusDraft, invoice.StatusOpen, invoice.StatusPartiallyPaid, invoice.StatusPaid, invoice.StatusVoid, invoice.StatusUncollectible:
			filter.Status = append(filter.Status, invoice.Status(st))
		default:
			f["status"] = "must be draft, open, partially_paid, paid, void or uncollectible"
		}
	}
	if v := c.QueryParam("customerId"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			f["customerId"] = "must be a customer id"
		}
		filter.CustomerID = id
	}
	today, err := s.deps.Billing.Today(c.Request().Context(), tenantOf(c))
	if err != nil {
		return err
	}
	switch c.QueryParam("overdue") {
	case "", "false":
	case "true":
		filter.OverdueOn = &today
	default:
		f["overdue"] = "must be true or false"
	}
	if err := f.err(); err != nil {
		return err
	}
	invs, next, err := s.deps.Billing.Invoices(c.Request().Context(), actor(c), filter, page)
	if err != nil {
		return err
	}
	out := make([]invoiceJSON, len(invs))
	for i, inv := range invs {
		out[i] = invoiceOut(inv, today, false)
	}
	return c.JSON(http.StatusOK, newList(out, next))
}

// pdfJSON is the invoice PDF for a caller that can only take text: under
// Forge, invokeRemote hands the page a text or JSON body, never bytes.
type pdfJSON struct {
	FileName    string `json:"fileName"`
	ContentType string `json:"contentType"`
	Base64      string `json:"base64"`
}

// invoicePDF answers the PDF itself, or with ?encoding=base64 the same
// bytes base64-encoded in JSON.
func (s *Server) invoicePDF(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	encoding := c.QueryParam("encoding")
	if encoding != "" && encoding != "base64" {
		return fieldset{"encoding": "must be base64 or absent"}.err()
	}
	pdf, name, err := s.deps.Billing.PDF(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	if encoding == "base64" {
		return c.JSON(http.StatusOK, pdfJSON{FileName: safeFilename(name), ContentType: "application/pdf", Base64: base64.StdEncoding.EncodeToString(pdf)})
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+safeFilename(name)+`"`)
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// safeFilename keeps a header value plain whatever the number format.
func safeFilename(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r == '\\' || r == '/' || r > 0x7e {
			return '_'
		}
		return r
	}, s)
}

func (s *Server) voidInvoice(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	inv, err := s.deps.Billing.Void(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return s.respondInvoice(c, http.StatusOK, inv)
}

type issueBillingJSON struct {
	IssueKey      string             `json:"issueKey"`
	HoursLogged   string             `json:"hoursLogged"`
	HoursBilled   string             `json:"hoursBilled"`
	HoursUnbilled string             `json:"hoursUnbilled"`
	Invoices      []issueInvoiceJSON `json:"invoices"`
}

type issueInvoiceJSON struct {
	ID       int64   `json:"id"`
	Number   string  `json:"number"`
	Status   string  `json:"status"`
	Disputed bool    `json:"disputed"`
	Currency string  `json:"currency"`
	DueDate  *string `json:"dueDate"`
	IssueKey *string `json:"invoiceIssueKey"`
	Hours    string  `json:"hours"`
	Amount   string  `json:"amount"`
}

func (s *Server) issueBilling(c echo.Context) error {
	b, err := s.deps.Billing.IssueBilling(c.Request().Context(), actor(c), c.Param("issueKey"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, issueBillingOut(b))
}

func issueBillingOut(b billing.IssueBilling) issueBillingJSON {
	out := issueBillingJSON{
		IssueKey: b.IssueKey, HoursLogged: money.Hours(b.LoggedSeconds).StringFixed(2),
		HoursBilled: money.Hours(b.BilledSeconds).StringFixed(2), HoursUnbilled: money.Hours(b.UnbilledSeconds).StringFixed(2),
		Invoices: []issueInvoiceJSON{},
	}
	for _, ii := range b.Invoices {
		j := issueInvoiceJSON{ID: ii.InvoiceID, Number: ii.Number, Status: string(ii.Status), Disputed: ii.Disputed,
			Currency: string(ii.Currency), DueDate: dateString(ii.DueDate), Hours: money.Hours(ii.Seconds).StringFixed(2),
			Amount: money.Format(ii.Amount, ii.Currency)}
		if ii.InvoiceIssueKey != "" {
			k := ii.InvoiceIssueKey
			j.IssueKey = &k
		}
		out.Invoices = append(out.Invoices, j)
	}
	return out
}
