-- +goose Up
-- Each tenant's Jira request budget, shared by every replica: the
-- theoretical arrival time of the generic cell rate algorithm (GCRA).
-- A process claims a slice of requests at a time (one UPDATE … RETURNING
-- moves tat on by the slice) and spends the slice from memory, so the
-- replicas together keep within REMIT_JIRA_TENANT_RATE and
-- REMIT_JIRA_TENANT_BURST without a round trip per Jira request.
CREATE TABLE jira_budgets (
    client_key text        PRIMARY KEY REFERENCES tenants (client_key) ON DELETE CASCADE,
    tat        timestamptz NOT NULL
);

-- +goose Down
DROP TABLE jira_budgets;
