package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/jira"
	"github.com/remitapp/remit/internal/remit"
)

// WebhookArgs is one accepted Jira webhook delivery, enqueued by the
// webhook endpoint in the transaction that records the delivery. The
// webhook_deliveries primary key is what makes it once per (tenant,
// identifier): a job is inserted only for a delivery's first arrival, in
// the same transaction. (River's own unique jobs would check the same
// thing again at about a third of the database cost of a delivery.)
type WebhookArgs struct {
	ClientKey  string          `json:"client_key"`
	Identifier string          `json:"identifier"`        // X-Atlassian-Webhook-Identifier
	Event      string          `json:"event"`             // webhookEvent; read from Payload when empty
	Payload    json.RawMessage `json:"payload,omitempty"` // empty: read from the deliveries table (PayloadSource)
}

// PayloadSource gives the body of a recorded delivery. The webhook intake
// keeps bodies out of job args (River indexes args), so the worker loads
// them here before calling a handler.
type PayloadSource interface {
	WebhookPayload(ctx context.Context, clientKey, identifier string) ([]byte, error)
}

// Kind names the job in river_job; changing it orphans queued jobs.
func (WebhookArgs) Kind() string { return "webhook" }

// WebhookHandler processes one event type. Returning a remit.Invalid or
// remit.Unprocessable error cancels the job (retrying cannot help); any
// other error retries it with backoff.
type WebhookHandler func(ctx context.Context, a WebhookArgs) error

// WebhookWorker dispatches webhook jobs to handlers by event name. Events
// nobody handles are logged and completed: Jira may send event types Remit
// did not subscribe to, and those are not failures.
type WebhookWorker struct {
	river.WorkerDefaults[WebhookArgs]

	logger   *slog.Logger
	mu       sync.RWMutex
	handlers map[string]WebhookHandler
	payloads PayloadSource
	done     func(WebhookArgs)
}

// OnProcessed registers fn to be called, with the body loaded, after a
// handler applied a delivery (metrics of webhook lag use it).
func (w *WebhookWorker) OnProcessed(fn func(WebhookArgs)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = fn
}

// NewWebhookWorker returns a worker with no handlers; register them with
// Handle before the client starts.
func NewWebhookWorker(logger *slog.Logger) *WebhookWorker {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &WebhookWorker{logger: logger, handlers: map[string]WebhookHandler{}}
}

// Handle registers h for event (e.g. "jira:issue_updated"), replacing any
// earlier handler for it.
func (w *WebhookWorker) Handle(event string, h WebhookHandler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[event] = h
}

// LoadPayloadsFrom makes the worker read bodies the args do not carry
// from src. Call it before the client starts.
func (w *WebhookWorker) LoadPayloadsFrom(src PayloadSource) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.payloads = src
}

// Work runs the handler for the job's event.
func (w *WebhookWorker) Work(ctx context.Context, job *river.Job[WebhookArgs]) error {
	a := job.Args
	w.mu.RLock()
	src := w.payloads
	w.mu.RUnlock()
	if len(a.Payload) == 0 && src != nil {
		body, err := src.WebhookPayload(ctx, a.ClientKey, a.Identifier)
		if remit.IsKind(err, remit.NotFound) {
			// Pruned after the retention: the delivery is too old to matter.
			w.logger.WarnContext(ctx, "webhook body no longer kept; skipped", slog.String("client_key", a.ClientKey), slog.String("webhook_id", a.Identifier))
			return river.JobCancel(err)
		}
		if err != nil {
			return err
		}
		a.Payload = body
	}
	event, err := eventName(a)
	if err != nil {
		// A payload that is not JSON will not become JSON on retry.
		return river.JobCancel(fmt.Errorf("webhook %s: %w", a.Identifier, err))
	}
	a.Event = event
	w.mu.RLock()
	h, ok := w.handlers[event]
	w.mu.RUnlock()
	attrs := []any{slog.String("client_key", a.ClientKey), slog.String("event", event),
		slog.String("webhook_id", a.Identifier), slog.Int64("job_id", job.ID)}
	if !ok {
		w.logger.InfoContext(ctx, "webhook event has no handler; recorded and skipped", attrs...)
		return nil
	}
	if err := h(ctx, a); err != nil {
		err = fmt.Errorf("webhook %s %s: %w", event, a.Identifier, err)
		if remit.IsKind(err, remit.Invalid) || remit.IsKind(err, remit.Unprocessable) {
			w.logger.WarnContext(ctx, "webhook rejected; not retrying", append(attrs, slog.Any("error", err))...)
			return river.JobCancel(err)
		}
		return err
	}
	w.mu.RLock()
	done := w.done
	w.mu.RUnlock()
	if done != nil {
		done(a)
	}
	return nil
}

// eventName returns a.Event, or the payload's webhookEvent when the
// enqueuer left Event empty.
func eventName(a WebhookArgs) (string, error) {
	if a.Event != "" {
		return a.Event, nil
	}
	if len(a.Payload) == 0 {
		return "", nil
	}
	name, err := jira.WebhookEventName(a.Payload)
	if err != nil {
		return "", fmt.Errorf("decode payload: %w", err)
	}
	return name, nil
}
