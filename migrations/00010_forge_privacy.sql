-- +goose Up
-- The latest Forge app system token of a tenant reached through Forge: the
-- x-forge-oauth-system header of its most recent invocation, sealed like
-- shared secrets. Background jobs call Jira with it at api_base_url; a
-- tenant that is reached only through Forge has no Connect shared secret.
CREATE TABLE forge_tokens (
    client_key   text        PRIMARY KEY REFERENCES tenants (client_key) ON DELETE CASCADE,
    api_base_url text        NOT NULL CHECK (api_base_url <> ''),
    token_enc    bytea       NOT NULL,
    expires_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- Every Atlassian accountId Remit stores for a tenant, as reported to the
-- personal data reporting API: when it was last reported and when it may
-- be reported again (the Cycle-Period Atlassian answers with). A closed
-- account has had its personal data erased and is never reported again.
CREATE TABLE account_reports (
    client_key     text        NOT NULL REFERENCES tenants (client_key) ON DELETE CASCADE,
    account_id     text        NOT NULL CHECK (account_id <> ''),
    status         text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    reported_at    timestamptz NULL,
    next_report_at timestamptz NULL,
    PRIMARY KEY (client_key, account_id)
);

-- The reporting sweep reads a tenant's accounts that are due.
CREATE INDEX account_reports_due_idx ON account_reports (client_key, next_report_at) WHERE status = 'active';

-- The audit log stays append-only, except for two switches set for one
-- transaction by the functions below: retention purges (DELETE) and the
-- anonymisation of a closed account (UPDATE of actor, before and after).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION remit_audit_log_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('remit.allow_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND current_setting('remit.allow_anonymise', true) = 'on'
       AND NEW.id = OLD.id AND NEW.client_key = OLD.client_key AND NEW.at = OLD.at
       AND NEW.entity = OLD.entity AND NEW.entity_id = OLD.entity_id AND NEW.action = OLD.action THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

-- remit_anonymise_audit replaces a closed account's id in one tenant's
-- audit rows (the actor and any mention in before/after). Account ids are
-- restricted to characters that need no JSON escaping, so a text replace
-- inside the documents is exact.
-- +goose StatementBegin
CREATE FUNCTION remit_anonymise_audit(p_client_key text, p_account text, p_replacement text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    IF p_account !~ '^[A-Za-z0-9:_-]+$' OR p_replacement !~ '^[A-Za-z0-9:_-]+$' THEN
        RAISE EXCEPTION 'invalid account id %', p_account USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM set_config('remit.allow_anonymise', 'on', true);
    UPDATE audit_log SET
        actor  = CASE WHEN actor = p_account THEN p_replacement ELSE actor END,
        before = CASE WHEN before IS NULL THEN NULL ELSE replace(before::text, '"' || p_account || '"', '"' || p_replacement || '"')::jsonb END,
        after  = CASE WHEN after IS NULL THEN NULL ELSE replace(after::text, '"' || p_account || '"', '"' || p_replacement || '"')::jsonb END
    WHERE client_key = p_client_key
      AND (actor = p_account
           OR strpos(coalesce(before::text, ''), '"' || p_account || '"') > 0
           OR strpos(coalesce(after::text, ''), '"' || p_account || '"') > 0);
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('remit.allow_anonymise', 'off', true);
    RETURN n;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION remit_anonymise_audit(text, text, text);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION remit_audit_log_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('remit.allow_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
DROP TABLE account_reports;
DROP TABLE forge_tokens;
