-- +goose Up
-- How far each invoice's Jira issue is in step with the invoice. Every
-- change to an invoice bumps jira_version in the transaction that enqueues
-- the sync job; the job records the version it made Jira match, so a
-- change that lands while a sync runs is never lost.
ALTER TABLE invoices
    ADD COLUMN jira_version        bigint  NOT NULL DEFAULT 1,
    ADD COLUMN jira_synced_version bigint  NOT NULL DEFAULT 0,
    ADD COLUMN jira_links_done     boolean NOT NULL DEFAULT false,
    ADD COLUMN jira_problem        text    NULL;

-- +goose Down
ALTER TABLE invoices
    DROP COLUMN jira_version,
    DROP COLUMN jira_synced_version,
    DROP COLUMN jira_links_done,
    DROP COLUMN jira_problem;
