-- +goose Up
-- How far each invoice's Jira issue is in step with the invoice. Every
-- change to an invoice bumps jira_version in the transaction that enqueues
-- the sync job; the job records the version it made Jira match, so a
-- change that lands while a sync runs is never lost. Sync jobs are not
-- unique: several may be queued for one invoice, and the lease makes them
-- take turns; a job that finds Jira already in step does nothing.
ALTER TABLE invoices
    ADD COLUMN jira_version        bigint  NOT NULL DEFAULT 1,
    ADD COLUMN jira_synced_version bigint  NOT NULL DEFAULT 0,
    ADD COLUMN jira_links_done     boolean NOT NULL DEFAULT false,
    ADD COLUMN jira_problem        text    NULL,
    -- Held by the one sync job working on the invoice; expires on its own
    -- if that worker dies.
    ADD COLUMN jira_sync_lease     timestamptz NULL;

-- +goose Down
ALTER TABLE invoices
    DROP COLUMN jira_version,
    DROP COLUMN jira_synced_version,
    DROP COLUMN jira_links_done,
    DROP COLUMN jira_problem,
    DROP COLUMN jira_sync_lease;
