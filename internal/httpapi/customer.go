package httpapi

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/remitapp/remit/internal/customerportal"
	"github.com/remitapp/remit/internal/einvoice"
	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// The customer page (SPEC §15): server-rendered HTML for a customer with
// no Jira account, reached by the token in its address. No script runs
// on it; its one stylesheet is inline and allowed by its hash.

//go:embed customerpage/layout.html customerpage/style.css
var customerFiles embed.FS

var (
	customerTemplates = template.Must(template.ParseFS(customerFiles, "customerpage/layout.html"))
	customerCSS       = mustRead(customerFiles, "customerpage/style.css")
	customerCSP       = customerPagePolicy(customerCSS)
)

func mustRead(fs embed.FS, name string) string {
	b, err := fs.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// customerPagePolicy allows nothing but the page's own stylesheet (by its
// hash), forms posting to Remit or, after the pay form, to the payment
// provider's https page, and no framing, base or plugins.
func customerPagePolicy(css string) string {
	sum := sha256.Sum256([]byte(css))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"img-src 'self'; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'"
}

// Defaults of the customer page's limits: a person reading and acting on
// a page makes a few requests a minute; a script guessing tokens or
// hammering one page makes many more.
var (
	DefaultCustomerTokenLimit   = RateLimit{PerSecond: 0.5, Burst: 20}
	DefaultCustomerAddressLimit = RateLimit{PerSecond: 1, Burst: 60}
)

// customerEdge is the customer page's state: its two rate limits, shared
// by the replicas through the database (sharedlimit.go).
type customerEdge struct {
	limiter            *sharedLimiter
	byToken, byAddress *sharedLimit
	refused            prometheus.Counter
}

// customerRoutes registers /c/{token} and its actions.
func (s *Server) customerRoutes(e *echo.Echo) {
	if s.deps.Customers == nil {
		return
	}
	tok, addr := s.deps.CustomerTokenLimit, s.deps.CustomerAddressLimit
	if tok.PerSecond <= 0 || tok.Burst <= 0 {
		tok = DefaultCustomerTokenLimit
	}
	if addr.PerSecond <= 0 || addr.Burst <= 0 {
		addr = DefaultCustomerAddressLimit
	}
	ce := &customerEdge{
		limiter: &sharedLimiter{counts: s.deps.RateWindows, now: s.deps.Now, logger: s.deps.Logger, spent: map[string]time.Time{}},
		byToken: newSharedLimit("t:", tok, s.deps.Now), byAddress: newSharedLimit("a:", addr, s.deps.Now),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "remit_customer_page_rate_limited_total",
			Help: "Customer page requests refused with 429 (per token or per client address).",
		})}
	s.deps.Registry.MustRegister(ce.refused)
	g := e.Group("/c/:token", customerHeaders, withDeadline(s.deps.APITimeout), s.customerLimit(ce))
	g.GET("", s.customerPage)
	g.GET("/pdf", s.customerPDF)
	g.GET("/statement", s.customerStatement)
	g.GET("/einvoice/:format", s.customerEInvoice)
	g.POST("/pay", s.customerPay)
	g.POST("/promise", s.customerPromise)
	g.POST("/plan", s.customerPlan)
	g.POST("/dispute", s.customerDispute)
}

// customerHeaders are the page's security headers: its CSP, no referrer
// (the address is the credential), not indexed, not framed, not cached.
func customerHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", customerCSP)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Robots-Tag", "noindex, nofollow")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		return next(c)
	}
}

// customerLimit counts the request against the client address's limit
// and the page token's: a flood from one address, or at one page from
// many, is answered 429 with Retry-After before any other database work,
// and, once a limit is found spent, without any.
func (s *Server) customerLimit(ce *customerEdge) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ok, wait := ce.limiter.take(c.Request().Context(),
				limitHit{ce.byAddress, c.RealIP()}, limitHit{ce.byToken, tokenKey(c.Param("token"))})
			if ok {
				return next(c)
			}
			ce.refused.Inc()
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(max(wait, time.Second).Seconds()))))
			return s.customerMessage(c, http.StatusTooManyRequests, "Too many requests",
				"This page was asked for too often. Please wait a minute and try again.")
		}
	}
}

// tokenKey is a token's bucket key. A real token has 43 characters; a
// longer one opens nothing, and all such share one bucket, so that the
// buckets held stay small whatever a client sends.
func tokenKey(token string) string {
	if len(token) > 64 {
		return "(too long)"
	}
	return token
}

// pageData is what the layout's templates see.
type pageData struct {
	Title, Contact, SellerName string
	CSS                        template.CSS // the stylesheet, verbatim: the CSP allows it by its hash
	Heading, Text              string       // the message page
	Base                       string       // /c/{token} under Remit's base path
	Page                       customerportal.Page
	Statement                  customerportal.Statement
	Flash, Error               string
	Form, FormError            string // the form whose input was refused, and why
	PlanRows                   []int
}

// customerBase is the page's path under Remit's base path.
func (s *Server) customerBase(token string) string {
	base := ""
	if s.deps.BaseURL != nil {
		base = strings.TrimRight(s.deps.BaseURL.Path, "/")
	}
	return base + "/c/" + token
}

// render writes the named template with status.
func (s *Server) render(c echo.Context, status int, name string, d pageData) error {
	d.CSS = template.CSS(customerCSS) //nolint:gosec // Remit's own embedded stylesheet, no input in it
	var b bytes.Buffer
	if err := customerTemplates.ExecuteTemplate(&b, name, d); err != nil {
		return err
	}
	return c.HTMLBlob(status, b.Bytes())
}

// customerMessage answers a page of one message: a wrong token, a revoked
// link, a limit.
func (s *Server) customerMessage(c echo.Context, status int, heading, text string) error {
	return s.render(c, status, "message", pageData{Title: heading, Heading: heading, Text: text})
}

// notFoundText is the one answer to every token that opens nothing, so
// that no answer tells a guessed token from an altered or expired one.
const notFoundText = "There is no invoice at this address. Please check that the link is complete, or ask the sender for a new one."

// customerError answers the error of a customer page request as a page;
// internal errors are logged, never shown.
func (s *Server) customerError(c echo.Context, err error) error {
	switch {
	case errors.Is(err, customerportal.ErrRevoked):
		return s.customerMessage(c, http.StatusGone, "This link was revoked",
			"The sender revoked this link to the invoice. If you still need it, please ask them for a new one.")
	case remit.IsKind(err, remit.NotFound):
		return s.customerMessage(c, http.StatusNotFound, "Page not found", notFoundText)
	}
	if s.deps.Logger != nil {
		s.deps.Logger.ErrorContext(c.Request().Context(), "customer page failed",
			slog.String("request_id", requestID(c)), slog.String("route", c.Path()), slog.String("error", err.Error()))
	}
	return s.customerMessage(c, http.StatusInternalServerError, "Something went wrong",
		"The page could not be shown just now. Please try again in a few minutes.")
}

// customerAccess resolves the request's token.
func (s *Server) customerAccess(c echo.Context) (customerportal.Access, error) {
	return s.deps.Customers.Resolve(c.Request().Context(), c.Param("token"))
}

// flashes are the fixed messages a redirect after an action asks for; the
// query names one, never carries text.
var flashes = map[string]string{
	"promise":   "Thank you: your promise to pay is recorded, and reminders are paused until that date.",
	"plan":      "Thank you: your payment plan request was sent. You will hear back by e-mail.",
	"dispute":   "Thank you: your dispute was sent. Reminders are paused while it is looked at.",
	"paid":      "Thank you for your payment. It may take a few minutes to show here.",
	"cancelled": "The card payment was cancelled; nothing was charged.",
}

func (s *Server) customerPage(c echo.Context) error {
	acc, err := s.customerAccess(c)
	if err != nil {
		return s.customerError(c, err)
	}
	d := pageData{}
	for k, v := range flashes {
		if c.QueryParams().Has(k) || c.QueryParam("done") == k {
			d.Flash = v
		}
	}
	return s.showPage(c, acc, http.StatusOK, d)
}

// showPage renders the invoice's page with d's messages.
func (s *Server) showPage(c echo.Context, acc customerportal.Access, status int, d pageData) error {
	p, err := s.deps.Customers.Page(c.Request().Context(), acc)
	if err != nil {
		return s.customerError(c, err)
	}
	d.Page, d.Base = p, s.customerBase(c.Param("token"))
	d.Title = "Invoice " + p.Number + " from " + p.Seller.Name
	d.Contact, d.SellerName = p.SellerContact, p.Seller.Name
	d.PlanRows = []int{1, 2, 3, 4}
	return s.render(c, status, "page", d)
}

func (s *Server) customerPDF(c echo.Context) error {
	acc, err := s.customerAccess(c)
	if err != nil {
		return s.customerError(c, err)
	}
	pdf, name, err := s.deps.Customers.PDF(c.Request().Context(), acc)
	if err != nil {
		return s.customerError(c, err)
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

func (s *Server) customerEInvoice(c echo.Context) error {
	acc, err := s.customerAccess(c)
	if err != nil {
		return s.customerError(c, err)
	}
	xml, name, err := s.deps.Customers.EInvoice(c.Request().Context(), acc, c.Param("format"))
	if remit.IsKind(err, remit.Unprocessable) {
		return s.customerMessage(c, http.StatusUnprocessableEntity, "The e-invoice cannot be made",
			"This invoice lacks what the e-invoice format needs: "+messageOf(err)+". Please use the PDF, or ask the sender.")
	}
	if err != nil {
		return s.customerError(c, err)
	}
	contentType := "application/xml"
	if f, ok := einvoice.ParseFormat(c.Param("format")); ok {
		contentType = f.ContentType()
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, contentType, xml)
}

func (s *Server) customerStatement(c echo.Context) error {
	acc, err := s.customerAccess(c)
	if err != nil {
		return s.customerError(c, err)
	}
	st, err := s.deps.Customers.Statement(c.Request().Context(), acc, c.Param("token"))
	if err != nil {
		return s.customerError(c, err)
	}
	return s.render(c, http.StatusOK, "statement", pageData{Title: "Open invoices of " + st.Buyer, Statement: st,
		Contact: st.Seller.Email, SellerName: st.Seller.Name})
}

func (s *Server) customerPay(c echo.Context) error {
	acc, err := s.customerAccess(c)
	if err != nil {
		return s.customerError(c, err)
	}
	url, err := s.deps.Customers.Pay(c.Request().Context(), acc, c.Param("token"))
	if remit.IsKind(err, remit.Conflict) {
		return s.showPage(c, acc, http.StatusConflict, pageData{Error: messageOf(err)})
	}
	if err != nil {
		return s.customerError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, url)
}

// customerAction runs a form's action and answers 303 to the page with
// its thank-you, or the page again with the refusal at the form.
func (s *Server) customerAction(c echo.Context, form string, run func(acc customerportal.Access) error) error {
	acc, err := s.customerAccess(c)
	if err != nil {
		return s.customerError(c, err)
	}
	err = run(acc)
	switch {
	case err == nil:
		return c.Redirect(http.StatusSeeOther, s.customerBase(c.Param("token"))+"?done="+form)
	case remit.IsKind(err, remit.Unprocessable) || remit.IsKind(err, remit.Invalid):
		return s.showPage(c, acc, http.StatusUnprocessableEntity, pageData{Form: form, FormError: messageOf(err)})
	case remit.IsKind(err, remit.Conflict):
		return s.showPage(c, acc, http.StatusConflict, pageData{Error: messageOf(err)})
	}
	return s.customerError(c, err)
}

// messageOf is a domain error's caller-safe text, with its field messages.
func messageOf(err error) string {
	var e *remit.Error
	if !errors.As(err, &e) {
		return "The request could not be completed."
	}
	msg := e.Msg
	for field, m := range e.Fields {
		msg += ": " + field + " " + m
	}
	return msg
}

func (s *Server) customerPromise(c echo.Context) error {
	return s.customerAction(c, "promise", func(acc customerportal.Access) error {
		on, err := invoice.ParseDate(strings.TrimSpace(c.FormValue("date")))
		if err != nil {
			return remit.FieldErrors(remit.Unprocessable, "promise", "the date is not a date", map[string]string{"date": "must be a date such as 2026-05-31"})
		}
		return s.deps.Customers.Promise(c.Request().Context(), acc, on)
	})
}

func (s *Server) customerPlan(c echo.Context) error {
	return s.customerAction(c, "plan", func(acc customerportal.Access) error {
		form, err := c.FormParams()
		if err != nil {
			return remit.Errorf(remit.Invalid, "plan", "the form could not be read")
		}
		dates, amounts := form["date"], form["amount"]
		var ins []invoice.InstallmentInput
		for i := range min(len(dates), len(amounts), 12) {
			d, a := strings.TrimSpace(dates[i]), strings.TrimSpace(amounts[i])
			if d == "" && a == "" {
				continue
			}
			on, err := invoice.ParseDate(d)
			if err != nil && d != "" {
				return remit.FieldErrors(remit.Unprocessable, "plan", "a date is not a date", map[string]string{"date": "must be a date such as 2026-05-31"})
			}
			ins = append(ins, invoice.InstallmentInput{DueDate: on, Amount: a})
		}
		return s.deps.Customers.RequestPlan(c.Request().Context(), acc, ins, c.FormValue("note"))
	})
}

func (s *Server) customerDispute(c echo.Context) error {
	return s.customerAction(c, "dispute", func(acc customerportal.Access) error {
		return s.deps.Customers.Dispute(c.Request().Context(), acc, c.FormValue("reason"))
	})
}
