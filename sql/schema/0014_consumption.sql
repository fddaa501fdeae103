-- 0014_consumption.sql: plans, subscriptions, API keys, and what the
-- gateway needs to meter exactly (FR-003): reservations that keep a
-- budget from being overspent under concurrency, settlements that write
-- the usage record, and SLA breaches.
--
-- The counters of the current month live on the subscription and on the
-- organisation row and are authoritative; memcached only holds the
-- per-minute rate-limit windows, which can be lost.

-- ---- plans ----

-- A plan is a set of limits a consumer subscribes to.  Plans with no
-- service are the catalog's defaults, offered for every service that
-- has none of its own.  NULL limits mean "no limit".
CREATE TABLE plans (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    service_id          uuid REFERENCES services (id) ON DELETE CASCADE,
    slug                text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    description         text NOT NULL DEFAULT ''
                        CHECK (length(description) <= 1000),
    requests_per_minute integer CHECK (requests_per_minute > 0),
    tokens_per_minute   integer CHECK (tokens_per_minute > 0),
    monthly_requests    bigint CHECK (monthly_requests > 0),
    monthly_tokens      bigint CHECK (monthly_tokens > 0),
    monthly_budget      numeric(20, 6) CHECK (monthly_budget >= 0),
    currency            char(3) NOT NULL DEFAULT 'USD',
    requires_approval   boolean NOT NULL DEFAULT false,
    active              boolean NOT NULL DEFAULT true,
    position            smallint NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (service_id, slug)
);

INSERT INTO plans (slug, name, description, requests_per_minute,
                   tokens_per_minute, monthly_requests, monthly_tokens,
                   monthly_budget, requires_approval, position) VALUES
('free', 'Free', 'To try a service: a few calls a minute, a small monthly allowance.',
 10, 20000, 1000, 1000000, 5, false, 1),
('standard', 'Standard', 'For applications in development and light production.',
 100, 200000, 100000, 100000000, 500, false, 2),
('premium', 'Premium', 'For production traffic; the organisation''s budget still applies.',
 1000, 2000000, NULL, NULL, 10000, false, 3);

-- The plans a service offers: its own, or the catalog's defaults.
CREATE FUNCTION service_plans(service uuid) RETURNS SETOF plans
LANGUAGE sql STABLE AS $$
    SELECT * FROM plans p
     WHERE p.active
       AND (p.service_id = service
            OR (p.service_id IS NULL AND NOT EXISTS
                (SELECT 1 FROM plans o WHERE o.service_id = service AND o.active)))
     ORDER BY p.position, p.name
$$;

-- ---- organisation budgets (the unit of chargeback) ----

ALTER TABLE organizations
    ADD COLUMN monthly_budget  numeric(20, 6) CHECK (monthly_budget >= 0),
    ADD COLUMN budget_period   date NOT NULL DEFAULT date_trunc('month', now()),
    ADD COLUMN budget_spent    numeric(20, 8) NOT NULL DEFAULT 0,
    ADD COLUMN budget_reserved numeric(20, 8) NOT NULL DEFAULT 0
                               CHECK (budget_reserved >= 0),
    -- Where the organisation's data may be processed ('EU' or a country
    -- code); NULL: anywhere.  The gateway refuses services elsewhere.
    ADD COLUMN residency_required text
                               CHECK (residency_required ~ '^(EU|[A-Z]{2})$');

-- ---- subscriptions ----

CREATE TABLE subscriptions (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    service_id        uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    plan_id           uuid NOT NULL REFERENCES plans (id),
    user_id           uuid NOT NULL REFERENCES users (id),
    -- Set when the subscription is the organisation's: every member's
    -- keys may use it, and its spending counts against the organisation.
    organization_id   uuid REFERENCES organizations (id),
    status            text NOT NULL DEFAULT 'active'
                      CHECK (status IN ('pending', 'active', 'rejected',
                                        'cancelled', 'suspended')),
    reason            text CHECK (length(reason) <= 1000),
    created_at        timestamptz NOT NULL DEFAULT now(),
    decided_at        timestamptz,
    decided_by        uuid REFERENCES users (id),
    cancelled_at      timestamptz,
    -- This month's counters (reset when period is not the current month).
    period            date NOT NULL DEFAULT date_trunc('month', now()),
    requests          bigint NOT NULL DEFAULT 0,
    tokens            bigint NOT NULL DEFAULT 0,
    spent             numeric(20, 8) NOT NULL DEFAULT 0,
    reserved          numeric(20, 8) NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    reserved_requests integer NOT NULL DEFAULT 0 CHECK (reserved_requests >= 0),
    reserved_tokens   bigint NOT NULL DEFAULT 0 CHECK (reserved_tokens >= 0)
);
-- One live subscription per person (or organisation) and service.
CREATE UNIQUE INDEX subscriptions_live_idx
    ON subscriptions (service_id, user_id, coalesce(organization_id,
                      '00000000-0000-0000-0000-000000000000'))
    WHERE status IN ('pending', 'active');
CREATE INDEX subscriptions_user_idx ON subscriptions (user_id, created_at DESC);
CREATE INDEX subscriptions_org_idx ON subscriptions (organization_id)
    WHERE organization_id IS NOT NULL;
CREATE INDEX subscriptions_service_idx ON subscriptions (service_id, status);

-- ---- API keys ----

-- Only the SHA-256 of a key is stored (keys carry 192 random bits, so a
-- slow hash adds nothing); prefix and last4 let people recognise it.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    hash         text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    prefix       text NOT NULL,
    last4        text NOT NULL,
    -- The services it may call; NULL: every service its owner may use.
    scopes       uuid[],
    -- The key's own limits, under the plan's; NULL: the plan's only.
    requests_per_minute integer CHECK (requests_per_minute > 0),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    rotated_to   uuid REFERENCES api_keys (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id, created_at DESC);

-- ---- reservations and settlement ----

-- The worst case of each call in flight, held against the subscription's
-- and the organisation's budget until the call settles.  Rows left by a
-- process that died are released by "marketctl gateway-sweep".
CREATE TABLE gateway_reservations (
    request_id      text PRIMARY KEY,
    subscription_id uuid NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    organization_id uuid REFERENCES organizations (id),
    amount          numeric(20, 8) NOT NULL CHECK (amount >= 0),
    tokens          bigint NOT NULL CHECK (tokens >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL
);
CREATE INDEX gateway_reservations_expiry_idx ON gateway_reservations (expires_at);
CREATE INDEX gateway_reservations_subscription_idx
    ON gateway_reservations (subscription_id);

-- Which subscription paid for a call (reports, reconciliation).
ALTER TABLE usage_records ADD COLUMN subscription_id uuid;

CREATE TABLE sla_breaches (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id  uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    version_id  uuid,
    request_id  text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('latency', 'error')),
    observed_ms integer,
    promised_ms integer,
    occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sla_breaches_service_idx ON sla_breaches (service_id, occurred_at DESC);

-- Starts the month on a subscription or an organisation row when the
-- calendar moved on (called under the row's lock).
CREATE FUNCTION gateway_month() RETURNS date
LANGUAGE sql STABLE AS $$ SELECT date_trunc('month', now())::date $$;

-- What a call costs at a version's prices, exactly (numeric): tokens in
-- and out at the per-million prices, plus the price per request.
-- (plpgsql, not sql: a SQL function with a FROM clause is parsed and
-- planned again at every call; plpgsql keeps its plan per connection.)
CREATE FUNCTION gateway_cost(p_version uuid, p_in bigint, p_out bigint)
RETURNS numeric LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT round(coalesce(v.input_price_per_mtok, 0) * p_in / 1000000
                         + coalesce(v.output_price_per_mtok, 0) * p_out / 1000000
                         + coalesce(v.price_per_request, 0), 8)
              FROM service_versions v WHERE v.id = p_version);
END
$$;

-- Reserves the worst case of one call (its prompt estimate and all the
-- tokens it may generate, at the version's prices) against the subscription's plan and the
-- organisation's budget.  Returns 'ok', or what would be exceeded:
-- 'requests', 'tokens', 'budget', 'org_budget', or 'inactive'.
-- Row locks make concurrent reservations wait for each other, so the
-- sum of what is spent and reserved never passes a limit.
CREATE FUNCTION gateway_reserve(p_request text, p_subscription uuid,
                                p_version uuid, p_tokens_in bigint,
                                p_tokens_out bigint, p_ttl_seconds integer,
                                OUT outcome text, OUT hold_amount numeric,
                                OUT hold_tokens bigint, OUT payer uuid)
LANGUAGE plpgsql AS $$
DECLARE
    s        subscriptions%ROWTYPE;
    p        plans%ROWTYPE;
    o        organizations%ROWTYPE;
BEGIN
    -- This transaction holds the subscription's and the organisation's
    -- rows: it must not wait for a WAL flush while others queue behind
    -- it.  Losing it in a crash loses the reservation together with its
    -- counter, which is harmless (the call dies with the server).
    PERFORM set_config('synchronous_commit', 'off', true);
    hold_tokens := p_tokens_in + p_tokens_out;
    hold_amount := coalesce(gateway_cost(p_version, p_tokens_in, p_tokens_out), 0);
    SELECT * INTO s FROM subscriptions WHERE id = p_subscription FOR UPDATE;
    IF NOT FOUND OR s.status <> 'active' THEN
        outcome := 'inactive';
        RETURN;
    END IF;
    IF s.period < gateway_month() THEN
        s.period := gateway_month();
        s.requests := 0; s.tokens := 0; s.spent := 0;
    END IF;
    SELECT * INTO p FROM plans WHERE id = s.plan_id;
    IF p.monthly_requests IS NOT NULL
       AND s.requests + s.reserved_requests + 1 > p.monthly_requests THEN
        outcome := 'requests';
        RETURN;
    END IF;
    IF p.monthly_tokens IS NOT NULL
       AND s.tokens + s.reserved_tokens + hold_tokens > p.monthly_tokens THEN
        outcome := 'tokens';
        RETURN;
    END IF;
    IF p.monthly_budget IS NOT NULL
       AND s.spent + s.reserved + hold_amount > p.monthly_budget THEN
        outcome := 'budget';
        RETURN;
    END IF;
    -- The organisation pays for its members' subscriptions too.
    SELECT u.organization_id INTO payer FROM users u WHERE u.id = s.user_id;
    payer := coalesce(s.organization_id, payer);
    IF payer IS NOT NULL THEN
        SELECT * INTO o FROM organizations WHERE id = payer FOR UPDATE;
        IF o.budget_period < gateway_month() THEN
            o.budget_period := gateway_month();
            o.budget_spent := 0;
        END IF;
        IF o.monthly_budget IS NOT NULL
           AND o.budget_spent + o.budget_reserved + hold_amount > o.monthly_budget THEN
            outcome := 'org_budget';
            RETURN;
        END IF;
        UPDATE organizations
           SET budget_period = o.budget_period, budget_spent = o.budget_spent,
               budget_reserved = o.budget_reserved + hold_amount
         WHERE id = payer;
    END IF;
    UPDATE subscriptions
       SET period = s.period, requests = s.requests, tokens = s.tokens,
           spent = s.spent, reserved = s.reserved + hold_amount,
           reserved_requests = s.reserved_requests + 1,
           reserved_tokens = s.reserved_tokens + hold_tokens
     WHERE id = s.id;
    INSERT INTO gateway_reservations (request_id, subscription_id,
                                      organization_id, amount, tokens,
                                      expires_at)
    VALUES (p_request, s.id, payer, hold_amount, hold_tokens,
            now() + make_interval(secs => p_ttl_seconds));
    outcome := 'ok';
END
$$;

-- Counts a settled call on its subscription and organisation: gives
-- back what was reserved (when the reservation was still there) and adds
-- what the call really used.  Runs apart from the usage record, in a
-- short transaction on the hot rows (see gateway_record).
CREATE FUNCTION gateway_count(p_subscription uuid, p_org uuid,
                              p_amount numeric, p_reserved_tokens bigint,
                              p_reserved_requests integer, p_requests integer,
                              p_tokens bigint, p_cost numeric)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Hot rows again: no WAL flush under their locks.  A counter update
    -- lost in a crash can only keep too much reserved (gateway_sweep
    -- sets reserved again from the live reservations).
    PERFORM set_config('synchronous_commit', 'off', true);
    UPDATE subscriptions
       SET reserved = greatest(reserved - p_amount, 0),
           reserved_requests = greatest(reserved_requests - p_reserved_requests, 0),
           reserved_tokens = greatest(reserved_tokens - p_reserved_tokens, 0),
           requests = CASE WHEN period = gateway_month() THEN requests ELSE 0 END + p_requests,
           tokens = CASE WHEN period = gateway_month() THEN tokens ELSE 0 END + p_tokens,
           spent = CASE WHEN period = gateway_month() THEN spent ELSE 0 END + p_cost,
           period = gateway_month()
     WHERE id = p_subscription;
    IF p_org IS NOT NULL THEN
        UPDATE organizations
           SET budget_reserved = greatest(budget_reserved - p_amount, 0),
               budget_spent = CASE WHEN budget_period = gateway_month()
                                   THEN budget_spent ELSE 0 END + p_cost,
               budget_period = gateway_month()
         WHERE id = p_org;
    END IF;
END
$$;

-- Gives a reservation back without counting anything (a call refused
-- before the provider, or one whose process died).  false when it was
-- already gone.
CREATE FUNCTION gateway_release(p_request text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    g gateway_reservations%ROWTYPE;
BEGIN
    DELETE FROM gateway_reservations WHERE request_id = p_request
    RETURNING * INTO g;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM gateway_count(g.subscription_id, g.organization_id, g.amount,
                          g.tokens, 1, 0, 0, 0);
    RETURN true;
END
$$;

-- Records one call (one statement, one durable transaction): its usage
-- record, an SLA breach when it was slower than promised (with an
-- outbox event), the key's last use (at most once a minute), and the
-- end of its reservation.  It touches no row other calls share, so
-- concurrent calls commit together (one WAL flush for many); the
-- counters follow in gateway_count.  The gateway reports success only
-- after this has committed.  Returns the cost, whether the reservation
-- was still there (not swept), and the tokens that count.
CREATE FUNCTION gateway_record(p_reservation text, p_request text,
                               p_service uuid, p_version uuid,
                               p_consumer uuid, p_key uuid, p_org uuid,
                               p_subscription uuid,
                               p_tokens_in integer, p_tokens_out integer,
                               p_estimated boolean, p_latency_ms integer,
                               p_ttfb_ms integer, p_status text,
                               p_max_latency_ms integer,
                               OUT charged numeric, OUT released boolean,
                               OUT counted bigint)
LANGUAGE plpgsql AS $$
BEGIN
    -- Calls the provider failed are not charged; a stream cut short is,
    -- for what it delivered.
    charged := CASE WHEN p_status IN ('success', 'partial', 'client_closed')
                 THEN coalesce(gateway_cost(p_version, p_tokens_in,
                                            p_tokens_out), 0)
                 ELSE 0 END;
    -- The tokens that count against the plan's quotas: those of calls
    -- that are charged.
    counted := CASE WHEN p_status IN ('success', 'partial', 'client_closed')
                    THEN p_tokens_in + p_tokens_out ELSE 0 END;
    DELETE FROM gateway_reservations WHERE request_id = p_reservation;
    released := FOUND;
    INSERT INTO usage_records (request_id, service_id, version_id,
                               consumer_id, api_key_id, organization_id,
                               subscription_id, tokens_in, tokens_out,
                               estimated, cost, latency_ms, ttfb_ms, status)
    VALUES (p_request, p_service, p_version, p_consumer, p_key, p_org,
            p_subscription, p_tokens_in, p_tokens_out, p_estimated, charged,
            p_latency_ms, p_ttfb_ms, p_status);
    IF p_max_latency_ms IS NOT NULL AND p_latency_ms > p_max_latency_ms THEN
        INSERT INTO sla_breaches (service_id, version_id, request_id, kind,
                                  observed_ms, promised_ms)
        VALUES (p_service, p_version, p_request, 'latency', p_latency_ms,
                p_max_latency_ms);
        INSERT INTO outbox (destination, event_type, aggregate_type,
                            aggregate_id, payload)
        VALUES ('analytics', 'sla_breached', 'service', p_service::text,
                jsonb_build_object('service_id', p_service,
                                   'version_id', p_version,
                                   'request_id', p_request,
                                   'latency_ms', p_latency_ms,
                                   'max_latency_ms', p_max_latency_ms));
    END IF;
    UPDATE api_keys SET last_used_at = now()
     WHERE id = p_key
       AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
END
$$;

-- Releases what dead processes left: reservations past their expiry
-- (the call's timeout plus a minute).  Nothing is counted for them: the
-- call never reported success.  Then the reserved counters are set
-- again from the live reservations, for the rare counter update lost to
-- a database crash (the counters commit asynchronously; they can only
-- have kept too much reserved, never too little).  Returns how many
-- reservations were released.
CREATE FUNCTION gateway_sweep() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    r     text;
    sid   uuid;
    oid_  uuid;
    freed integer := 0;
BEGIN
    FOR r IN SELECT request_id FROM gateway_reservations
              WHERE expires_at < now() FOR UPDATE SKIP LOCKED LOOP
        IF gateway_release(r) THEN
            freed := freed + 1;
        END IF;
    END LOOP;
    -- The row lock first, then the sum: a reservation commits together
    -- with its counter, under the same lock.
    FOR sid IN SELECT id FROM subscriptions
                WHERE reserved > 0 OR reserved_requests > 0 LOOP
        PERFORM 1 FROM subscriptions WHERE id = sid FOR UPDATE;
        UPDATE subscriptions s
           SET reserved = coalesce(g.amount, 0),
               reserved_tokens = coalesce(g.tokens, 0),
               reserved_requests = coalesce(g.n, 0)
          FROM (SELECT sum(amount) AS amount, sum(tokens) AS tokens,
                       count(*) AS n
                  FROM gateway_reservations WHERE subscription_id = sid) g
         WHERE s.id = sid;
    END LOOP;
    FOR oid_ IN SELECT id FROM organizations WHERE budget_reserved > 0 LOOP
        PERFORM 1 FROM organizations WHERE id = oid_ FOR UPDATE;
        UPDATE organizations
           SET budget_reserved = coalesce((SELECT sum(amount)
                FROM gateway_reservations WHERE organization_id = oid_), 0)
         WHERE id = oid_;
    END LOOP;
    RETURN freed;
END
$$;

-- The SLA watch's rolling figures (30 days, "marketctl search-refresh"),
-- next to the p95 and availability that ranking already reads.
ALTER TABLE service_stats
    ADD COLUMN p50_latency_ms integer CHECK (p50_latency_ms >= 0),
    ADD COLUMN p99_latency_ms integer CHECK (p99_latency_ms >= 0),
    ADD COLUMN p50_ttfb_ms    integer CHECK (p50_ttfb_ms >= 0),
    ADD COLUMN error_rate     numeric(6, 3) CHECK (error_rate BETWEEN 0 AND 100),
    ADD COLUMN breaches_30d   bigint NOT NULL DEFAULT 0;

-- Usage now also comes from subscriptions: a subscriber may review.
CREATE OR REPLACE FUNCTION review_eligible(reader uuid, service uuid)
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT 1 FROM usage_records u
                    WHERE u.consumer_id = reader AND u.service_id = service)
        OR EXISTS (SELECT 1 FROM subscriptions s
                    WHERE s.user_id = reader AND s.service_id = service
                      AND s.status IN ('active', 'cancelled'))
$$;

-- GDPR erasure (0005_erasure.sql) also takes what the person wrote and
-- holds since: their reviews go (the rating follows, by the trigger of
-- 0011_reviews.sql), a reply or a moderation they made stays but no
-- longer names them, and their API keys are revoked (the key rows stay:
-- usage records point at them, and they name no one once the user is
-- erased).  The account's erasure stays as 0005 wrote it, under another
-- name, and is called first; the programs may call only erase_person().
ALTER FUNCTION erase_person(uuid) RENAME TO erase_account;
REVOKE ALL ON FUNCTION erase_account(uuid) FROM PUBLIC, mkt_app;

CREATE FUNCTION erase_person(subject uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    erased integer;
BEGIN
    erased := erase_account(subject);
    IF erased >= 0 THEN
        DELETE FROM reviews WHERE author_id = subject;
        UPDATE reviews SET replied_by = NULL WHERE replied_by = subject;
        UPDATE reviews SET hidden_by = NULL WHERE hidden_by = subject;
        UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()),
                            name = 'erased'
         WHERE user_id = subject;
    END IF;
    RETURN erased;
END
$$;
REVOKE ALL ON FUNCTION erase_person(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION erase_person(uuid) TO mkt_app;

-- Reservations and settlements go through the functions above; usage
-- records are written once and never changed by the programs.
REVOKE UPDATE, DELETE, TRUNCATE ON usage_records FROM mkt_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON sla_breaches FROM mkt_app;
GRANT INSERT ON sla_breaches TO mkt_app;
