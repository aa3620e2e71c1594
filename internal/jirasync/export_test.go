package jirasync

import (
	"context"
	"log/slog"
	"time"
)

// HoldLease exposes holdLease to the lease test.
func (w *Worker) HoldLease(ctx context.Context, a SyncArgs, lease time.Time) (context.Context, func()) {
	return w.holdLease(ctx, slog.New(slog.DiscardHandler), a, lease)
}

var ErrLeaseLost = errLeaseLost
