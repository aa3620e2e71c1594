package jirasim

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/remitapp/remit/internal/connect"
)

// delivery is one webhook event for one app, with everything needed to
// sign and send it captured when it was queued.
type delivery struct {
	site       *Site
	appKey     string
	event      string
	url        string
	basePath   string
	secret     string
	clientKey  string
	body       []byte
	identifier string
	retry      int
	attempted  chan struct{} // closed after the first attempt, for ordered release
}

// WebhookDelivery is one delivery attempt as logged by the simulator.
type WebhookDelivery struct {
	Site       string    `json:"site"`
	AppKey     string    `json:"appKey"`
	Event      string    `json:"event"`
	URL        string    `json:"url"`
	Identifier string    `json:"identifier"`
	Retry      int       `json:"retry"`
	Status     int       `json:"status"`
	Error      string    `json:"error,omitempty"`
	At         time.Time `json:"at"`
	Body       []byte    `json:"body"`
}

// webhookQueue is a bounded queue with worker goroutines. pending counts
// deliveries not yet finished (queued, in flight, waiting to retry,
// delayed or held), which is what Flush waits for.
type webhookQueue struct {
	sim      *Sim
	ch       chan *delivery
	done     chan struct{}
	once     sync.Once
	attempts int
	backoff  time.Duration

	mu      sync.Mutex
	pending int
	held    []*delivery
	faults  []*WebhookFault
	log     []WebhookDelivery
}

func newWebhookQueue(s *Sim, opts Options) *webhookQueue {
	workers := opts.WebhookWorkers
	if workers <= 0 {
		workers = 4
	}
	size := opts.WebhookQueue
	if size <= 0 {
		size = 4096
	}
	q := &webhookQueue{sim: s, ch: make(chan *delivery, size), done: make(chan struct{}),
		attempts: opts.WebhookAttempts, backoff: opts.WebhookBackoff}
	if q.attempts <= 0 {
		q.attempts = 5
	}
	if q.backoff <= 0 {
		q.backoff = 20 * time.Millisecond
	}
	for range workers {
		go q.work()
	}
	return q
}

func (q *webhookQueue) close() { q.once.Do(func() { close(q.done) }) }

// enqueue applies webhook faults (duplicate, reorder, delay) and queues
// the resulting sends.
func (q *webhookQueue) enqueue(d *delivery) {
	q.mu.Lock()
	f := q.matchFault(d)
	q.pending++
	if f == nil {
		q.mu.Unlock()
		q.push(d)
		return
	}
	switch f.Kind {
	case WebhookDuplicate:
		copies := max(f.Copies, 1)
		q.pending += copies
		q.mu.Unlock()
		for range copies + 1 {
			dup := *d
			q.push(&dup)
		}
	case WebhookReorder:
		q.held = append(q.held, d)
		var release []*delivery
		if len(q.held) >= max(f.Batch, 2) {
			release, q.held = q.held, nil
		}
		q.mu.Unlock()
		q.releaseReversed(release)
	case WebhookDelay:
		q.mu.Unlock()
		time.AfterFunc(f.Delay, func() { q.push(d) })
	default:
		q.mu.Unlock()
		q.push(d)
	}
}

// releaseReversed sends held deliveries newest first, each after the
// previous one's first attempt, so the app really sees them reordered.
func (q *webhookQueue) releaseReversed(held []*delivery) {
	if len(held) == 0 {
		return
	}
	go func() {
		for i := len(held) - 1; i >= 0; i-- {
			d := held[i]
			d.attempted = make(chan struct{})
			q.push(d)
			select {
			case <-d.attempted:
			case <-q.done:
				return
			}
		}
	}()
}

func (q *webhookQueue) push(d *delivery) {
	select {
	case q.ch <- d:
	case <-q.done:
	}
}

func (q *webhookQueue) work() {
	for {
		select {
		case <-q.done:
			return
		case d := <-q.ch:
			q.deliver(d)
		}
	}
}

// retryable is Jira's retry policy: 408, 409, 425, 429, 5xx and
// connection failures.
func retryable(status int) bool {
	return status == 0 || status == 408 || status == 409 || status == 425 || status == 429 || status >= 500
}

func (q *webhookQueue) deliver(d *delivery) {
	status, err := q.send(d)
	rec := WebhookDelivery{Site: d.site.name, AppKey: d.appKey, Event: d.event, URL: d.url,
		Identifier: d.identifier, Retry: d.retry, Status: status, At: q.sim.now(), Body: d.body}
	if err != nil {
		rec.Error = err.Error()
	}
	q.mu.Lock()
	q.log = append(q.log, rec)
	q.mu.Unlock()
	if d.attempted != nil {
		close(d.attempted)
	}
	if retryable(status) && d.retry+1 < q.attempts {
		next := *d
		next.retry++
		next.attempted = nil
		time.AfterFunc(q.backoff<<d.retry, func() { q.push(&next) })
		return
	}
	q.mu.Lock()
	q.pending--
	q.mu.Unlock()
}

func (q *webhookQueue) send(d *delivery) (int, error) {
	u, err := url.Parse(d.url)
	if err != nil {
		return -1, err
	}
	tok, err := connect.SignRequest(d.secret, d.clientKey, "", http.MethodPost, u, d.basePath, q.sim.now(), 3*time.Minute)
	if err != nil {
		return -1, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return -1, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Atlassian Webhook HTTP Client")
	req.Header.Set("Authorization", "JWT "+tok)
	req.Header.Set("X-Atlassian-Webhook-Identifier", d.identifier)
	req.Header.Set("X-Atlassian-Webhook-Flow", "Primary")
	if d.retry > 0 {
		req.Header.Set("X-Atlassian-Webhook-Retry", strconv.Itoa(d.retry))
	}
	resp, err := q.sim.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// flush releases held deliveries (in reverse, as a reorder would) and
// waits until nothing is pending.
func (q *webhookQueue) flush(ctx context.Context) error {
	q.mu.Lock()
	release := q.held
	q.held = nil
	q.mu.Unlock()
	q.releaseReversed(release)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		q.mu.Lock()
		n := q.pending
		q.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Webhooks returns the site's delivery log, one entry per attempt.
func (st *Site) Webhooks() []WebhookDelivery {
	q := st.sim.hooks
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []WebhookDelivery
	for _, d := range q.log {
		if d.Site == st.name {
			out = append(out, d)
		}
	}
	return out
}
