package jobs_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/jobs"
	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/secretbox"
	"github.com/remitapp/remit/internal/store"
)

// env is one test's database with a store and an installed tenant.
type env struct {
	pool *pgxpool.Pool
	db   *store.DB
}

func newEnv(t *testing.T, tenants ...string) env {
	t.Helper()
	pool := pgtest.NewPool(t)
	box, err := secretbox.New(bytes.Repeat([]byte{1}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	db := store.New(pool, box, store.Options{})
	for _, k := range tenants {
		_, err := db.UpsertInstall(context.Background(), remit.Tenant{
			ClientKey: k, AppKey: "io.remit.jira", BaseURL: "https://" + k + ".atlassian.net", SharedSecret: "s-" + k,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return env{pool: pool, db: db}
}

// startClient starts a working client and stops it at cleanup.
func startClient(t *testing.T, pool *pgxpool.Pool, workers *river.Workers, cfg jobs.Config) *river.Client[pgx.Tx] {
	t.Helper()
	client, err := jobs.NewClient(pool, workers, cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := jobs.Stop(ctx, client); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return client
}

// waitEvent returns the first event for jobID, failing after a timeout.
func waitEvent(t *testing.T, events <-chan *river.Event, jobID int64) *river.Event {
	t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Job != nil && ev.Job.ID == jobID {
				return ev
			}
		case <-timeout:
			t.Fatalf("no event for job %d within 15s", jobID)
			return nil
		}
	}
}

func count(t *testing.T, pool *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
