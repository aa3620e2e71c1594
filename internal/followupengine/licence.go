package followupengine

import (
	"context"
	"log/slog"
	"time"

	"github.com/remitapp/remit/internal/remit"
	"github.com/remitapp/remit/internal/store"
)

// licenceRecheck is how long the scheduler leaves a tenant it holds
// unlicensed before asking Jira again.
const licenceRecheck = time.Hour

// licenceFromJira reads the tenant's licence from Jira when the engine
// runs (SPEC §5: the app licence API on Connect), records it, and returns
// it; an inactive licence pauses the tenant's follow-ups like the lic=none
// of a page load. When Jira states no licence (a free listing, a
// development install, a Forge installation, whose licence comes with its
// invocations) or cannot be asked, the last recorded state stands.
func (e *Engine) licenceFromJira(ctx context.Context, t remit.Tenant, stored string) string {
	log := e.logger().With(slog.String("client_key", t.ClientKey))
	site, err := e.Jira.For(t)
	if err != nil {
		return stored
	}
	lic, err := site.AppLicence(ctx)
	if err != nil {
		log.WarnContext(ctx, "licence not read from Jira; the last known state stands", slog.String("licence", stored), slog.String("error", err.Error()))
		return stored
	}
	if !lic.Known {
		return stored
	}
	state := store.LicenceNone
	if lic.Active {
		state = store.LicenceActive
	}
	if state != stored {
		if err := e.DB.RecordLicence(ctx, t.ClientKey, state); err != nil {
			log.WarnContext(ctx, "licence read from Jira not recorded", slog.String("licence", state), slog.String("error", err.Error()))
		} else {
			log.InfoContext(ctx, "licence read from Jira", slog.String("licence", state), slog.String("was", stored))
		}
	}
	return state
}

// recheckLicence says whether the scheduler should ask Jira again about
// a tenant it holds unlicensed: at most once per licenceRecheck per
// process.
func (e *Engine) recheckLicence(clientKey string, now time.Time) bool {
	e.licenceMu.Lock()
	defer e.licenceMu.Unlock()
	if last, ok := e.licenceChecked[clientKey]; ok && now.Sub(last) < licenceRecheck {
		return false
	}
	if e.licenceChecked == nil {
		e.licenceChecked = map[string]time.Time{}
	}
	e.licenceChecked[clientKey] = now
	return true
}
