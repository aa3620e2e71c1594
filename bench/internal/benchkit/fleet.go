package benchkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/jirasim"
)

// FleetConfig describes a follow-up crash test: Replicas `remit serve`
// processes of Bin on the database DBURL, the Jira simulator in-process,
// and a MailRecorder for REMIT_SMTP_URL.
type FleetConfig struct {
	Bin, Dir, DBURL string
	Replicas        int
	Workers         int           // REMIT_WORKERS of each replica
	RescueAfter     time.Duration // REMIT_RESCUE_STUCK_AFTER
	SMTPLostReply   float64       // share of accepted e-mails whose reply is lost
	Seed            uint64
	// Policy is the follow-up policy every site saves (zero: MarkedPolicy).
	Policy followup.Policy
	Logger *slog.Logger
}

// Fleet is Remit's replicas with the simulator and the mail recorder
// they talk to, and the sites installed for a test.
type Fleet struct {
	Sim      *jirasim.Sim
	Mail     *MailRecorder
	Replicas []*Replica
	Pool     *pgxpool.Pool // for drain detection and ageing invoices, never for counting
	Sites    []*FleetSite
	Policy   followup.Policy // what every site saves
	simSrv   *httptest.Server
	http     *http.Client
	log      *slog.Logger
}

// fleetAdmin is the site administrator every API call acts as.
const fleetAdmin = "557058:chase-admin"

// StartFleet starts the simulator, the mail recorder and the replicas
// (the first alone, so it runs the migrations).
func StartFleet(ctx context.Context, cfg FleetConfig) (*Fleet, error) {
	f := &Fleet{log: cfg.Logger, http: &http.Client{Timeout: 2 * time.Minute}, Policy: cfg.Policy}
	if len(f.Policy.Steps) == 0 {
		f.Policy = MarkedPolicy()
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	f.Sim = jirasim.New(jirasim.Options{Seed: cfg.Seed, RateLimit: 100_000_000})
	f.simSrv = httptest.NewServer(f.Sim.Handler())
	f.Sim.SetURL(f.simSrv.URL)
	var err error
	if f.Mail, err = StartMailRecorder(cfg.SMTPLostReply, cfg.Seed); err != nil {
		f.Close()
		return nil, err
	}
	if f.Pool, err = pgxpool.New(ctx, cfg.DBURL); err != nil {
		f.Close()
		return nil, err
	}
	key := EncryptionKey()
	for i := range cfg.Replicas {
		env := []string{"DATABASE_URL=" + cfg.DBURL, "REMIT_ENCRYPTION_KEY=" + key,
			"REMIT_CONNECT_KEYS_URL=" + f.simSrv.URL + "/connect-install-keys", "REMIT_JIRA_HOSTS=" + f.simSrv.URL,
			"REMIT_SMTP_URL=" + f.Mail.URL(), "REMIT_MAIL_FROM=Remit Billing <billing@remit.example>",
			"REMIT_WORKERS=" + strconv.Itoa(cfg.Workers)}
		if cfg.RescueAfter > 0 {
			env = append(env, "REMIT_RESCUE_STUCK_AFTER="+cfg.RescueAfter.String())
		}
		r, err := NewReplica(cfg.Bin, cfg.Dir, fmt.Sprintf("remit-%d", i+1), env)
		if err != nil {
			f.Close()
			return nil, err
		}
		f.Replicas = append(f.Replicas, r)
	}
	if err := f.Replicas[0].Start(ctx); err != nil {
		f.Close()
		return nil, err
	}
	var g errgroup.Group
	for _, r := range f.Replicas[1:] {
		g.Go(func() error { return r.Start(ctx) })
	}
	if err := g.Wait(); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Close stops everything the fleet started.
func (f *Fleet) Close() {
	for _, r := range f.Replicas {
		r.Stop()
	}
	if f.Pool != nil {
		f.Pool.Close()
	}
	if f.Mail != nil {
		f.Mail.Close()
	}
	if f.simSrv != nil {
		f.simSrv.Close()
		f.Sim.Close()
	}
}

// apiError is a non-2xx answer of Remit's API.
type apiError struct {
	status int
	body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("status %d: %s", e.status, e.body) }

// API calls /api/v1 on replica r as the site's administrator; 429 answers
// (the per-tenant API rate limit) are retried. A 2xx answer is decoded
// into out.
func (f *Fleet) API(ctx context.Context, r *Replica, s *FleetSite, method, path string, body, out any) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		tok, err := connect.SignContext(s.Inst.SharedSecret, s.Inst.ClientKey, fleetAdmin, time.Now(), 5*time.Minute)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, method, r.Base+"/api/v1"+path, bytes.NewReader(raw))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "JWT "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := f.http.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusTooManyRequests && attempt < 100:
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(200 * time.Millisecond):
			}
			continue
		case resp.StatusCode/100 != 2:
			return fmt.Errorf("%s %s on %s: %w", method, path, r.Name, &apiError{resp.StatusCode, string(b)})
		case out != nil:
			return json.Unmarshal(b, out)
		}
		return nil
	}
}

// SweepAll asks every running replica to run every site's follow-ups
// at asOf at the same moment, as several administrators (or the
// scheduler and an administrator) might. It returns how many requests
// were answered 200 and the errors of the others (a replica killed
// mid-sweep drops its requests).
func (f *Fleet) SweepAll(ctx context.Context, asOf time.Time) (ok int, errs []error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, r := range f.Replicas {
		for _, s := range f.Sites {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := f.API(ctx, r, s, http.MethodPost, "/followups/run", map[string]string{"asOf": asOf.Format(time.RFC3339)}, nil)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				} else {
					ok++
				}
			}()
		}
	}
	wg.Wait()
	return ok, errs
}

// Pending counts the follow-up work not finished yet: events still
// queued, and action, sweep and Jira sync jobs not yet final (except
// sweeps stranded by a kill). Both zero means the fleet has drained.
func (f *Fleet) Pending(ctx context.Context) (events, jobs int, err error) {
	if err = f.Pool.QueryRow(ctx, `SELECT count(*) FROM followup_events WHERE status = 'queued'`).Scan(&events); err != nil {
		return
	}
	// A sweep job running for minutes belongs to a killed replica: River
	// rescues it only after the sweep's 30-minute timeout, and by then its
	// instant has been swept by others, so it would add nothing.
	err = f.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind IN ('followup_action', 'followup_sweep', 'invoice_jira_sync')
		AND state NOT IN ('completed', 'cancelled', 'discarded')
		AND NOT (kind = 'followup_sweep' AND state = 'running' AND attempted_at < now() - interval '2 minutes')`).Scan(&jobs)
	return
}

// Drain waits until Pending is zero twice in a row, reporting progress
// every report through f's logger.
func (f *Fleet) Drain(ctx context.Context, within, report time.Duration) error {
	deadline, last := time.Now().Add(within), time.Now()
	zero := 0
	for {
		ev, jobs, err := f.Pending(ctx)
		if err != nil {
			f.log.Warn("drain: database unreachable", slog.String("error", err.Error()))
		} else if ev == 0 && jobs == 0 {
			if zero++; zero == 2 {
				return nil
			}
		} else {
			zero = 0
		}
		if time.Since(last) >= report {
			f.log.Info("draining", slog.Int("queued_events", ev), slog.Int("pending_jobs", jobs), slog.Int("mails", len(f.Mail.Messages())))
			last = time.Now()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not drained after %v: %d events queued, %d jobs pending", within, ev, jobs)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
