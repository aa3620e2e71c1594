package httpapi

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/billing"
	"github.com/remitapp/remit/internal/store"
)

// actor is the tenant and user of the context token on an /api request.
func actor(c echo.Context) billing.Actor {
	return billing.Actor{Tenant: tenantOf(c), AccountID: claimsOf(c).Subject}
}

// list is the shape of every paginated list (SPEC §7).
type list[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	l := list[T]{Items: items}
	if next != "" {
		l.NextCursor = &next
	}
	return l
}

// pageOf reads ?limit= and ?cursor=.
func pageOf(c echo.Context) (store.Page, error) {
	p := store.Page{Cursor: c.QueryParam("cursor")}
	if s := c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			return p, fieldset{"limit": "must be a whole number from 1 to 200"}.err()
		}
		p.Limit = n
	}
	return p, nil
}

// apiRoutes registers the JSON API the iframes call (context tokens).
func (s *Server) apiRoutes(api *echo.Group) {
	api.GET("/me", s.me)
	api.GET("/settings", s.getSettings)
	api.PUT("/settings", s.putSettings)
	api.GET("/settings/choices", s.getSettingsChoices)
	api.GET("/customers", s.listCustomers)
	api.POST("/customers", s.createCustomer)
	api.GET("/customers/:id", s.getCustomer)
	api.PUT("/customers/:id", s.putCustomer)
	api.DELETE("/customers/:id", s.deleteCustomer)
	api.POST("/invoices/preview", s.previewInvoice)
	api.POST("/invoices", s.createInvoice)
	api.GET("/invoices", s.listInvoices)
	api.GET("/invoices/by-issue/:issueKey", s.invoiceByIssue)
	api.GET("/invoices/:id", s.getInvoice)
	api.GET("/invoices/:id/pdf", s.invoicePDF)
	api.GET("/invoices/:id/einvoice", s.invoiceEInvoice)
	api.PUT("/invoices/:id", s.editDraft)
	api.DELETE("/invoices/:id", s.deleteDraft)
	api.POST("/invoices/:id/finalize", s.finalizeInvoice)
	api.POST("/invoices/:id/send", s.sendInvoice)
	api.POST("/invoices/:id/void", s.voidInvoice)
	api.POST("/invoices/:id/payments", s.recordPayment)
	api.PUT("/invoices/:id/plan", s.putPlan)
	api.POST("/invoices/:id/payments/:paymentId/reverse", s.reversePayment)
	api.POST("/invoices/:id/credit-notes", s.issueCreditNote)
	api.GET("/invoices/:id/credit-notes/:cn/pdf", s.creditNotePDF)
	api.GET("/invoices/:id/credit-notes/:cn/einvoice", s.creditNoteEInvoice)
	api.POST("/invoices/:id/late-fees/waive", s.waiveLateFees)
	api.POST("/invoices/:id/uncollectible", s.invoiceChange(s.deps.Billing.WriteOff))
	api.POST("/invoices/:id/dispute", s.invoiceChange(s.deps.Billing.Dispute))
	api.DELETE("/invoices/:id/dispute", s.invoiceChange(s.deps.Billing.Undispute))
	api.GET("/invoices/:id/audit", s.invoiceAudit)
	api.GET("/invoices/:id/timeline", s.invoiceTimeline)
	s.customerPageRoutes(api)
	api.GET("/policy", s.getPolicy)
	api.PUT("/policy", s.putPolicy)
	api.POST("/policy/preview", s.previewPolicy)
	api.POST("/followups/run", s.runFollowups)
	api.GET("/reports/aging", s.aging)
	api.GET("/issues/:issueKey/billing", s.issueBilling)
	api.GET("/export", s.export)
}
