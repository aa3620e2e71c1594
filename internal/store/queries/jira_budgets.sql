-- name: ClaimJiraBudget :one
INSERT INTO jira_budgets (client_key, tat) VALUES (@client_key, sqlc.arg(now)::timestamptz + sqlc.arg(slice)::interval)
ON CONFLICT (client_key) DO UPDATE SET tat = greatest(jira_budgets.tat, sqlc.arg(now)::timestamptz) + sqlc.arg(slice)::interval
RETURNING tat;
