package httpapi

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/remit"
)

// stripeRoutes mounts Stripe → Remit: card payment events, signed with
// the endpoint's secret (no Atlassian token). Off without card payments.
func (s *Server) stripeRoutes(e *echo.Echo) {
	if s.deps.Stripe == nil {
		return
	}
	e.POST("/webhooks/stripe", s.stripeWebhook, withDeadline(s.deps.WebhookTimeout))
}

// stripeWebhook hands the raw body, exactly as signed, to the payments
// use case and answers 200 once the payment is recorded (or known, or
// the event ignored). A signature that does not verify is a 400, which
// Stripe does not retry; a failure to record is a 5xx, which it does.
func (s *Server) stripeWebhook(c echo.Context) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	outcome, err := s.deps.Stripe.HandleWebhook(c.Request().Context(), body, c.Request().Header.Get("Stripe-Signature"))
	if err != nil {
		if remit.IsKind(err, remit.Invalid) {
			s.metrics.webhooks.WithLabelValues("stripe", "rejected").Inc()
		}
		return err
	}
	s.metrics.webhooks.WithLabelValues("stripe", string(outcome)).Inc()
	return c.NoContent(http.StatusOK)
}
