package forge

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// SiteCloudID asks a Jira site for its cloudId (GET {site}/_edge/tenant_info,
// unauthenticated). A Connect install payload carries no cloudId, so this
// is how a Connect tenant is matched to the Forge installation of the same
// site: only Jira's own answer links them, never URL equality alone.
func SiteCloudID(ctx context.Context, client *http.Client, siteURL string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(siteURL, "/")+"/_edge/tenant_info", nil)
	if err != nil {
		return "", err
	}
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("forge: tenant_info: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("forge: tenant_info: status %d", resp.StatusCode)
	}
	var info struct {
		CloudID string `json:"cloudId"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&info); err != nil || info.CloudID == "" {
		return "", fmt.Errorf("forge: tenant_info has no cloudId")
	}
	return info.CloudID, nil
}
