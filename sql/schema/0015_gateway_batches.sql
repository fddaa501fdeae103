-- 0015_gateway_batches.sql: the gateway's reservations and settlements
-- in batches (group commit).
--
-- A gateway process gathers the calls that need a reservation, or a
-- settlement, at the same moment and sends them in one statement: one
-- round trip and one transaction for all of them (cgi/lib/batch.c).  A
-- settlement now commits the usage record and the counters together,
-- durably: the counters of the month can no longer lag behind the usage
-- records after a crash.
--
-- Leases.  A reservation may hold several calls of one kind at once (the
-- same subscription and version, prompts and answers up to a size): the
-- gateway asks for more than one when calls come fast, draws on them in
-- memory, and gives back what it did not draw within a second.  A lease
-- never takes more than a sixteenth of what is left of any limit, so
-- near a limit every call reserves for itself alone, exactly as before.
--
-- Lock order.  A batch holds the rows of several subscriptions and
-- organisations at once; two processes' batches must not wait for each
-- other in a circle.  Everything that locks more than one of these rows
-- takes them in one order: subscriptions by id, then organisations by
-- id (gateway_lock).

ALTER TABLE gateway_reservations
    -- how many calls it still holds (drawn or not); 0: deleted
    ADD COLUMN calls integer NOT NULL DEFAULT 1 CHECK (calls >= 0),
    -- what one of them holds (amount and tokens are calls times these)
    ADD COLUMN unit_amount numeric(20, 8),
    ADD COLUMN unit_tokens bigint;
UPDATE gateway_reservations SET unit_amount = amount, unit_tokens = tokens;
ALTER TABLE gateway_reservations
    ALTER COLUMN unit_amount SET NOT NULL,
    ALTER COLUMN unit_tokens SET NOT NULL;

-- Locks the subscriptions, the organisations that pay for them and
-- p_orgs, in the one order.  A single call's functions (gateway_return,
-- gateway_release) take one subscription and then its organisation,
-- which is the same order.
CREATE FUNCTION gateway_lock(p_subscriptions uuid[],
                             p_orgs uuid[] DEFAULT '{}') RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM subscriptions
      WHERE id = ANY (p_subscriptions) ORDER BY id FOR UPDATE;
    -- (= ANY of an array: an index scan, where IN (subquery) OR ...
    -- read the whole table)
    PERFORM 1 FROM organizations
      WHERE id = ANY (ARRAY(
                SELECT coalesce(s.organization_id, u.organization_id)
                  FROM subscriptions s JOIN users u ON u.id = s.user_id
                 WHERE s.id = ANY (p_subscriptions)) || p_orgs)
      ORDER BY id FOR UPDATE;
END
$$;

-- Reserves for several calls, in their order: each call's worst case
-- (its prompt estimate and all it may generate, at the version's prices)
-- against its plan's monthly quotas and budget and its organisation's
-- budget, with the calls before it in the batch counted.  A call refused leaves the others untouched.  A call
-- may ask for a lease ("calls" > 1): it gets as many units as it asked,
-- at most a sixteenth of what is left of any limit, at least one.
-- Each subscription and organisation row is written once per batch,
-- however many calls it pays for: a hot row written once per call grows
-- a chain of row versions that every later call has to walk.  Commits
-- asynchronously: the transaction holds hot rows and must not wait for
-- a WAL flush while others queue behind it; losing it in a crash loses
-- the reservation with its counter, which is harmless (the call dies
-- with the server).
-- p_calls: [{"request", "subscription", "version", "tokens_in",
-- "tokens_out", "ttl", "calls"}, ...]; one row per call, ord counting
-- from 1; outcome 'ok', or what would be exceeded: 'requests', 'tokens',
-- 'budget', 'org_budget', or 'inactive'; granted: the calls held.
CREATE FUNCTION gateway_reserve_batch(p_calls json)
RETURNS TABLE (ord integer, outcome text, hold_amount numeric,
               hold_tokens bigint, payer uuid, granted integer)
LANGUAGE plpgsql AS $$
DECLARE
    c        record;
    s        subscriptions%ROWTYPE;
    p        plans%ROWTYPE;
    month    date := gateway_month();
    cur      uuid;              -- the subscription being counted
    live     boolean;
    add_n    integer;           -- what the batch adds to it so far
    add_tok  bigint;
    add_amt  numeric;
    org_pay  uuid;
    room     numeric;           -- units the tightest limit has left
    left_r   numeric;
    left_t   numeric;
    left_b   numeric;
    left_o   numeric;
    -- the organisations met so far, what they have, what the batch adds
    orgs     uuid[] := '{}';
    org_left numeric[] := '{}'; -- NULL: no budget
    org_add  numeric[] := '{}';
    i        integer;
    -- the reservations to write
    r_req    text[] := '{}';
    r_sub    uuid[] := '{}';
    r_org    uuid[] := '{}';
    r_amt    numeric[] := '{}';
    r_tok    bigint[] := '{}';
    r_n      integer[] := '{}';
    r_ttl    integer[] := '{}';
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    -- One subscription (the usual batch): its row, then its
    -- organisation's, below.  Several: all of them first, in order.
    IF (SELECT count(DISTINCT e->>'subscription')
          FROM json_array_elements(p_calls) e) > 1 THEN
        PERFORM gateway_lock(ARRAY(SELECT (e->>'subscription')::uuid
                                     FROM json_array_elements(p_calls) e));
    END IF;
    FOR c IN SELECT x.*
               FROM ROWS FROM (json_to_recordset(p_calls)
                      AS (request text, subscription uuid, version uuid,
                          tokens_in bigint, tokens_out bigint, ttl integer,
                          calls integer))
                    WITH ORDINALITY AS x(request, subscription, version,
                                         tokens_in, tokens_out, ttl, calls,
                                         n)
              ORDER BY x.subscription, x.n LOOP
        IF cur IS DISTINCT FROM c.subscription THEN
            IF cur IS NOT NULL AND live THEN
                UPDATE subscriptions
                   SET period = s.period, requests = s.requests,
                       tokens = s.tokens, spent = s.spent,
                       reserved = s.reserved + add_amt,
                       reserved_requests = s.reserved_requests + add_n,
                       reserved_tokens = s.reserved_tokens + add_tok
                 WHERE id = cur;
            END IF;
            cur := c.subscription;
            add_n := 0; add_tok := 0; add_amt := 0;
            SELECT * INTO s FROM subscriptions WHERE id = cur FOR UPDATE;
            live := FOUND AND s.status = 'active';
            IF live THEN
                IF s.period < month THEN
                    s.period := month;
                    s.requests := 0; s.tokens := 0; s.spent := 0;
                END IF;
                SELECT * INTO p FROM plans WHERE id = s.plan_id;
                SELECT coalesce(s.organization_id, u.organization_id)
                  INTO org_pay FROM users u WHERE u.id = s.user_id;
                IF org_pay IS NOT NULL
                   AND array_position(orgs, org_pay) IS NULL THEN
                    orgs := orgs || org_pay;
                    org_left := org_left || (
                        SELECT o.monthly_budget
                               - CASE WHEN o.budget_period < month THEN 0
                                      ELSE o.budget_spent END
                               - o.budget_reserved
                          FROM organizations o WHERE o.id = org_pay
                           FOR UPDATE);
                    org_add := org_add || 0::numeric;
                END IF;
            END IF;
        END IF;
        ord := c.n;
        payer := NULL;
        granted := 0;
        hold_tokens := c.tokens_in + c.tokens_out;
        hold_amount := coalesce(gateway_cost(c.version, c.tokens_in,
                                             c.tokens_out), 0);
        i := array_position(orgs, org_pay);
        left_r := p.monthly_requests - s.requests - s.reserved_requests
                  - add_n;
        left_t := (p.monthly_tokens - s.tokens - s.reserved_tokens - add_tok)
                  / nullif(hold_tokens, 0);
        left_b := (p.monthly_budget - s.spent - s.reserved - add_amt)
                  / nullif(hold_amount, 0);
        left_o := (org_left[i] - org_add[i]) / nullif(hold_amount, 0);
        IF NOT live THEN
            outcome := 'inactive';
        ELSIF left_r < 1 THEN
            outcome := 'requests';
        ELSIF left_t < 1 THEN
            outcome := 'tokens';
        ELSIF left_b < 1 THEN
            outcome := 'budget';
        ELSIF left_o < 1 THEN
            outcome := 'org_budget';
        ELSE
            outcome := 'ok';
            payer := org_pay;
            room := least(left_r, left_t, left_b, left_o);
            granted := greatest(1, least(greatest(coalesce(c.calls, 1), 1),
                                         coalesce(floor(room / 16), 1000000)));
            add_n := add_n + granted;
            add_tok := add_tok + granted * hold_tokens;
            add_amt := add_amt + granted * hold_amount;
            IF i IS NOT NULL THEN
                org_add[i] := org_add[i] + granted * hold_amount;
            END IF;
            r_req := r_req || c.request;
            r_sub := r_sub || cur;
            r_org := r_org || org_pay;
            r_amt := r_amt || hold_amount;
            r_tok := r_tok || hold_tokens;
            r_n := r_n || granted;
            r_ttl := r_ttl || c.ttl;
        END IF;
        RETURN NEXT;
    END LOOP;
    IF cur IS NOT NULL AND live THEN
        UPDATE subscriptions
           SET period = s.period, requests = s.requests, tokens = s.tokens,
               spent = s.spent, reserved = s.reserved + add_amt,
               reserved_requests = s.reserved_requests + add_n,
               reserved_tokens = s.reserved_tokens + add_tok
         WHERE id = cur;
    END IF;
    UPDATE organizations o
       SET budget_spent = CASE WHEN o.budget_period < month THEN 0
                               ELSE o.budget_spent END,
           budget_period = month,
           budget_reserved = o.budget_reserved + a.amount
      FROM unnest(orgs, org_add) AS a(id, amount)
     WHERE o.id = a.id AND a.amount > 0;
    INSERT INTO gateway_reservations (request_id, subscription_id,
                                      organization_id, amount, tokens,
                                      calls, unit_amount, unit_tokens,
                                      expires_at)
    SELECT x.req, x.sub, x.org, x.amt * x.n, x.tok * x.n, x.n, x.amt, x.tok,
           now() + make_interval(secs => x.ttl)
      FROM unnest(r_req, r_sub, r_org, r_amt, r_tok, r_n, r_ttl)
           AS x(req, sub, org, amt, tok, n, ttl);
END
$$;

-- Settles several calls in one durable transaction: for each, the end
-- of its reservation, its usage record, an SLA breach when it was slower
-- than promised (with its outbox event), the key's last use (at most
-- once a minute); and, once per subscription and organisation, the
-- month's counters: what was reserved given back, what was used added.
-- The gateway reports a call's success only after this has committed.
-- p_calls: [{"reservation", "request", "service", "version", "consumer",
-- "key", "org", "subscription", "tokens_in", "tokens_out", "estimated",
-- "latency_ms", "ttfb_ms", "status", "max_latency_ms"}, ...].  One row
-- per call: the cost charged (calls the provider failed are not charged;
-- a stream cut short is, for what it delivered), whether its reservation
-- was still there (not swept), and the tokens that count.
CREATE FUNCTION gateway_settle_batch(p_calls json)
RETURNS TABLE (ord integer, charged numeric, released boolean,
               counted bigint)
LANGUAGE plpgsql AS $$
DECLARE
    month date := gateway_month();
    subs  uuid[];
    orgs  uuid[];
BEGIN
    -- Durable, whatever a function called before in this transaction
    -- set: this is the usage record.
    PERFORM set_config('synchronous_commit', 'on', true);
    -- Several rows to change: all locked first, in the one order.  One
    -- subscription and no organisation (the usual batch of a person's
    -- calls): its row alone, which the statement below locks itself.
    -- (The reservations are the process's own: no other transaction
    -- waits for them but the sweep of a dead process's.)
    subs := ARRAY(SELECT DISTINCT (e->>'subscription')::uuid
                    FROM json_array_elements(p_calls) e);
    orgs := ARRAY(SELECT DISTINCT (e->>'org')::uuid
                    FROM json_array_elements(p_calls) e
                   WHERE e->>'org' IS NOT NULL);
    IF cardinality(subs) > 1 OR cardinality(orgs) > 0 THEN
        PERFORM gateway_lock(subs, orgs);
    END IF;
    RETURN QUERY
    WITH c AS MATERIALIZED (
        SELECT x.*,
               CASE WHEN x.status IN ('success', 'partial', 'client_closed')
                    THEN coalesce(gateway_cost(x.version, x.tokens_in,
                                               x.tokens_out), 0)
                    ELSE 0 END AS cost,
               CASE WHEN x.status IN ('success', 'partial', 'client_closed')
                    THEN x.tokens_in::bigint + x.tokens_out
                    ELSE 0 END AS tokens
          FROM ROWS FROM (json_to_recordset(p_calls)
                 AS (reservation text, request text, service uuid,
                     version uuid, consumer uuid, key uuid, org uuid,
                     subscription uuid, tokens_in integer,
                     tokens_out integer, estimated boolean,
                     latency_ms integer, ttfb_ms integer, status text,
                     max_latency_ms integer))
               WITH ORDINALITY AS x(reservation, request, service, version,
                                    consumer, key, org, subscription,
                                    tokens_in, tokens_out, estimated,
                                    latency_ms, ttfb_ms, status,
                                    max_latency_ms, n)
    ), gone AS (
        -- One unit of its reservation per call (a lease holds several);
        -- a reservation left with none is deleted below.
        UPDATE gateway_reservations g
           SET calls = g.calls - a.n,
               amount = g.amount - a.n * g.unit_amount,
               tokens = g.tokens - a.n * g.unit_tokens
          FROM (SELECT c.reservation, count(*)::integer AS n
                  FROM c GROUP BY c.reservation) a
         WHERE g.request_id = a.reservation AND g.calls >= a.n
        RETURNING g.request_id, g.unit_amount, g.unit_tokens
    ), cg AS MATERIALIZED (
        SELECT c.*, gone.request_id IS NOT NULL AS was_held,
               coalesce(gone.unit_amount, 0) AS held_amount,
               coalesce(gone.unit_tokens, 0) AS held_tokens
          FROM c LEFT JOIN gone ON gone.request_id = c.reservation
    ), usage AS (
        INSERT INTO usage_records (request_id, service_id, version_id,
                                   consumer_id, api_key_id, organization_id,
                                   subscription_id, tokens_in, tokens_out,
                                   estimated, cost, latency_ms, ttfb_ms,
                                   status)
        SELECT c.request, c.service, c.version, c.consumer, c.key, c.org,
               c.subscription, c.tokens_in, c.tokens_out, c.estimated,
               c.cost, c.latency_ms, c.ttfb_ms, c.status
          FROM c ORDER BY c.n
    ), slow AS MATERIALIZED (
        SELECT c.* FROM c
         WHERE c.max_latency_ms IS NOT NULL
           AND c.latency_ms > c.max_latency_ms
    ), breach AS (
        INSERT INTO sla_breaches (service_id, version_id, request_id, kind,
                                  observed_ms, promised_ms)
        SELECT slow.service, slow.version, slow.request, 'latency',
               slow.latency_ms, slow.max_latency_ms FROM slow
    ), event AS (
        INSERT INTO outbox (destination, event_type, aggregate_type,
                            aggregate_id, payload)
        SELECT 'analytics', 'sla_breached', 'service', slow.service::text,
               jsonb_build_object('service_id', slow.service,
                                  'version_id', slow.version,
                                  'request_id', slow.request,
                                  'latency_ms', slow.latency_ms,
                                  'max_latency_ms', slow.max_latency_ms)
          FROM slow ORDER BY slow.n
    ), used AS (
        UPDATE api_keys k SET last_used_at = now()
         WHERE k.id IN (SELECT c.key FROM c)
           AND (k.last_used_at IS NULL
                OR k.last_used_at < now() - interval '1 minute')
    ), subs AS (
        UPDATE subscriptions s
           SET reserved = greatest(s.reserved - a.amount, 0),
               reserved_requests = greatest(s.reserved_requests - a.held, 0),
               reserved_tokens = greatest(s.reserved_tokens - a.held_tokens, 0),
               requests = CASE WHEN s.period = month THEN s.requests ELSE 0 END
                          + a.calls,
               tokens = CASE WHEN s.period = month THEN s.tokens ELSE 0 END
                        + a.tokens,
               spent = CASE WHEN s.period = month THEN s.spent ELSE 0 END
                       + a.cost,
               period = month
          FROM (SELECT cg.subscription, sum(cg.held_amount) AS amount,
                       count(*) FILTER (WHERE cg.was_held)::integer AS held,
                       sum(cg.held_tokens) AS held_tokens,
                       count(*) AS calls, sum(cg.tokens) AS tokens,
                       sum(cg.cost) AS cost
                  FROM cg GROUP BY cg.subscription) a
         WHERE s.id = a.subscription
    ), orgs AS (
        UPDATE organizations o
           SET budget_reserved = greatest(o.budget_reserved - a.amount, 0),
               budget_spent = CASE WHEN o.budget_period = month
                                   THEN o.budget_spent ELSE 0 END + a.cost,
               budget_period = month
          FROM (SELECT cg.org, sum(cg.held_amount) AS amount,
                       sum(cg.cost) AS cost
                  FROM cg WHERE cg.org IS NOT NULL GROUP BY cg.org) a
         WHERE o.id = a.org
    )
    SELECT cg.n::integer, cg.cost, cg.was_held, cg.tokens
      FROM cg ORDER BY cg.n;
    DELETE FROM gateway_reservations
     WHERE request_id IN (SELECT e->>'reservation'
                            FROM json_array_elements(p_calls) e)
       AND calls = 0;
END
$$;

-- Gives back what a lease holds and the gateway did not draw (p_calls
-- of its calls); the calls drawn stay held until they settle.  false
-- when the lease is gone (swept) or holds fewer.
CREATE FUNCTION gateway_return(p_lease text, p_calls integer)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    g gateway_reservations%ROWTYPE;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    SELECT * INTO g FROM gateway_reservations WHERE request_id = p_lease;
    IF NOT FOUND OR p_calls < 1 OR g.calls < p_calls THEN
        RETURN false;
    END IF;
    -- The one order: the subscription, then its organisation.
    PERFORM 1 FROM subscriptions WHERE id = g.subscription_id FOR UPDATE;
    PERFORM 1 FROM organizations WHERE id = g.organization_id FOR UPDATE;
    UPDATE gateway_reservations
       SET calls = calls - p_calls,
           amount = amount - p_calls * unit_amount,
           tokens = tokens - p_calls * unit_tokens
     WHERE request_id = p_lease AND calls >= p_calls;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    DELETE FROM gateway_reservations WHERE request_id = p_lease AND calls = 0;
    PERFORM gateway_count(g.subscription_id, g.organization_id,
                          p_calls * g.unit_amount, p_calls * g.unit_tokens,
                          p_calls, 0, 0, 0);
    RETURN true;
END
$$;

-- gateway_release again: a lease gives back every call it holds, and
-- the rows are taken in the one order (subscription, organisation, then
-- the reservation, as a settlement takes them).
CREATE OR REPLACE FUNCTION gateway_release(p_request text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    g gateway_reservations%ROWTYPE;
BEGIN
    SELECT * INTO g FROM gateway_reservations WHERE request_id = p_request;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM 1 FROM subscriptions WHERE id = g.subscription_id FOR UPDATE;
    PERFORM 1 FROM organizations WHERE id = g.organization_id FOR UPDATE;
    DELETE FROM gateway_reservations WHERE request_id = p_request
    RETURNING * INTO g;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM gateway_count(g.subscription_id, g.organization_id, g.amount,
                          g.tokens, g.calls, 0, 0, 0);
    RETURN true;
END
$$;

-- gateway_sweep again, taking its rows in the one order: every row it
-- may change, all at once, before changing any.
CREATE OR REPLACE FUNCTION gateway_sweep() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    r     text;
    sid   uuid;
    oid_  uuid;
    freed integer := 0;
BEGIN
    PERFORM gateway_lock(
        ARRAY(SELECT subscription_id FROM gateway_reservations
               WHERE expires_at < now()
              UNION
              SELECT id FROM subscriptions
               WHERE reserved > 0 OR reserved_requests > 0),
        ARRAY(SELECT id FROM organizations WHERE budget_reserved > 0));
    FOR r IN SELECT request_id FROM gateway_reservations
              WHERE expires_at < now() FOR UPDATE SKIP LOCKED LOOP
        IF gateway_release(r) THEN
            freed := freed + 1;
        END IF;
    END LOOP;
    -- The counters set again from the live reservations (rows locked
    -- above; the locks below are this transaction's own already).
    FOR sid IN SELECT id FROM subscriptions
                WHERE reserved > 0 OR reserved_requests > 0
                ORDER BY id LOOP
        PERFORM 1 FROM subscriptions WHERE id = sid FOR UPDATE;
        UPDATE subscriptions s
           SET reserved = coalesce(g.amount, 0),
               reserved_tokens = coalesce(g.tokens, 0),
               reserved_requests = coalesce(g.n, 0)
          FROM (SELECT sum(amount) AS amount, sum(tokens) AS tokens,
                       sum(calls) AS n
                  FROM gateway_reservations WHERE subscription_id = sid) g
         WHERE s.id = sid;
    END LOOP;
    FOR oid_ IN SELECT id FROM organizations WHERE budget_reserved > 0
                 ORDER BY id LOOP
        PERFORM 1 FROM organizations WHERE id = oid_ FOR UPDATE;
        UPDATE organizations
           SET budget_reserved = coalesce((SELECT sum(amount)
                FROM gateway_reservations WHERE organization_id = oid_), 0)
         WHERE id = oid_;
    END LOOP;
    RETURN freed;
END
$$;

-- Superseded by the batches above: one call's reservation and record.
DROP FUNCTION gateway_reserve(text, uuid, uuid, bigint, bigint, integer);
DROP FUNCTION gateway_record(text, text, uuid, uuid, uuid, uuid, uuid, uuid,
                             integer, integer, boolean, integer, integer,
                             text, integer);
