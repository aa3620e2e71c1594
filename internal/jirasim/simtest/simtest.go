// Package simtest gives tests a Jira simulator with one site and Remit's
// real descriptor installed by a stand-in app, so adapter tests (the Jira
// client, jobs) can call a faithful Jira without starting Remit itself.
package simtest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/jirasim"
	"github.com/remitapp/remit/internal/remit"
)

// AppKey is the key the stand-in app installs under.
const AppKey = "io.remit.jira"

// Env is a running simulator with the app installed into site "acme".
type Env struct {
	Sim    *jirasim.Sim
	Site   *jirasim.Site
	Inst   jirasim.Installation
	Tenant remit.Tenant // as Remit would store it after the install

	mu       sync.Mutex
	webhooks [][]byte
}

// Options shape the environment.
type Options struct {
	Now  func() time.Time
	Seed jirasim.SeedData // loaded into the site before the install
}

// Start brings up the simulator and installs the stand-in app.
func Start(t testing.TB, opts Options) *Env {
	t.Helper()
	e := &Env{}
	e.Sim = jirasim.New(jirasim.Options{Now: opts.Now, WebhookBackoff: time.Millisecond, Seed: 1})
	t.Cleanup(e.Sim.Close)
	simSrv := httptest.NewServer(e.Sim.Handler())
	t.Cleanup(simSrv.Close)
	e.Sim.SetURL(simSrv.URL)
	e.Site = e.Sim.AddSite("acme")
	if _, err := e.Site.Seed(opts.Seed); err != nil {
		t.Fatal(err)
	}

	var appURL string
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/atlassian-connect.json":
			d, err := connect.RenderDescriptor(connect.DescriptorTemplate, AppKey, appURL)
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(d)
		case r.Method == http.MethodPost && r.URL.Path == "/webhooks/jira":
			b, _ := io.ReadAll(r.Body)
			e.mu.Lock()
			e.webhooks = append(e.webhooks, b)
			e.mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		default: // lifecycle callbacks
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	t.Cleanup(app.Close)
	appURL = app.URL
	inst, err := e.Site.InstallApp(context.Background(), appURL)
	if err != nil {
		t.Fatal(err)
	}
	e.Inst = inst
	e.Tenant = remit.Tenant{
		ClientKey: inst.ClientKey, AppKey: AppKey, BaseURL: e.Site.BaseURL(), SharedSecret: inst.SharedSecret,
		State: remit.TenantInstalled, Enabled: true, CloudID: e.Site.CloudID(),
	}
	return e
}

// Webhooks returns the bodies delivered to the stand-in app so far.
func (e *Env) Webhooks() [][]byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([][]byte(nil), e.webhooks...)
}
