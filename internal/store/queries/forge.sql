-- name: ForgeTenantForUpdate :one
SELECT client_key, installation_id FROM tenants
WHERE installation_id = @installation_id::text OR cloud_id = @cloud_id::text
ORDER BY installation_id IS NOT DISTINCT FROM @installation_id::text DESC
LIMIT 1 FOR UPDATE;

-- name: InsertForgeTenant :exec
INSERT INTO tenants (client_key, app_key, base_url, display_url, product_type, shared_secret_enc,
    cloud_id, installation_id, state, enabled, installed_at, updated_at)
VALUES (@client_key, @app_key, @base_url, @base_url, 'jira', @shared_secret_enc,
    @cloud_id::text, @installation_id::text, 'installed', true, @now, @now);

-- name: AdoptForgeInstallation :exec
UPDATE tenants SET installation_id = @installation_id::text, cloud_id = coalesce(cloud_id, @cloud_id::text),
    state = 'installed', enabled = true, uninstalled_at = NULL, updated_at = @now
WHERE client_key = @client_key;

-- name: InstalledTenantByCloudIDForUpdate :one
SELECT client_key, installation_id FROM tenants
WHERE cloud_id = @cloud_id::text AND state = 'installed' AND enabled FOR UPDATE;

-- name: SetTenantInstallationID :exec
UPDATE tenants SET installation_id = @installation_id::text, updated_at = @now WHERE client_key = @client_key;

-- name: InstallationRetired :one
SELECT EXISTS (SELECT 1 FROM forge_retired_installations WHERE installation_id = @installation_id);

-- name: RetireInstallation :exec
INSERT INTO forge_retired_installations (installation_id, client_key, retired_at)
VALUES (@installation_id, @client_key, @now)
ON CONFLICT (installation_id) DO NOTHING;

-- name: TenantByInstallationID :one
SELECT * FROM tenants WHERE installation_id = @installation_id::text;

-- name: SaveForgeToken :exec
INSERT INTO forge_tokens (client_key, api_base_url, token_enc, expires_at, updated_at)
VALUES (@client_key, @api_base_url, @token_enc, @expires_at, @now)
ON CONFLICT (client_key) DO UPDATE SET api_base_url = EXCLUDED.api_base_url,
    token_enc = EXCLUDED.token_enc, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
WHERE forge_tokens.expires_at <= EXCLUDED.expires_at;

-- name: ForgeToken :one
SELECT api_base_url, token_enc, expires_at FROM forge_tokens WHERE client_key = @client_key;

-- name: SetTenantCloudID :execrows
UPDATE tenants SET cloud_id = @cloud_id::text, updated_at = @now WHERE client_key = @client_key AND cloud_id IS NULL;

-- name: TenantsWithoutCloudID :many
SELECT client_key FROM tenants
WHERE cloud_id IS NULL AND rtrim(base_url, '/') = rtrim(@base_url::text, '/')
ORDER BY client_key;
