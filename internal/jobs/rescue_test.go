package jobs_test

import (
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/jobs"
)

// A rescue horizon shorter than River's default job timeout is what crash
// tests use; River itself refuses it unless the job timeout follows.
func TestRescueStuckJobsAfter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	workers := river.NewWorkers()
	river.AddWorker(workers, jobs.NewWebhookWorker(nil))
	for _, tc := range []struct {
		after time.Duration
		ok    bool
	}{{0, true}, {30 * time.Second, true}, {2 * time.Hour, true}, {-time.Second, false}} {
		_, err := jobs.NewClient(e.pool, workers, jobs.Config{RescueStuckJobsAfter: tc.after})
		if (err == nil) != tc.ok {
			t.Errorf("RescueStuckJobsAfter %v: err = %v, want ok=%v", tc.after, err, tc.ok)
		}
	}
}
