-- 0002_usage_audit_outbox.sql: usage records (monthly partitions), the
-- audit log and the outbox.  Later migrations add the hash chain, the
-- privileges and the metering columns the gateway needs.

CREATE TABLE usage_records (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    request_id      text NOT NULL,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    service_id      uuid NOT NULL,
    version_id      uuid,
    consumer_id     uuid,
    api_key_id      uuid,
    organization_id uuid,
    tokens_in       integer NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
    tokens_out      integer NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
    estimated       boolean NOT NULL DEFAULT false,
    cost            numeric(20, 8) NOT NULL DEFAULT 0 CHECK (cost >= 0),
    latency_ms      integer,
    ttfb_ms         integer,
    status          text NOT NULL,
    PRIMARY KEY (id, occurred_at),
    UNIQUE (request_id, occurred_at)
) PARTITION BY RANGE (occurred_at);

CREATE TABLE usage_records_default PARTITION OF usage_records DEFAULT;

-- Creates the monthly partitions from 'first' for 'months' months; run by
-- the migration for the months around now and monthly from cron
-- (marketctl partitions).  Idempotent.
CREATE FUNCTION usage_ensure_partitions(first date, months integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    m       date := date_trunc('month', first)::date;
    name    text;
    created integer := 0;
BEGIN
    FOR i IN 1 .. months LOOP
        name := format('usage_records_y%sm%s', to_char(m, 'YYYY'),
                       to_char(m, 'MM'));
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF usage_records '
                           'FOR VALUES FROM (%L) TO (%L)',
                           name, m, (m + interval '1 month')::date);
            created := created + 1;
        END IF;
        m := (m + interval '1 month')::date;
    END LOOP;
    RETURN created;
END
$$;

SELECT usage_ensure_partitions((now() - interval '1 month')::date, 4);

CREATE INDEX usage_records_service_idx ON usage_records (service_id, occurred_at);
CREATE INDEX usage_records_consumer_idx ON usage_records (consumer_id, occurred_at);

-- Append-only; the chain columns are filled by the audit writer.
CREATE TABLE audit_log (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id             uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    actor_id       uuid,
    actor_type     text NOT NULL CHECK (actor_type IN ('user', 'api_key',
                                         'system', 'anonymous')),
    action         text NOT NULL,
    resource_type  text,
    resource_id    text,
    request_id     text,
    client_addr    inet,
    user_agent     text,
    details        jsonb NOT NULL DEFAULT '{}',
    prev_hash      bytea,
    hash           bytea
);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq);
CREATE INDEX audit_log_resource_idx ON audit_log (resource_type, resource_id, seq);
CREATE INDEX audit_log_time_idx ON audit_log (occurred_at);

-- Events for outside systems, written in the same transaction as the
-- change and delivered at least once by the worker (idempotent by
-- event_id on the receiving side).
CREATE TABLE outbox (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id       uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    event_type     text NOT NULL,
    aggregate_type text,
    aggregate_id   text,
    payload        jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    available_at   timestamptz NOT NULL DEFAULT now(),
    attempts       integer NOT NULL DEFAULT 0,
    delivered_at   timestamptz,
    last_error     text
);
CREATE INDEX outbox_pending_idx ON outbox (available_at)
    WHERE delivered_at IS NULL;
