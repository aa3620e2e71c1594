package app

import (
	"context"
	"net/http"

	"github.com/remitapp/remit/internal/forge"
	"github.com/remitapp/remit/internal/httpapi"
	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// forgeEdge builds the Forge Remote surface when REMIT_FORGE_APP_ID is
// set: FITs verified against keys from REMIT_FORGE_JWKS_URL, tenants
// resolved by installationId and cloudId.
func (a *App) forgeEdge(db *store.DB, client *http.Client) *httpapi.ForgeEdge {
	if a.Config.ForgeAppID == "" {
		return nil
	}
	return &httpapi.ForgeEdge{
		Verifier: &forge.Verifier{
			Keys:  &forge.KeySet{URL: a.Config.ForgeJWKSURL, Client: client, Now: a.now},
			AppID: a.Config.ForgeAppID,
			Now:   a.now,
		},
		Tenants:   db,
		APIHosts:  a.Config.ForgeAPIHosts,
		Heartbeat: a.runHeartbeat,
		SiteCloudID: func(ctx context.Context, siteURL string) (string, error) {
			return forge.SiteCloudID(ctx, client, siteURL)
		},
	}
}

// SetHeartbeat installs what the Forge scheduled trigger runs for a
// tenant: the follow-up engine's backup sweep. Until it is set, the
// trigger is authenticated and answered but does nothing.
func (a *App) SetHeartbeat(fn func(ctx context.Context, t remit.Tenant) error) {
	a.heartbeat.Store(&fn)
}

func (a *App) runHeartbeat(ctx context.Context, t remit.Tenant) error {
	if fn := a.heartbeat.Load(); fn != nil && *fn != nil {
		return (*fn)(ctx, t)
	}
	return nil
}
