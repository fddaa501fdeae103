-- 0004_audit_chain.sql: the audit log becomes an append-only SHA-256 hash
-- chain, its personal data moves to a side table that can be erased, and
-- the programs get a role of their own (mkt_app) that may append to the
-- log but never change it.

-- ---- the application role ----

-- The FastCGI programs connect as mkt_app, never as the owner of the
-- tables: privileges can then hold them to appending.  Created here when
-- missing (a DBA may have created it already, with a password).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mkt_app') THEN
        CREATE ROLE mkt_app LOGIN;
    END IF;
END
$$;

-- ---- the chain ----

-- Rows written before the chain existed (none are expected: the writer
-- refused until now) are set aside and appended again below, through the
-- trigger, so that every row of the table is chained.
CREATE TEMPORARY TABLE audit_log_unchained ON COMMIT DROP AS
    SELECT * FROM audit_log;
DELETE FROM audit_log;

-- seq now comes from the chain head, under its lock: seq order is chain
-- order and has no gaps, which an identity (cached, rolled back, never
-- reused) cannot promise.
ALTER TABLE audit_log ALTER COLUMN seq DROP IDENTITY;

-- The chain covers salted digests of the client address and user agent,
-- never the values, which live in audit_log_pii.  client_addr and
-- user_agent remain as write-only columns: a writer names them in its
-- INSERT, the trigger moves them to the side table and clears them, and
-- the constraint makes sure nothing personal is left behind.
ALTER TABLE audit_log
    ADD COLUMN client_addr_digest bytea,
    ADD COLUMN user_agent_digest bytea,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL,
    ADD CONSTRAINT audit_log_pii_moved
        CHECK (client_addr IS NULL AND user_agent IS NULL),
    ADD CONSTRAINT audit_log_details_object
        CHECK (jsonb_typeof(details) = 'object'),
    ADD CONSTRAINT audit_log_hash_size
        CHECK (length(hash) = 32 AND length(prev_hash) = 32);

-- Personal data of each row, with the random salt of its digests.
-- Erasing a person deletes their rows here: the chain still verifies, and
-- without the salt the digests left in audit_log cannot be reversed (an
-- unsalted digest of an IPv4 address could be, by trying all 2^32).
CREATE TABLE audit_log_pii (
    seq          bigint PRIMARY KEY,
    salt         bytea NOT NULL CHECK (length(salt) = 16),
    client_addr  inet,
    user_agent   text
);

-- The last link: one row, locked by every append until its transaction
-- ends, which serialises writers.  Starts from the genesis hash (32 zero
-- bytes).  It also records where the log must end, so that a deleted
-- last row is noticed.
CREATE TABLE audit_chain_head (
    one   boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq   bigint NOT NULL CHECK (seq >= 0),
    hash  bytea NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO audit_chain_head (seq, hash)
    VALUES (0, decode(repeat('00', 32), 'hex'));

-- A field of the canonical form: a 4-byte big-endian length and the
-- bytes, or ffffffff for NULL, so that no two different rows encode alike.
CREATE FUNCTION audit_field(b bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN b IS NULL THEN '\xffffffff'::bytea
                ELSE int4send(length(b)) || b END
$$;

-- The hash of a row (version 1 of the canonical form):
--   SHA-256("mkt-audit-v1" || field(prev_hash) || field(seq) || field(id)
--           || field(occurred_at) || field(actor_type) || field(actor_id)
--           || field(action) || field(resource_type) || field(resource_id)
--           || field(request_id) || field(client_addr_digest)
--           || field(user_agent_digest) || field(details))
-- with every value in PostgreSQL's binary form (integers and timestamps
-- big-endian, microseconds since 2000-01-01; uuids as 16 bytes), text in
-- UTF-8 and details as jsonb's own normalised text.  Nothing depends on
-- the session (time zone, date style, client encoding).  marketctl
-- audit-verify computes the same in C from the raw columns and does not
-- trust this function.
CREATE FUNCTION audit_row_hash(r audit_log) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT sha256('mkt-audit-v1'::bytea
        || audit_field(r.prev_hash)
        || audit_field(int8send(r.seq))
        || audit_field(uuid_send(r.id))
        || audit_field(timestamptz_send(r.occurred_at))
        || audit_field(convert_to(r.actor_type, 'UTF8'))
        || audit_field(uuid_send(r.actor_id))
        || audit_field(convert_to(r.action, 'UTF8'))
        || audit_field(convert_to(r.resource_type, 'UTF8'))
        || audit_field(convert_to(r.resource_id, 'UTF8'))
        || audit_field(convert_to(r.request_id, 'UTF8'))
        || audit_field(r.client_addr_digest)
        || audit_field(r.user_agent_digest)
        || audit_field(convert_to(r.details::text, 'UTF8')))
$$;

-- Appends a row to the chain: takes the head's lock (held until the
-- writer's transaction ends, which serialises writers), numbers the row,
-- moves its personal data to the side table and links the row to the
-- last one.  Whatever chain columns the writer gave are overwritten.
-- The last row is the head, or the newest row this transaction appended
-- since the head was last written: the head is moved once per statement
-- (audit_log_advance), not once per row, because every update of it in
-- one transaction leaves a row version the next lookup has to step over
-- (10,000 rows in one statement took 3 s instead of 0.3 s).
-- SECURITY DEFINER: the programs may write neither the side table nor
-- the head themselves.  pg_temp comes last in its search_path, or a
-- temporary table of the caller's named audit_chain_head would be used.
CREATE FUNCTION audit_log_append() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    head  audit_chain_head;
    last  record;
    salt  bytea;
BEGIN
    SELECT * INTO STRICT head FROM audit_chain_head WHERE one FOR UPDATE;
    -- Only this transaction can have rows past the head: others append
    -- under the lock and move the head before they commit.  A row deleted
    -- from the end (by a superuser) leaves the head ahead of the log, and
    -- the next row then leaves a gap that audit-verify reports.
    SELECT a.seq, a.hash INTO last FROM audit_log a
        ORDER BY a.seq DESC LIMIT 1;
    IF FOUND AND last.seq > head.seq THEN
        head.seq := last.seq;
        head.hash := last.hash;
    END IF;
    NEW.seq := head.seq + 1;
    NEW.prev_hash := head.hash;
    NEW.client_addr_digest := NULL;
    NEW.user_agent_digest := NULL;
    IF NEW.client_addr IS NOT NULL OR NEW.user_agent IS NOT NULL THEN
        salt := uuid_send(gen_random_uuid());
        NEW.client_addr_digest := sha256(salt || inet_send(NEW.client_addr));
        NEW.user_agent_digest :=
            sha256(salt || convert_to(NEW.user_agent, 'UTF8'));
        INSERT INTO audit_log_pii (seq, salt, client_addr, user_agent)
            VALUES (NEW.seq, salt, NEW.client_addr, NEW.user_agent);
        NEW.client_addr := NULL;
        NEW.user_agent := NULL;
    END IF;
    NEW.hash := audit_row_hash(NEW);
    RETURN NEW;
END
$$;

-- Moves the head to the last row at the end of every INSERT statement
-- that appended (under the lock the append took), never backwards.
CREATE FUNCTION audit_log_advance() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE audit_chain_head h SET seq = l.seq, hash = l.hash
        FROM (SELECT a.seq, a.hash FROM audit_log a
              ORDER BY a.seq DESC LIMIT 1) l
        WHERE h.one AND l.seq > h.seq;
    RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION audit_log_append(), audit_log_advance() FROM PUBLIC;

-- Refuses changes for everyone, the owner included; only a superuser who
-- turns triggers off (session_replication_role = replica) gets past, and
-- marketctl audit-verify then finds the changed row.
CREATE FUNCTION audit_log_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: the audit trail is append-only',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append();
CREATE TRIGGER audit_log_advance AFTER INSERT ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_advance();
-- Statement-level, so that even a statement that matches no row fails.
CREATE TRIGGER audit_log_refuse BEFORE UPDATE OR DELETE OR TRUNCATE
    ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
-- The head is only ever updated, by the append trigger.
CREATE TRIGGER audit_chain_head_refuse BEFORE INSERT OR DELETE OR TRUNCATE
    ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

INSERT INTO audit_log (id, occurred_at, actor_id, actor_type, action,
                       resource_type, resource_id, request_id, client_addr,
                       user_agent, details)
    SELECT id, occurred_at, actor_id, actor_type, action, resource_type,
           resource_id, request_id, client_addr, user_agent, details
    FROM audit_log_unchained ORDER BY seq;

-- ---- privileges of the programs ----

GRANT USAGE ON SCHEMA public TO mkt_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO mkt_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO mkt_app;
-- Tables and sequences later migrations create (as this same owner).
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO mkt_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE ON SEQUENCES TO mkt_app;

-- The audit trail: append and read, nothing else.  The side table and the
-- head are written by the trigger alone; migrations by marketctl alone.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM mkt_app, PUBLIC;
REVOKE ALL ON audit_log_pii, audit_chain_head, schema_migrations
    FROM mkt_app, PUBLIC;
GRANT SELECT ON audit_log_pii, audit_chain_head, schema_migrations TO mkt_app;
