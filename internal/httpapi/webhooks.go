package httpapi

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/remit"
)

// webhook answers a verified Jira delivery fast: it only dedupes on
// X-Atlassian-Webhook-Identifier and enqueues a durable job in one
// transaction. The work happens in the job.
func (s *Server) webhook(c echo.Context) error {
	tenant := tenantOf(c)
	id := c.Request().Header.Get("X-Atlassian-Webhook-Identifier")
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	var env struct {
		WebhookEvent string `json:"webhookEvent"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.WebhookEvent == "" {
		s.metrics.webhooks.WithLabelValues("unknown", "rejected").Inc()
		return remit.Errorf(remit.Invalid, "webhook", "body must be a JSON webhook with webhookEvent")
	}
	if id == "" || len(id) > 256 {
		s.metrics.webhooks.WithLabelValues(eventLabel(env.WebhookEvent), "rejected").Inc()
		return remit.Errorf(remit.Invalid, "webhook", "X-Atlassian-Webhook-Identifier is required")
	}
	first, err := s.deps.Webhooks.Accept(c.Request().Context(), tenant.ClientKey, id, env.WebhookEvent, body)
	if err != nil {
		return err
	}
	outcome := "accepted"
	if !first {
		outcome = "duplicate"
	}
	s.metrics.webhooks.WithLabelValues(eventLabel(env.WebhookEvent), outcome).Inc()
	return c.NoContent(http.StatusNoContent)
}

// eventLabel bounds the metric label to the events Jira sends.
func eventLabel(e string) string {
	switch e {
	case "jira:issue_created", "jira:issue_updated", "jira:issue_deleted",
		"worklog_created", "worklog_updated", "worklog_deleted",
		"comment_created", "comment_updated", "comment_deleted":
		return e
	}
	return "other"
}
