package jirasim

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/remitapp/remit/internal/connect"
)

// Installation is what an app learns from its installed callback, returned
// so tests can sign requests as the app without a database.
type Installation struct {
	AppKey       string          `json:"appKey"`
	ClientKey    string          `json:"clientKey"`
	SharedSecret string          `json:"sharedSecret"`
	AppBaseURL   string          `json:"appBaseUrl"`
	Descriptor   json.RawMessage `json:"descriptor"`
}

type installation struct {
	Installation
	// forgeInstallationID is set for a Connect app that has adopted Forge
	// and kept its Connect lifecycle module: its lifecycle payloads carry
	// the Forge installation's id.
	forgeInstallationID string
	installed           bool
	enabled             bool
	desc                descriptor
	appUser             User
}

type webhookSub struct {
	Event        string   `json:"event"`
	URL          string   `json:"url"`
	ExcludeBody  bool     `json:"excludeBody"`
	PropertyKeys []string `json:"propertyKeys"`
	Filter       string   `json:"filter"`
}

type descriptor struct {
	Key       string            `json:"key"`
	Name      string            `json:"name"`
	BaseURL   string            `json:"baseUrl"`
	Lifecycle map[string]string `json:"lifecycle"`
	Modules   struct {
		Webhooks         []webhookSub `json:"webhooks"`
		EntityProperties []struct {
			EntityType        string `json:"entityType"`
			KeyConfigurations []struct {
				PropertyKey string `json:"propertyKey"`
				Extractions []struct {
					ObjectName string `json:"objectName"`
				} `json:"extractions"`
			} `json:"keyConfigurations"`
		} `json:"jiraEntityProperties"`
	} `json:"modules"`
}

// InstallApp installs a Connect app the way Jira does: it fetches
// <appBaseURL>/atlassian-connect.json, mints a fresh sharedSecret (the
// clientKey stays stable per site and app key), and posts the RS256-signed
// installed callback. An app answering non-2xx fails the install and
// leaves any previous installation untouched. On success the enabled
// callback follows, as in Jira.
func (st *Site) InstallApp(ctx context.Context, appBaseURL string) (Installation, error) {
	return st.installConnect(ctx, appBaseURL, "")
}

func (st *Site) installConnect(ctx context.Context, appBaseURL, forgeInstallationID string) (Installation, error) {
	raw, desc, err := st.sim.fetchDescriptor(ctx, appBaseURL)
	if err != nil {
		return Installation{}, err
	}
	st.mu.Lock()
	ck, ok := st.clientKeys[desc.Key]
	if !ok {
		ck = newUUID()
		st.clientKeys[desc.Key] = ck
	}
	inst := &installation{
		Installation:        Installation{AppKey: desc.Key, ClientKey: ck, SharedSecret: newSecret(), AppBaseURL: desc.BaseURL, Descriptor: raw},
		desc:                desc,
		forgeInstallationID: forgeInstallationID,
		installed:           true,
		enabled:             true,
		appUser:             User{AccountID: "557058:" + newUUID(), DisplayName: desc.Name, AccountType: "app", TimeZone: "UTC"},
	}
	if prev, ok := st.installs[desc.Key]; ok {
		inst.appUser = prev.appUser
	}
	st.mu.Unlock()

	if err := st.sendLifecycle(ctx, inst, "installed", true); err != nil {
		return Installation{}, fmt.Errorf("install %s: %w", desc.Key, err)
	}
	st.mu.Lock()
	st.installs[desc.Key] = inst
	st.users[inst.appUser.AccountID] = &inst.appUser
	st.mu.Unlock()
	if err := st.sendLifecycle(ctx, inst, "enabled", true); err != nil {
		st.sim.log.WarnContext(ctx, "enabled callback failed", slogSite(st), slog.String("app_key", desc.Key), slog.String("error", err.Error()))
	}
	return inst.Installation, nil
}

// UninstallApp posts the signed uninstalled callback and removes the app:
// its tokens stop working and webhooks stop. Jira does not send disabled
// here (see SendUnsignedDisabled for the AC-2561 quirk).
func (st *Site) UninstallApp(ctx context.Context, appKey string) error {
	inst, err := st.installed(appKey)
	if err != nil {
		return err
	}
	st.mu.Lock()
	inst.installed = false
	st.mu.Unlock()
	return st.sendLifecycle(ctx, inst, "uninstalled", true)
}

// SetAppEnabled enables or disables an installed app, posting the signed
// enabled or disabled callback. A disabled app's tokens are rejected and it
// receives no webhooks.
func (st *Site) SetAppEnabled(ctx context.Context, appKey string, enabled bool) error {
	inst, err := st.installed(appKey)
	if err != nil {
		return err
	}
	st.mu.Lock()
	inst.enabled = enabled
	st.mu.Unlock()
	event := "disabled"
	if enabled {
		event = "enabled"
	}
	return st.sendLifecycle(ctx, inst, event, true)
}

// SendUnsignedDisabled posts a disabled callback with no JWT, as Jira
// sometimes does after an uninstall (AC-2561); apps must not 5xx it.
func (st *Site) SendUnsignedDisabled(ctx context.Context, appKey string) error {
	st.mu.Lock()
	inst, ok := st.installs[appKey]
	st.mu.Unlock()
	if !ok {
		return fmt.Errorf("app %s was never installed on %s", appKey, st.name)
	}
	return st.sendLifecycle(ctx, inst, "disabled", false)
}

// Installation returns the current installation of an app.
func (st *Site) Installation(appKey string) (Installation, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	inst, ok := st.installs[appKey]
	if !ok || !inst.installed {
		return Installation{}, false
	}
	return inst.Installation, true
}

func (st *Site) installed(appKey string) (*installation, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	inst, ok := st.installs[appKey]
	if !ok || !inst.installed {
		return nil, fmt.Errorf("app %s is not installed on %s", appKey, st.name)
	}
	return inst, nil
}

func (s *Sim) fetchDescriptor(ctx context.Context, appBaseURL string) (json.RawMessage, descriptor, error) {
	var d descriptor
	u := strings.TrimSuffix(appBaseURL, "/") + "/atlassian-connect.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, d, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, d, fmt.Errorf("fetch descriptor: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, d, fmt.Errorf("fetch descriptor: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, d, fmt.Errorf("fetch descriptor: status %d", resp.StatusCode)
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, d, fmt.Errorf("descriptor is not valid JSON: %w", err)
	}
	if d.Key == "" {
		return nil, d, fmt.Errorf("descriptor has no key")
	}
	if d.BaseURL == "" {
		d.BaseURL = strings.TrimSuffix(appBaseURL, "/")
	}
	d.BaseURL = strings.TrimSuffix(d.BaseURL, "/")
	return raw, d, nil
}

// sendLifecycle posts one lifecycle event; signed callbacks carry an RS256
// token with kid, iss = clientKey, aud = the app baseUrl and the qsh of
// POST <lifecycle path> with the app's base path stripped.
func (st *Site) sendLifecycle(ctx context.Context, inst *installation, event string, signed bool) error {
	path, ok := inst.desc.Lifecycle[event]
	if !ok {
		return nil
	}
	base := st.BaseURL()
	payload := map[string]any{
		"key": inst.AppKey, "clientKey": inst.ClientKey, "sharedSecret": inst.SharedSecret,
		"baseUrl": base, "displayUrl": base, "productType": "jira",
		"description": "Atlassian JIRA at " + base, "serviceEntitlementNumber": "SEN-" + inst.ClientKey[:8],
		"entitlementId": inst.ClientKey, "entitlementNumber": "E-" + inst.ClientKey[:8],
		"oauthClientId": "oauth-" + inst.ClientKey[:8], "eventType": event,
		"pluginsVersion": "1001.0.0-SNAPSHOT.1234", "serverVersion": "100300",
	}
	if inst.forgeInstallationID != "" {
		payload["installationId"] = inst.forgeInstallationID
	}
	body, _ := json.Marshal(payload)
	u, err := url.Parse(inst.AppBaseURL + path)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if signed {
		tok, err := st.sim.signLifecycle(inst, u)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "JWT "+tok)
	}
	resp, err := st.sim.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s callback: %w", event, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	st.sim.log.InfoContext(ctx, "lifecycle callback", slogSite(st), slog.String("app_key", inst.AppKey), slog.String("event", event), slog.Int("status", resp.StatusCode))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s callback: app answered %d", event, resp.StatusCode)
	}
	return nil
}

func (s *Sim) signLifecycle(inst *installation, u *url.URL) (string, error) {
	basePath := ""
	if b, err := url.Parse(inst.AppBaseURL); err == nil {
		basePath = b.EscapedPath()
	}
	now := s.now()
	claims := jwt.MapClaims{
		"iss":     inst.ClientKey,
		"aud":     []string{inst.AppBaseURL},
		"iat":     now.Unix(),
		"exp":     now.Add(3 * time.Minute).Unix(),
		"qsh":     connect.QSHForURL(http.MethodPost, u, basePath),
		"context": map[string]any{},
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = s.kid
	return tok.SignedString(s.key)
}

// PublicKeyPEM is the install signing key's public half, PKIX PEM, as the
// Connect install-keys CDN serves it.
func (s *Sim) PublicKeyPEM() []byte {
	der, _ := x509.MarshalPKIXPublicKey(&s.key.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func (s *Sim) serveKey(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("kid") != s.kid {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	_, _ = w.Write(s.PublicKeyPEM())
}

// indexedLocked reports whether an installed app indexes the issue
// property key (and path) for JQL.
func (st *Site) indexedLocked(key, path string) bool {
	for _, inst := range st.installs {
		if !inst.installed {
			continue
		}
		for _, ep := range inst.desc.Modules.EntityProperties {
			if ep.EntityType != "" && ep.EntityType != "issue" {
				continue
			}
			for _, kc := range ep.KeyConfigurations {
				if kc.PropertyKey != key {
					continue
				}
				for _, ex := range kc.Extractions {
					if ex.ObjectName == path {
						return true
					}
				}
			}
		}
	}
	return false
}

func newSecret() string {
	return base64.RawURLEncoding.EncodeToString([]byte(randomHex(24)))
}
