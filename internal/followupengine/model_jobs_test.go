package followupengine_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/jirasync"
)

// modelJob is one queued job row as the model's worker loop sees it.
type modelJob struct {
	id          int64
	kind        string
	args        []byte
	attempt     int
	maxAttempts int
}

// queuedJobs are the action and sync jobs River would work now:
// available, retryable or scheduled (the model's clock does not wait for
// backoff or snoozes; it only moves forward between steps).
func (m *model) queuedJobs(t *testing.T) []modelJob {
	t.Helper()
	rows, err := m.b.pool.Query(m.b.ctx, `SELECT id, kind, args, attempt, max_attempts FROM river_job
		WHERE kind IN ($1, $2) AND state IN ('available', 'retryable', 'scheduled') ORDER BY id`,
		followupengine.ActionArgs{}.Kind(), jirasync.SyncArgs{}.Kind())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []modelJob
	for rows.Next() {
		var j modelJob
		if err := rows.Scan(&j.id, &j.kind, &j.args, &j.attempt, &j.maxAttempts); err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// setJob stores a job's state after an attempt, as River would. A
// completed job is deleted at once (River's cleaner does it a day later),
// which keeps a long run's queue reads fast.
func (m *model) setJob(t *testing.T, id int64, state string, attempt int) {
	t.Helper()
	if state == "completed" {
		if _, err := m.b.pool.Exec(m.b.ctx, `DELETE FROM river_job WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		return
	}
	if _, err := m.b.pool.Exec(m.b.ctx, `UPDATE river_job SET state = $2::river_job_state, attempt = $3,
		finalized_at = CASE WHEN $2::text IN ('completed', 'discarded') THEN now() END WHERE id = $1`, id, state, attempt); err != nil {
		t.Fatal(err)
	}
}

// work runs one attempt of a job and records its result the way River
// does: completed, snoozed (no attempt used), retryable, or discarded
// once the attempts are used up. With crash, the attempt dies before the
// worker can record anything (a killed process): on the final try the
// job is discarded with its event still queued. It reports whether
// the job was worked to an end (anything but a snooze).
func (m *model) work(t *testing.T, j modelJob, crash bool) bool {
	t.Helper()
	attempt := j.attempt + 1
	row := &rivertype.JobRow{ID: j.id, Attempt: attempt, MaxAttempts: j.maxAttempts, Kind: j.kind, EncodedArgs: j.args}
	if crash {
		// The process died during the attempt before anything was
		// recorded; River rescues the job and retries it, or discards it
		// when that was its last attempt.
		m.stats.crashes++
		state := "retryable"
		if attempt >= j.maxAttempts {
			state = "discarded"
		}
		m.setJob(t, j.id, state, attempt)
		return true
	}
	var err error
	switch j.kind {
	case followupengine.ActionArgs{}.Kind():
		var a followupengine.ActionArgs
		if err := json.Unmarshal(j.args, &a); err != nil {
			t.Fatal(err)
		}
		err = m.b.actions.Work(m.b.ctx, &river.Job[followupengine.ActionArgs]{JobRow: row, Args: a})
	default:
		var a jirasync.SyncArgs
		if err := json.Unmarshal(j.args, &a); err != nil {
			t.Fatal(err)
		}
		err = m.b.sync.Work(m.b.ctx, &river.Job[jirasync.SyncArgs]{JobRow: row, Args: a})
	}
	var snooze *river.JobSnoozeError
	switch {
	case err == nil:
		m.setJob(t, j.id, "completed", attempt)
	case errors.As(err, &snooze):
		m.setJob(t, j.id, "scheduled", j.attempt)
		return false
	case attempt >= j.maxAttempts:
		m.stats.discarded++
		m.setJob(t, j.id, "discarded", attempt)
	default:
		m.stats.retries++
		m.setJob(t, j.id, "retryable", attempt)
	}
	return true
}

// drain works the queued jobs until none is left but those waiting on a
// dispute or the licence, sweeping again at the same instant after each round so that
// discarded jobs' events are recorded failed (as the next sweep does).
// Faults injected so far keep acting: each is used up by the call it
// hits, so a job that keeps failing is discarded after its attempts.
func (m *model) drain(t *testing.T) {
	t.Helper()
	for round := 0; ; round++ {
		if round == 200 {
			t.Fatalf("%s: jobs never quiesce: %+v", m, m.queuedJobs(t))
		}
		for _, j := range m.queuedJobs(t) {
			m.work(t, j, m.rng.IntN(100) < m.crashPct)
		}
		if _, err := m.b.engine.Sweep(m.b.ctx, m.b.tenant, m.b.clock.Now()); err != nil {
			t.Fatalf("%s: sweep: %v", m, err)
		}
		if m.waiting(t) == "" {
			m.checkFees(t)
			return
		}
	}
}

// waiting describes the queued jobs other than follow-up actions waiting
// on a disputed invoice or an unlicensed tenant ("" when none).
func (m *model) waiting(t *testing.T) string {
	t.Helper()
	var n int
	err := m.b.pool.QueryRow(m.b.ctx, `SELECT count(*) FROM river_job j
		WHERE j.kind IN ($1, $2) AND j.state IN ('available', 'retryable', 'scheduled')
		  AND NOT (j.kind = $1 AND ($3 OR EXISTS (SELECT 1 FROM invoices i WHERE i.id = (j.args->>'invoiceId')::bigint AND i.disputed)))`,
		followupengine.ActionArgs{}.Kind(), jirasync.SyncArgs{}.Kind(), m.unlicensed(t)).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d jobs", n)
}
