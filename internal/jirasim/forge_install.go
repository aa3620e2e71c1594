package jirasim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/remitapp/remit/internal/forge"
)

// ForgeApp is a Forge app as its manifest describes it: its ARI, the
// Connect key it adopts (app.connect.key) and the base URL of its remote.
type ForgeApp struct {
	ID         string
	ConnectKey string
	RemoteURL  string
}

// ForgeInstallation is what a Forge app learns about one installation.
type ForgeInstallation struct {
	ID          string // ari:cloud:ecosystem::installation/<uuid>
	AppID       string
	CloudID     string
	SiteURL     string
	APIBaseURL  string // <sim>/ex/jira/<cloudId>
	SystemToken string // x-forge-oauth-system
	// Licence is what the invocation context says of the licence
	// (context.license.isActive): "active", "none", or "" for no licence
	// in the context, as for a free listing (SetForgeLicence).
	Licence string
}

// InstallForgeApp installs a Forge app on the site: a fresh installation
// id and system token, the app's Jira user (shared with the Connect
// installation of the same key, so a Connect app adopting Forge stays one
// app) and the avi:forge:installed:app trigger posted to the remote with a
// FIT. A Forge-only install sends no Connect lifecycle callback.
func (st *Site) InstallForgeApp(ctx context.Context, app ForgeApp) (ForgeInstallation, error) {
	s := st.sim
	// The manifest's connectModules carry the descriptor's entity property
	// index (webhooks and pages are replaced by Forge modules), so the
	// simulator reads the index from the remote's descriptor.
	var index descriptor
	if _, d, err := s.fetchDescriptor(ctx, app.RemoteURL); err == nil {
		index.Modules.EntityProperties = d.Modules.EntityProperties
	}
	st.mu.Lock()
	inst, ok := st.installs[app.ConnectKey]
	if !ok || !inst.installed {
		ck, known := st.clientKeys[app.ConnectKey]
		if !known {
			ck = newUUID()
			st.clientKeys[app.ConnectKey] = ck
		}
		inst = &installation{
			Installation: Installation{AppKey: app.ConnectKey, ClientKey: ck, SharedSecret: newSecret(), AppBaseURL: app.RemoteURL},
			desc:         index,
			installed:    true, enabled: true,
			appUser: User{AccountID: "557058:" + newUUID(), DisplayName: app.ConnectKey, AccountType: "app", TimeZone: "UTC"},
		}
		inst.desc.Key, inst.desc.Name, inst.desc.BaseURL = app.ConnectKey, app.ConnectKey, app.RemoteURL
		st.installs[app.ConnectKey] = inst
		st.users[inst.appUser.AccountID] = &inst.appUser
	}
	st.mu.Unlock()

	fi := st.newForgeInstall(app)
	status, err := st.sendForge(ctx, fi, forge.RouteLifecycle, lifecyclePayload(fi, forge.EventInstalled))
	if err != nil {
		return ForgeInstallation{}, err
	}
	if status/100 != 2 {
		return ForgeInstallation{}, fmt.Errorf("forge install: remote answered %d", status)
	}
	return st.sim.installationOf(fi), nil
}

// newForgeInstall registers a Forge installation of app on the site: its
// id, and a system token that the Forge gateway accepts.
func (st *Site) newForgeInstall(app ForgeApp) *forgeInstall {
	s := st.sim
	fi := &forgeInstall{site: st, app: app, installed: true, ForgeInstallation: ForgeInstallation{
		ID: "ari:cloud:ecosystem::installation/" + newUUID(), AppID: app.ID, CloudID: st.cloudID,
		SiteURL: st.BaseURL(), APIBaseURL: s.URL() + "/ex/jira/" + st.cloudID,
	}}
	s.forge.mu.Lock()
	if s.forge.installs == nil {
		s.forge.installs = map[string]*forgeInstall{}
	}
	s.forge.installs[fi.ID] = fi
	s.mintSystemTokenLocked(fi, forgeTokenTTL)
	s.forge.mu.Unlock()

	return fi
}

// InstallConnectOnForge installs a Connect app that has adopted Forge and
// kept its Connect lifecycle module (Atlassian's "option 1"): the Forge
// installation exists (invocations carry its id in their FITs), and the
// install is announced by the Connect installed callback, RS256-signed
// as ever, whose payload now also carries installationId. No
// avi:forge:installed:app trigger is sent.
func (st *Site) InstallConnectOnForge(ctx context.Context, app ForgeApp) (Installation, ForgeInstallation, error) {
	fi := st.newForgeInstall(app)
	inst, err := st.installConnect(ctx, app.RemoteURL, fi.ID)
	if err != nil {
		return Installation{}, ForgeInstallation{}, err
	}
	return inst, st.sim.installationOf(fi), nil
}

// UninstallForgeApp removes the installation: its system token stops
// working and avi:forge:uninstalled:app is posted.
func (st *Site) UninstallForgeApp(ctx context.Context, installationID string) error {
	fi, err := st.sim.forgeInstall(installationID)
	if err != nil {
		return err
	}
	_, err = st.sendForge(ctx, fi, forge.RouteLifecycle, lifecyclePayload(fi, forge.EventUninstalled))
	st.sim.forge.mu.Lock()
	fi.installed = false
	for tok, t := range st.sim.forge.tokens {
		if t.fi == fi {
			delete(st.sim.forge.tokens, tok)
		}
	}
	st.sim.forge.mu.Unlock()
	st.mu.Lock()
	if inst, ok := st.installs[fi.app.ConnectKey]; ok && inst.AppBaseURL == fi.app.RemoteURL && inst.desc.Lifecycle == nil {
		inst.installed = false // a Forge-only app leaves with its Forge installation
	}
	st.mu.Unlock()
	return err
}

// ChangeForgeInstallationID gives the installation a new id without any
// lifecycle event, as vendors report Forge sometimes does: invocations
// carry the new id from then on and the old one is gone; the system
// token and the app's Jira user stay.
func (st *Site) ChangeForgeInstallationID(installationID string) (ForgeInstallation, error) {
	s := st.sim
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	fi, ok := s.forge.installs[installationID]
	if !ok || !fi.installed || fi.site != st {
		return ForgeInstallation{}, fmt.Errorf("no Forge installation %s on %s", installationID, st.name)
	}
	delete(s.forge.installs, installationID)
	fi.ID = "ari:cloud:ecosystem::installation/" + newUUID()
	s.forge.installs[fi.ID] = fi
	return fi.ForgeInstallation, nil
}

// SetForgeLicence makes the installation's invocations carry the licence
// active or not (context.license.isActive), as Forge does for a paid
// listing whose subscription starts or lapses; Forge sends no event.
func (st *Site) SetForgeLicence(installationID string, active bool) error {
	s := st.sim
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	fi, ok := s.forge.installs[installationID]
	if !ok || !fi.installed || fi.site != st {
		return fmt.Errorf("no Forge installation %s on %s", installationID, st.name)
	}
	fi.Licence = "none"
	if active {
		fi.Licence = "active"
	}
	return nil
}

// SendForgeEvent posts a product event (e.g. avi:jira:updated:issue) to the
// remote's event endpoint with a FIT and returns the remote's status.
func (st *Site) SendForgeEvent(ctx context.Context, installationID, eventType string, payload map[string]any) (int, error) {
	fi, err := st.sim.forgeInstall(installationID)
	if err != nil {
		return 0, err
	}
	body := map[string]any{"eventType": eventType}
	for k, v := range payload {
		body[k] = v
	}
	return st.sendForge(ctx, fi, forge.RouteEvents, body)
}

// FireScheduledTrigger posts the scheduled trigger to the remote, with a
// fresh system token of the scheduled trigger's longer lifetime.
func (st *Site) FireScheduledTrigger(ctx context.Context, installationID string) (int, error) {
	fi, err := st.sim.forgeInstall(installationID)
	if err != nil {
		return 0, err
	}
	st.sim.forge.mu.Lock()
	st.sim.mintSystemTokenLocked(fi, scheduledTokenTTL)
	st.sim.forge.mu.Unlock()
	return st.sendForge(ctx, fi, forge.RouteScheduled, map[string]any{"context": map[string]any{"cloudId": fi.CloudID}})
}

// InvokeRemote calls the remote as a Custom UI page's invokeRemote does:
// any method, the path below the UI endpoint's route (the page cannot
// leave it), a FIT minted for the issue panel naming the user as
// principal.
func (st *Site) InvokeRemote(ctx context.Context, installationID, principal, method, path string, body []byte) (*http.Response, error) {
	fi, err := st.sim.forgeInstall(installationID)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	tok := st.sim.SignFIT(st.sim.FITClaims(st.sim.installationOf(fi), principal))
	url := strings.TrimSuffix(fi.app.RemoteURL, "/") + uiEndpoint().Route + path
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set(forge.HeaderSystemToken, st.sim.systemTokenOf(fi))
	req.Header.Set("Content-Type", "application/json")
	return st.sim.client.Do(req)
}

func (s *Sim) forgeInstall(id string) (*forgeInstall, error) {
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	fi, ok := s.forge.installs[id]
	if !ok || !fi.installed {
		return nil, fmt.Errorf("no Forge installation %s", id)
	}
	return fi, nil
}

func lifecyclePayload(fi *forgeInstall, event string) map[string]any {
	return map[string]any{"eventType": event, "id": fi.ID, "installerAccountId": "557058:installer",
		"app": map[string]any{"id": fi.AppID, "version": "1"}}
}

// systemTokenOf is the newest system token of fi, sent with its
// invocations.
func (s *Sim) systemTokenOf(fi *forgeInstall) string { return s.installationOf(fi).SystemToken }

// installationOf copies what fi's app knows, its newest system token
// included.
func (s *Sim) installationOf(fi *forgeInstall) ForgeInstallation {
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	return fi.ForgeInstallation
}

// sendForge posts an event or trigger to the remote, POST only, with the
// FIT Forge mints for the trigger endpoint at route (an app token, no
// user) and the system token, as Forge Remote does.
func (st *Site) sendForge(ctx context.Context, fi *forgeInstall, route string, payload map[string]any) (int, error) {
	body, _ := json.Marshal(payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(fi.app.RemoteURL, "/")+route, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+st.sim.SignFIT(st.sim.TriggerFITClaims(st.sim.installationOf(fi), route)))
	req.Header.Set(forge.HeaderSystemToken, st.sim.systemTokenOf(fi))
	req.Header.Set("Content-Type", "application/json")
	resp, err := st.sim.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("forge %s: %w", route, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	st.sim.log.InfoContext(ctx, "forge invocation", slogSite(st), slog.String("route", route), slog.Int("status", resp.StatusCode))
	return resp.StatusCode, nil
}
