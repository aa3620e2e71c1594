-- +goose Up
-- Append-only record of every change: who, when, what, before and after.
-- Rows are never updated; they are deleted only by remit_purge_audit, which
-- the retention sweep calls when a tenant's data is erased.
CREATE TABLE audit_log (
    id        bigserial   PRIMARY KEY,
    client_key text       NOT NULL REFERENCES tenants (client_key),
    at        timestamptz NOT NULL,
    actor     text        NOT NULL,
    entity    text        NOT NULL,
    entity_id text        NOT NULL,
    action    text        NOT NULL,
    before    jsonb       NULL,
    after     jsonb       NULL
);

CREATE INDEX audit_log_entity_idx ON audit_log (client_key, entity, entity_id, id);
CREATE INDEX audit_log_client_key_id_idx ON audit_log (client_key, id);

-- +goose StatementBegin
CREATE FUNCTION remit_audit_log_guard() RETURNS trigger
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

CREATE TRIGGER audit_log_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION remit_audit_log_guard();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION remit_audit_log_guard();

-- remit_purge_audit deletes one tenant's audit rows for retention. The purge
-- switch is set for the current transaction only (set_config(..., true)).
-- +goose StatementBegin
CREATE FUNCTION remit_purge_audit(p_client_key text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    PERFORM set_config('remit.allow_purge', 'on', true);
    DELETE FROM audit_log WHERE client_key = p_client_key;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('remit.allow_purge', 'off', true);
    RETURN n;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION remit_purge_audit(text);
DROP FUNCTION remit_audit_log_guard();
