package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/forge"
	"github.com/remitapp/remit/internal/hostlist"
	"github.com/remitapp/remit/internal/remit"
)

// ForgeTenants is what the Forge routes need of tenant storage.
type ForgeTenants interface {
	UpsertForgeInstall(ctx context.Context, t remit.Tenant) (remit.Tenant, bool, error)
	TenantByInstallationID(ctx context.Context, installationID string) (remit.Tenant, error)
	FollowForgeInstallation(ctx context.Context, cloudID, installationID string) (remit.Tenant, error)
	SaveForgeToken(ctx context.Context, clientKey, apiBaseURL, token string, expiresAt time.Time) error
	MarkTenantUninstalled(ctx context.Context, clientKey string, at time.Time) error
	TenantsWithoutCloudID(ctx context.Context, baseURL string) ([]string, error)
	SetTenantCloudID(ctx context.Context, clientKey, cloudID string) error
	// RecordLicence keeps the licence state an invocation carried, as
	// page loads keep theirs (store.RecordLicence).
	RecordLicence(ctx context.Context, clientKey, licence string) error
}

// ForgeEdge wires the Forge Remote entry points; a nil Deps.Forge (no
// REMIT_FORGE_APP_ID) leaves them unregistered.
type ForgeEdge struct {
	Verifier *forge.Verifier
	Tenants  ForgeTenants
	// Heartbeat runs for the tenant on every scheduled trigger; the
	// follow-up engine fills it in (nil does nothing).
	Heartbeat func(ctx context.Context, t remit.Tenant) error
	// SiteCloudID asks a site for its cloudId (forge.SiteCloudID), to
	// match a Connect tenant whose cloudId Remit does not know yet.
	SiteCloudID func(ctx context.Context, siteURL string) (string, error)
	// TokenLifetime is how long a system token without a readable exp
	// claim is assumed to stay valid after an invocation brought it; zero
	// means 50 minutes.
	TokenLifetime time.Duration
	// APIHosts are where an invocation's apiBaseUrl may point
	// (REMIT_FORGE_API_HOSTS): Remit sends the system token there. The
	// zero List refuses every invocation.
	APIHosts hostlist.List
}

const ctxInvocation = "remit.forge_invocation"

// forgeRoutes registers the Forge Remote surface: lifecycle, product
// events and the scheduled trigger (POST, from Forge), and the JSON API as
// invokeRemote calls it, on the very handlers /api/v1 uses. Each route
// admits only the tokens Forge mints for its own endpoint's modules.
func (s *Server) forgeRoutes(e *echo.Echo) {
	if s.deps.Forge == nil {
		return
	}
	e.POST(forge.RouteLifecycle, s.forgeLifecycle)
	e.POST(forge.RouteEvents, s.forgeEvent, withDeadline(s.deps.WebhookTimeout), s.requireFIT(forge.RouteEvents))
	e.POST(forge.RouteScheduled, s.forgeScheduled, s.requireFIT(forge.RouteScheduled))
	s.apiRoutes(e.Group(forge.RouteAPI+"/v1", withDeadline(s.deps.APITimeout), s.requireFIT(forge.RouteAPI), s.apiLimit))
}

// verifyFIT checks the token, that it was minted for a module of the
// route's endpoint (a user's panel token cannot post a product event, a
// trigger's token cannot call the API), and the system token every Remit
// endpoint asks for in the manifest; Jira calls are impossible without
// the latter. It changes nothing, so a refusal leaves no trace but a log.
func (s *Server) verifyFIT(c echo.Context, route string) (forge.Invocation, error) {
	ep, err := forge.EndpointFor(route)
	if err != nil {
		return forge.Invocation{}, remit.Wrap(remit.Internal, "forge", err)
	}
	inv, err := s.deps.Forge.Verifier.Verify(c.Request().Context(), c.Request())
	if err == nil {
		err = ep.Admit(inv)
	}
	if err == nil && inv.SystemToken == "" {
		err = remit.Errorf(remit.Unauthorized, "forge", "missing system token")
	}
	if err == nil && !s.deps.Forge.APIHosts.Allows(inv.APIBaseURL) {
		err = remit.Errorf(remit.Unauthorized, "forge", "apiBaseUrl %q is not on REMIT_FORGE_API_HOSTS", clip(inv.APIBaseURL))
	}
	if err != nil {
		if remit.KindOf(err) == remit.Unauthorized {
			return inv, s.refuse(c, surfaceForge, err)
		}
		return inv, err
	}
	return inv, nil
}

// requireFIT authenticates a Forge invocation at route of a known,
// active installation, keeps its system token for later Jira calls and
// puts the tenant (and, for UI calls, the user) where the API handlers
// look.
func (s *Server) requireFIT(route string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			inv, err := s.verifyFIT(c, route)
			if err != nil {
				return err
			}
			ctx := c.Request().Context()
			t, err := s.forgeTenant(ctx, inv)
			switch {
			case remit.IsKind(err, remit.NotFound):
				return s.refuse(c, surfaceForge, remit.Errorf(remit.Unauthorized, "forge", "unknown installation"))
			case err != nil:
				return err
			case !t.Active():
				return s.refuse(c, surfaceForge, remit.Errorf(remit.Unauthorized, "forge", "tenant not installed"))
			}
			if err := s.keepToken(ctx, t.ClientKey, inv); err != nil {
				return err
			}
			s.recordForgeLicence(c, t.ClientKey, inv)
			c.Set(ctxTenant, t)
			c.Set(ctxClaims, connect.Claims{Issuer: t.ClientKey, Subject: inv.Principal, Context: inv.Context, ExpiresAt: inv.ExpiresAt})
			c.Set(ctxInvocation, inv)
			return next(c)
		}
	}
}

// recordForgeLicence keeps the licence the invocation carried: Forge
// has no licence API a Forge-only tenant could be asked through, nor a
// licence-change event, so each invocation (a page's call, a product
// event, the hourly scheduled trigger) brings the state the follow-up
// engine honours, as page loads do on Connect. An invocation without a
// licence leaves the last state as it is; a failure to record is logged
// and does not stop the call.
func (s *Server) recordForgeLicence(c echo.Context, clientKey string, inv forge.Invocation) {
	if inv.Licence == "" {
		return
	}
	ctx := c.Request().Context()
	if err := s.deps.Forge.Tenants.RecordLicence(ctx, clientKey, inv.Licence); err != nil {
		s.deps.Logger.WarnContext(ctx, "forge licence state not recorded", slog.String("request_id", requestID(c)),
			slog.String("client_key", clientKey), slog.String("licence", inv.Licence), slog.String("error", err.Error()))
	}
}

// tokenMargin is how long before its expiry a kept system token is
// retired, so that Jira work does not start with a token about to lapse.
const tokenMargin = time.Minute

// keepToken keeps the invocation's system token for the Jira work that
// runs between invocations (jobs, the follow-up engine) until it
// expires: as its exp claim says, the way Atlassian documents it, but
// never longer than forge.MaxSystemTokenLifetime; a token without a
// readable exp is assumed to live TokenLifetime. The store keeps
// whichever token lasts longer, so the four-hour token of the hourly
// scheduled trigger bridges the time to the next trigger.
// forgeTenant finds the tenant of a verified invocation by its
// installationId. Forge can change a site's installationId without a
// lifecycle event, so an id Remit does not know, for the cloudId of an
// installed tenant, moves that tenant to the new id
// (store.FollowForgeInstallation) rather than refusing the site or
// forking it into a second tenant.
func (s *Server) forgeTenant(ctx context.Context, inv forge.Invocation) (remit.Tenant, error) {
	tenants := s.deps.Forge.Tenants
	t, err := tenants.TenantByInstallationID(ctx, inv.InstallationID)
	if !remit.IsKind(err, remit.NotFound) {
		return t, err
	}
	t, err = tenants.FollowForgeInstallation(ctx, inv.CloudID, inv.InstallationID)
	if err == nil {
		s.deps.Logger.InfoContext(ctx, "forge installation id changed", "client_key", t.ClientKey)
	}
	return t, err
}

func (s *Server) keepToken(ctx context.Context, clientKey string, inv forge.Invocation) error {
	now := s.deps.Now()
	life := s.deps.Forge.TokenLifetime
	if life <= 0 {
		life = 50 * time.Minute
	}
	expires := now.Add(life)
	if exp, ok := forge.SystemTokenExpiry(inv.SystemToken); ok {
		if longest := now.Add(forge.MaxSystemTokenLifetime); exp.After(longest) {
			exp = longest
		}
		expires = exp.Add(-tokenMargin)
	}
	if !expires.After(now) {
		return nil // nothing worth keeping
	}
	return s.deps.Forge.Tenants.SaveForgeToken(ctx, clientKey, inv.APIBaseURL, inv.SystemToken, expires)
}

// forgeLifecycle handles avi:forge:installed:app, upgraded and
// uninstalled. An install attaches to the tenant with the same
// installationId or cloudId (a Connect site adopting Forge keeps its
// invoices), else creates a Forge-only tenant; it works without any
// Connect lifecycle callback.
func (s *Server) forgeLifecycle(c echo.Context) error {
	inv, err := s.verifyFIT(c, forge.RouteLifecycle)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	var ev struct {
		EventType string `json:"eventType"`
		ID        string `json:"id"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return remit.Errorf(remit.Invalid, "forge.lifecycle", "body must be a JSON lifecycle event")
	}
	if ev.ID != "" && ev.ID != inv.InstallationID {
		return s.refuse(c, surfaceForge, remit.Errorf(remit.Unauthorized, "forge.lifecycle", "event is for another installation"))
	}
	ctx := c.Request().Context()
	switch ev.EventType {
	case forge.EventInstalled, forge.EventUpgraded:
		site := inv.SiteURL
		if site == "" {
			site = inv.APIBaseURL
		}
		if err := s.claimConnectTenant(ctx, inv); err != nil {
			return err
		}
		t, created, err := s.deps.Forge.Tenants.UpsertForgeInstall(ctx, remit.Tenant{
			AppKey: s.deps.AppKey, BaseURL: site, CloudID: inv.CloudID, InstallationID: inv.InstallationID})
		if err != nil {
			return err
		}
		if err := s.keepToken(ctx, t.ClientKey, inv); err != nil {
			return err
		}
		s.recordForgeLicence(c, t.ClientKey, inv)
		s.deps.Logger.InfoContext(ctx, "forge installation", "request_id", requestID(c), "client_key", t.ClientKey,
			"event", ev.EventType, "new_tenant", created)
	case forge.EventUninstalled:
		t, err := s.forgeTenant(ctx, inv)
		if remit.IsKind(err, remit.NotFound) {
			return c.NoContent(http.StatusNoContent)
		}
		if err != nil {
			return err
		}
		if err := s.deps.Forge.Tenants.MarkTenantUninstalled(ctx, t.ClientKey, s.deps.Now()); err != nil {
			return err
		}
	default:
		return remit.Errorf(remit.Invalid, "forge.lifecycle", "unknown lifecycle event %q", ev.EventType)
	}
	return c.NoContent(http.StatusNoContent)
}

// forgeEvent takes a Forge product event and hands it to the same durable
// webhook intake as Connect webhooks, in the Connect shape the billing
// handlers read. Forge retries with a new token but the same body, so the
// body's hash is the delivery identifier.
func (s *Server) forgeEvent(c echo.Context) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	event, payload, err := connectShape(body, s.deps.Now())
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	first, err := s.deps.Webhooks.Accept(c.Request().Context(), tenantOf(c).ClientKey, "forge:"+hex.EncodeToString(sum[:]), event, payload)
	if err != nil {
		return err
	}
	outcome := "accepted"
	if !first {
		outcome = "duplicate"
	}
	s.metrics.webhooks.WithLabelValues(eventLabel(event), outcome).Inc()
	return c.NoContent(http.StatusNoContent)
}

// connectShape turns a Forge product event into the Connect webhook body
// the billing handlers read: webhookEvent, a millisecond timestamp, and
// the user from atlassianId; issue, changelog and worklog pass through.
func connectShape(body []byte, now time.Time) (string, []byte, error) {
	var ev map[string]json.RawMessage
	if err := json.Unmarshal(body, &ev); err != nil {
		return "", nil, remit.Errorf(remit.Invalid, "forge.event", "body must be a JSON event")
	}
	var typ string
	_ = json.Unmarshal(ev["eventType"], &typ)
	event, ok := forge.ProductEvents[typ]
	if !ok {
		return "", nil, remit.Errorf(remit.Invalid, "forge.event", "unsupported event %q", typ)
	}
	ev["webhookEvent"], _ = json.Marshal(event)
	if _, ok := ev["timestamp"]; !ok {
		ev["timestamp"], _ = json.Marshal(now.UnixMilli())
	}
	var user string
	if json.Unmarshal(ev["atlassianId"], &user) == nil && user != "" {
		ev["user"], _ = json.Marshal(map[string]string{"accountId": user})
	}
	out, err := json.Marshal(ev)
	return event, out, err
}

// forgeScheduled is the scheduled trigger: an authenticated heartbeat
// that lets the follow-up engine run for the tenant even if its own
// schedule stalled.
func (s *Server) forgeScheduled(c echo.Context) error {
	if h := s.deps.Forge.Heartbeat; h != nil {
		if err := h(c.Request().Context(), tenantOf(c)); err != nil {
			return err
		}
	}
	return c.NoContent(http.StatusNoContent)
}

// claimConnectTenant gives a Connect tenant of the installation's site its
// cloudId, once the site itself confirms it, so the installation attaches
// to that tenant (and its invoices) instead of creating a new one.
func (s *Server) claimConnectTenant(ctx context.Context, inv forge.Invocation) error {
	edge := s.deps.Forge
	if inv.SiteURL == "" || edge.SiteCloudID == nil {
		return nil
	}
	if _, err := edge.Tenants.TenantByInstallationID(ctx, inv.InstallationID); err == nil {
		return nil
	}
	keys, err := edge.Tenants.TenantsWithoutCloudID(ctx, inv.SiteURL)
	if err != nil || len(keys) == 0 {
		return err
	}
	cloud, err := edge.SiteCloudID(ctx, inv.SiteURL)
	if err != nil {
		s.deps.Logger.WarnContext(ctx, "site cloudId unknown", "error", err.Error())
		return nil
	}
	if cloud != inv.CloudID || len(keys) != 1 {
		return nil // another site at that URL, or ambiguous: never guess
	}
	err = edge.Tenants.SetTenantCloudID(ctx, keys[0], cloud)
	if remit.IsKind(err, remit.NotFound) {
		return nil
	}
	return err
}
