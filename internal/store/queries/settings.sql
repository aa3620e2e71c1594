-- name: SettingsDoc :one
SELECT doc FROM settings WHERE client_key = @client_key;

-- name: PolicyDoc :one
SELECT doc FROM followup_policies WHERE client_key = @client_key;
