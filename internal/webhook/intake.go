// Package webhook takes Jira's webhook deliveries in: it records each
// delivery identifier once and enqueues the durable job that processes it,
// in the same transaction, so a delivery is never lost and never applied
// twice however often Jira repeats it.
//
// Deliveries are committed in groups: concurrent requests are gathered
// into one transaction (one multi-row insert, one batch of jobs, one
// commit), which is what lets a burst cost the database a fraction of one
// transaction per delivery. Every request still gets its answer only after
// its delivery is committed. Under light load a group is a single delivery
// and nothing waits.
package webhook

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/jobs"
	"github.com/remitapp/remit/internal/store"
)

// Defaults for the group commit.
const (
	DefaultMaxBatch   = 128 // deliveries in one transaction at most
	DefaultCommitters = 4   // transactions in flight at once
	commitTimeout     = 10 * time.Second
)

// ErrClosed answers deliveries that arrive after Close.
var ErrClosed = errors.New("webhook intake is closed")

// Intake accepts verified deliveries. Close it after the HTTP server has
// drained, so that every accepted request is answered.
type Intake struct {
	DB         *store.DB
	Now        func() time.Time
	MaxBatch   int // 0 means DefaultMaxBatch
	Committers int // 0 means DefaultCommitters

	once  sync.Once
	queue chan *pending
	stop  chan struct{}
	wg    sync.WaitGroup
	mu    sync.RWMutex
	shut  bool

	received, committed, transactions atomic.Int64
}

// Stats reports how many deliveries were committed in how many
// transactions since start: their ratio is the group commit's gain.
func (in *Intake) Stats() (deliveries, transactions int64) {
	return in.committed.Load(), in.transactions.Load()
}

type pending struct {
	delivery store.WebhookDelivery
	done     chan outcome
}

type outcome struct {
	first bool
	err   error
}

// Received reports how many deliveries were taken in for committing since
// start, committed or not yet.
func (in *Intake) Received() int64 { return in.received.Load() }

// Accept records the delivery and enqueues its job. first is false when
// the identifier was seen before; nothing is enqueued then. It returns
// once the delivery is committed (or failed).
func (in *Intake) Accept(ctx context.Context, clientKey, identifier, event string, body []byte) (bool, error) {
	in.once.Do(in.start)
	p := &pending{
		delivery: store.WebhookDelivery{ClientKey: clientKey, Identifier: identifier, Event: event, Payload: body},
		done:     make(chan outcome, 1),
	}
	in.mu.RLock()
	if in.shut {
		in.mu.RUnlock()
		return false, ErrClosed
	}
	select {
	case in.queue <- p:
		in.mu.RUnlock()
		in.received.Add(1)
	case <-ctx.Done():
		in.mu.RUnlock()
		return false, ctx.Err()
	}
	// Once queued, the delivery will be committed or failed whatever
	// happens to the caller; wait for the outcome so the answer is true.
	o := <-p.done
	return o.first, o.err
}

// Close stops taking deliveries and waits for queued ones to commit.
func (in *Intake) Close() {
	in.once.Do(in.start)
	in.mu.Lock()
	if !in.shut {
		in.shut = true
		close(in.stop)
	}
	in.mu.Unlock()
	in.wg.Wait()
}

func (in *Intake) start() {
	in.queue = make(chan *pending, 4*in.maxBatch())
	in.stop = make(chan struct{})
	n := in.Committers
	if n <= 0 {
		n = DefaultCommitters
	}
	for range n {
		in.wg.Add(1)
		go in.commitLoop()
	}
}

func (in *Intake) maxBatch() int {
	if in.MaxBatch <= 0 {
		return DefaultMaxBatch
	}
	return in.MaxBatch
}

// commitLoop takes whatever deliveries are waiting, up to the batch size,
// and commits them together; it never waits for more to arrive.
func (in *Intake) commitLoop() {
	defer in.wg.Done()
	max := in.maxBatch()
	for {
		var first *pending
		select {
		case first = <-in.queue:
		case <-in.stop:
			// Drain what was queued before Close.
			for {
				select {
				case p := <-in.queue:
					in.commit([]*pending{p})
				default:
					return
				}
			}
		}
		batch := []*pending{first}
	gather:
		for len(batch) < max {
			select {
			case p := <-in.queue:
				batch = append(batch, p)
			default:
				break gather
			}
		}
		in.commit(batch)
	}
}

func (in *Intake) commit(batch []*pending) {
	first, err := in.commitTx(batch)
	if err != nil && len(batch) > 1 {
		// One delivery must not fail its neighbours (a tenant purged
		// meanwhile, say): commit them one by one instead.
		for _, p := range batch {
			in.commit([]*pending{p})
		}
		return
	}
	if err != nil {
		err = fmt.Errorf("webhook.Accept: %w", err)
	} else {
		in.committed.Add(int64(len(batch)))
		in.transactions.Add(1)
	}
	for i, p := range batch {
		o := outcome{err: err}
		if err == nil {
			o.first = first[i]
		}
		p.done <- o
	}
}

func (in *Intake) commitTx(batch []*pending) ([]bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	ds := make([]store.WebhookDelivery, len(batch))
	for i, p := range batch {
		ds[i] = p.delivery
	}
	var first []bool
	err := in.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if first, err = in.DB.RecordWebhookDeliveries(ctx, tx, in.Now(), ds); err != nil {
			return err
		}
		params := make([]river.InsertManyParams, 0, len(batch))
		for i, p := range batch {
			if first[i] {
				// The body stays in webhook_deliveries; the job reads it there.
				params = append(params, river.InsertManyParams{Args: jobs.WebhookArgs{
					ClientKey: p.delivery.ClientKey, Identifier: p.delivery.Identifier, Event: p.delivery.Event,
				}})
			}
		}
		if len(params) == 0 {
			return nil
		}
		_, err = tx.EnqueueManyFast(ctx, params)
		return err
	})
	return first, err
}
