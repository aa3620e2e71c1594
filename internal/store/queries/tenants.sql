-- name: UpsertInstall :one
INSERT INTO tenants (client_key, app_key, base_url, display_url, product_type, shared_secret_enc,
    oauth_client_id, cloud_id, installation_id, state, enabled, installed_at, updated_at, uninstalled_at)
VALUES (@client_key, @app_key, @base_url, @display_url, @product_type, @shared_secret_enc,
    @oauth_client_id, NULLIF(@cloud_id::text, ''), NULLIF(@installation_id::text, ''),
    'installed', true, @now, @now, NULL)
ON CONFLICT (client_key) DO UPDATE SET
    app_key = EXCLUDED.app_key,
    base_url = EXCLUDED.base_url,
    display_url = EXCLUDED.display_url,
    product_type = EXCLUDED.product_type,
    shared_secret_enc = EXCLUDED.shared_secret_enc,
    oauth_client_id = EXCLUDED.oauth_client_id,
    cloud_id = coalesce(EXCLUDED.cloud_id, tenants.cloud_id),
    installation_id = coalesce(EXCLUDED.installation_id, tenants.installation_id),
    state = 'installed',
    enabled = true,
    updated_at = EXCLUDED.updated_at,
    uninstalled_at = NULL
RETURNING *;

-- name: TenantByClientKey :one
SELECT * FROM tenants WHERE client_key = @client_key;

-- name: SetTenantEnabled :execrows
UPDATE tenants SET enabled = @enabled, updated_at = @now WHERE client_key = @client_key;

-- name: MarkTenantUninstalled :execrows
UPDATE tenants SET state = 'uninstalled', enabled = false, uninstalled_at = @at::timestamptz, updated_at = @now
WHERE client_key = @client_key;

-- name: ActiveTenants :many
SELECT * FROM tenants WHERE state = 'installed' AND enabled ORDER BY client_key;
