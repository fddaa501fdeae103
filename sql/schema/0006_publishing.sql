-- 0006_publishing.sql: the publishing pipeline.  Contracts stored by
-- content, the version lifecycle enforced here as well as in C, its
-- history, approvals, policy rules, registry state and outbox routing.

-- OpenAPI documents, addressed by the SHA-256 of their canonical JSON.
-- A row never changes: a published version's contract is immutable
-- because what it points at cannot be rewritten.  json, not jsonb: the
-- document keeps its own order of paths and operations.
CREATE TABLE contracts (
    sha256        text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    document      json NOT NULL CHECK (json_typeof(document) = 'object'),
    source_format text NOT NULL CHECK (source_format IN ('json', 'yaml')),
    bytes         integer NOT NULL CHECK (bytes > 0),
    created_at    timestamptz NOT NULL DEFAULT now()
);
REVOKE UPDATE, DELETE, TRUNCATE ON contracts FROM mkt_app, PUBLIC;

ALTER TABLE service_versions
    DROP COLUMN openapi,
    ADD COLUMN contract_sha256 text REFERENCES contracts (sha256),
    ADD COLUMN changelog text NOT NULL DEFAULT ''
        CHECK (length(changelog) <= 5000),
    ADD COLUMN subscription_price_monthly numeric(20, 6)
        CHECK (subscription_price_monthly >= 0),
    -- [{"name": "standard", "up_to_mtok": 100, "input_per_mtok": …}, …]
    ADD COLUMN pricing_tiers jsonb NOT NULL DEFAULT '[]'
        CHECK (jsonb_typeof(pricing_tiers) = 'array'),
    -- The pipeline's outcome, step by step (contract, breaking changes,
    -- policy, tests, approval), as shown on the service's page.
    ADD COLUMN report jsonb NOT NULL DEFAULT '{}'
        CHECK (jsonb_typeof(report) = 'object'),
    ADD COLUMN published_by uuid REFERENCES users (id),
    ADD CONSTRAINT service_versions_sunset_check
        CHECK (status <> 'deprecated' OR sunset_at IS NOT NULL);

ALTER TABLE services
    -- The provider's credential for its endpoint, sealed (AES-256-GCM,
    -- key from the configuration file); never shown again.
    ADD COLUMN endpoint_secret text,
    ADD COLUMN data_retention_days integer
        CHECK (data_retention_days BETWEEN 0 AND 36500),
    ADD COLUMN training_use boolean NOT NULL DEFAULT false,
    ADD COLUMN registry_status text NOT NULL DEFAULT 'unregistered'
        CHECK (registry_status IN ('unregistered', 'pending', 'registered',
                                   'duplicate', 'failed')),
    ADD COLUMN registry_error text,
    ADD COLUMN registry_synced_at timestamptz,
    ADD COLUMN provenance jsonb NOT NULL DEFAULT '{}'
        CHECK (jsonb_typeof(provenance) = 'object'),
    ADD COLUMN created_by uuid REFERENCES users (id);
CREATE UNIQUE INDEX services_registry_id_idx ON services (registry_id)
    WHERE registry_id IS NOT NULL;

-- ---- the lifecycle ----

CREATE TABLE lifecycle_transitions (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO lifecycle_transitions VALUES
    ('pending_approval',  'active'),
    ('pending_approval',  'failed_validation'),
    ('pending_approval',  'retired'),
    ('failed_validation', 'pending_approval'),
    ('failed_validation', 'active'),
    ('failed_validation', 'retired'),
    ('active',            'deprecated'),
    ('active',            'suspended'),
    ('deprecated',        'retired'),
    ('deprecated',        'suspended'),
    ('suspended',         'active'),
    ('suspended',         'deprecated'),
    ('suspended',         'retired');
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON lifecycle_transitions
    FROM mkt_app, PUBLIC;

-- Every status a version went through, written by the trigger below so
-- that no path can change a status without leaving a line.  The program
-- names the actor and the reason with set_config('mkt.actor_id', …, true)
-- and set_config('mkt.reason', …, true) in its transaction.
CREATE TABLE version_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version_id  uuid NOT NULL REFERENCES service_versions (id)
                ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    from_status text,
    to_status   text NOT NULL,
    actor_id    uuid,
    reason      text
);
CREATE INDEX version_history_version_idx ON version_history (version_id, id);
REVOKE UPDATE, DELETE, TRUNCATE ON version_history FROM mkt_app, PUBLIC;

CREATE FUNCTION service_versions_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version IS DISTINCT FROM OLD.version
       OR NEW.service_id IS DISTINCT FROM OLD.service_id
       OR (OLD.contract_sha256 IS NOT NULL
           AND NEW.contract_sha256 IS DISTINCT FROM OLD.contract_sha256) THEN
        RAISE EXCEPTION 'version % is published: its number and contract '
            'cannot change; publish a new version instead', OLD.version
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT EXISTS (SELECT 1 FROM lifecycle_transitions
                       WHERE from_status = OLD.status
                         AND to_status = NEW.status) THEN
            RAISE EXCEPTION 'a version cannot go from % to %',
                OLD.status, NEW.status
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.status = 'deprecated' AND NEW.deprecated_at IS NULL THEN
            NEW.deprecated_at := now();
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER service_versions_guard BEFORE UPDATE ON service_versions
    FOR EACH ROW EXECUTE FUNCTION service_versions_guard();

-- Records the status change and keeps the service's own status and
-- current version in step with its versions: the newest version in the
-- best state (active, then deprecated, suspended, pending, failed,
-- retired) speaks for the service.
CREATE FUNCTION service_versions_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cur record;
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO version_history (version_id, from_status, to_status,
                                     actor_id, reason)
        VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
                NEW.status,
                nullif(current_setting('mkt.actor_id', true), '')::uuid,
                nullif(current_setting('mkt.reason', true), ''));
        SELECT id, status INTO cur FROM service_versions
        WHERE service_id = NEW.service_id
        ORDER BY array_position(ARRAY['active', 'deprecated', 'suspended',
                     'pending_approval', 'failed_validation', 'retired'],
                     status),
                 created_at DESC, id DESC
        LIMIT 1;
        UPDATE services SET status = cur.status,
                            current_version_id = cur.id,
                            updated_at = now()
        WHERE id = NEW.service_id
          AND (status IS DISTINCT FROM cur.status
               OR current_version_id IS DISTINCT FROM cur.id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER service_versions_follow
    AFTER INSERT OR UPDATE OF status ON service_versions
    FOR EACH ROW EXECUTE FUNCTION service_versions_follow();

-- ---- approvals ----

CREATE TABLE approvals (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    version_id   uuid NOT NULL UNIQUE REFERENCES service_versions (id)
                 ON DELETE CASCADE,
    reasons      jsonb NOT NULL DEFAULT '[]'
                 CHECK (jsonb_typeof(reasons) = 'array'),
    requested_at timestamptz NOT NULL DEFAULT now(),
    decision     text CHECK (decision IN ('approved', 'rejected')),
    decided_by   uuid REFERENCES users (id),
    decided_at   timestamptz,
    reason       text CHECK (length(reason) <= 2000),
    CHECK ((decision IS NULL) = (decided_at IS NULL)),
    CHECK (decision IS DISTINCT FROM 'rejected' OR length(reason) > 0)
);
CREATE INDEX approvals_open_idx ON approvals (requested_at)
    WHERE decision IS NULL;

-- ---- policies ----

-- One rule per row (the rule's grammar is in cgi/lib/market.h, "policy
-- rules").  kind 'check': a "block" violation refuses the version, a
-- "warn" one is shown.  kind 'approval': a violated rule sends the
-- version to the administrators' approval queue.
CREATE TABLE policies (
    id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    kind       text NOT NULL DEFAULT 'check'
               CHECK (kind IN ('check', 'approval')),
    rule       jsonb NOT NULL CHECK (jsonb_typeof(rule) = 'object'
                                     AND rule->>'id' = id),
    enabled    boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO policies (id, kind, rule) VALUES
('https-endpoint', 'check', '{"id": "https-endpoint",
  "field": "derived.endpoint_secure", "op": "eq", "value": true,
  "severity": "block",
  "message": "The endpoint must be an https:// URL (plain http is accepted only for loopback addresses in development mode)."}'),
('price-present', 'check', '{"id": "price-present",
  "field": "derived.has_price", "op": "eq", "value": true,
  "severity": "block",
  "message": "A version needs a price: per-token input or output, per request, a subscription or a tier."}'),
('sla-max-latency', 'check', '{"id": "sla-max-latency",
  "field": "sla.max_latency_ms", "op": "exists",
  "severity": "block",
  "message": "The SLA must promise a maximum latency (sla.max_latency_ms)."}'),
('sla-latency-bound', 'check', '{"id": "sla-latency-bound",
  "field": "sla.max_latency_ms", "op": "lte", "value": 120000,
  "when": {"field": "sla.max_latency_ms", "op": "exists"},
  "severity": "warn",
  "message": "A maximum latency above two minutes is longer than the gateway waits."}'),
('confidential-certified', 'check', '{"id": "confidential-certified",
  "field": "certifications", "op": "contains_any",
  "value": ["SOC2", "ISO27001"],
  "when": {"field": "compliance_level", "op": "eq", "value": "confidential"},
  "severity": "block",
  "message": "Confidential services need a SOC2 or ISO27001 certification."}'),
('data-residency-allowed', 'check', '{"id": "data-residency-allowed",
  "field": "data_residency", "op": "subset_of",
  "value": ["AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES",
            "FI", "FR", "GB", "GR", "HR", "HU", "IE", "IS", "IT", "LI",
            "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE",
            "SI", "SK", "US", "EU"],
  "severity": "block",
  "message": "Data may reside only in the EU/EEA, Switzerland, the United Kingdom or the United States."}'),
('confidential-no-training', 'check', '{"id": "confidential-no-training",
  "field": "training_use", "op": "eq", "value": false,
  "when": {"field": "compliance_level", "op": "eq", "value": "confidential"},
  "severity": "block",
  "message": "A confidential service must not train on customer data."}'),
('internal-no-training', 'check', '{"id": "internal-no-training",
  "field": "training_use", "op": "eq", "value": false,
  "when": {"field": "compliance_level", "op": "eq", "value": "internal"},
  "severity": "warn",
  "message": "This service trains on customer data: internal data sent to it may be used for training."}'),
('description-present', 'check', '{"id": "description-present",
  "field": "description", "op": "exists", "severity": "warn",
  "message": "A description helps consumers find and choose the service."}'),
('confidential-approval', 'approval', '{"id": "confidential-approval",
  "field": "compliance_level", "op": "ne", "value": "confidential",
  "severity": "warn",
  "message": "Confidential services are approved by an administrator."}'),
('first-service-approval', 'approval', '{"id": "first-service-approval",
  "field": "derived.provider_listed_services", "op": "gte", "value": 1,
  "severity": "warn",
  "message": "A provider''s first service is approved by an administrator."}');

-- ---- registry and outbox ----

-- Each outbox row goes to one destination: 'registry' (the LLM-Registry,
-- delivered by "marketctl outbox") or 'analytics' (the analytics hub).
ALTER TABLE outbox ADD COLUMN destination text NOT NULL DEFAULT 'analytics'
    CHECK (destination IN ('registry', 'analytics'));
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx ON outbox (destination, available_at, id)
    WHERE delivered_at IS NULL;

-- Wakes a waiting "marketctl outbox" the moment a row commits.
CREATE FUNCTION outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox', NEW.destination);
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH ROW EXECUTE FUNCTION outbox_notify();

-- Registry webhook deliveries already applied: a replay inside the
-- timestamp window is recognised by its event id.
CREATE TABLE registry_webhook_events (
    event_id    text PRIMARY KEY CHECK (length(event_id) BETWEEN 1 AND 200),
    received_at timestamptz NOT NULL DEFAULT now()
);
