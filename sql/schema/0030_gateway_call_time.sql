-- 0030_gateway_call_time.sql: a usage record bears the time and the
-- price of its call, not those of the moment it reached PostgreSQL.
--
-- Since 0029 a record waits in its gateway's journal before it is
-- shipped: some milliseconds, but after a crash until the next gateway
-- process looks (10 s), and for a journal copied from a dead machine,
-- as long as that took.  The time it was inserted is then not the time
-- of the call, which the usage pages, the reports and an auditor read.
--
-- Each call now carries "at" (ISO 8601, written by the gateway when the
-- call ended); usage_records.occurred_at and an SLA breach's time are
-- that, or now() for a call without one.  Never later than now(): a
-- gateway whose clock runs ahead does not date a call in the future (or
-- in a month that has not begun).  A call of an earlier month
-- (shipped after the month turned) is charged nothing of the new
-- month's quota and budget: the subscription's and the organisation's
-- counters are the current month's, and that call's month is over.  Its
-- reservation is released all the same, and its record, in its own
-- month's partition, counts in that month's usage and reports.
--
-- Each call carries its "cost" too: what its tokens came to at the
-- version's prices when the gateway accepted it (the cost its client
-- was told, X-Usage-Cost).  A price changed while the record waited
-- does not change what the call is charged.  A call without one is
-- charged at the version's prices now, as before (and gateway_cost() is
-- no longer run for every call: measured at 12.5 us a call).

CREATE OR REPLACE FUNCTION gateway_settle_batch(p_calls json, p_several boolean)
RETURNS TABLE (ord integer, charged numeric, released boolean,
               counted bigint)
LANGUAGE plpgsql AS $$
DECLARE
    month   date := gateway_month();
    keys    uuid[] := '{}';
    emptied text[] := '{}';     -- reservations left without a call
    late    boolean := false;   -- a call slower than its SLA
    -- the organisations that pay: what they held, what they spent
    o_id    uuid[] := '{}';
    o_held  numeric[] := '{}';
    o_cost  numeric[] := '{}';
    i       integer;
    settled record;
BEGIN
    -- Durable, whatever a function called before in this transaction
    -- set: this is the usage record.
    PERFORM set_config('synchronous_commit', 'on', true);
    -- The subscriptions' rows first, before the reservations' and the
    -- organisations': whatever else touches those (gateway_return of a
    -- lease whose calls are settling, the sweep) takes the subscription
    -- first too, so that no two transactions wait for each other.
    -- Several: all of them, in the one order, with the organisations
    -- that pay for them.
    IF p_several THEN
        PERFORM gateway_lock(
            ARRAY(SELECT DISTINCT (e->>'subscription')::uuid
                    FROM json_array_elements(p_calls) e),
            ARRAY(SELECT DISTINCT (e->>'org')::uuid
                    FROM json_array_elements(p_calls) e
                   WHERE e->>'org' IS NOT NULL));
    ELSE
        PERFORM 1 FROM subscriptions
          WHERE id = (p_calls->0->>'subscription')::uuid FOR UPDATE;
    END IF;
    FOR settled IN
        WITH c AS MATERIALIZED (
            SELECT x.*,
                   CASE WHEN x.status IN ('success', 'partial',
                                          'client_closed')
                        THEN coalesce(x.given_cost,
                                      gateway_cost(x.version, x.tokens_in,
                                                   x.tokens_out), 0)
                        ELSE 0 END AS cost,
                   CASE WHEN x.status IN ('success', 'partial',
                                          'client_closed')
                        THEN x.tokens_in::bigint + x.tokens_out
                        ELSE 0 END AS tokens,
                   -- the time of the call, never later than now (a
                   -- gateway whose clock runs ahead)
                   least(coalesce(x.at, now()), now()) AS occurred,
                   -- counted in this month's quota and budget
                   date_trunc('month', least(coalesce(x.at, now()), now()))
                       ::date >= month AS this_month
              FROM ROWS FROM (json_to_recordset(p_calls)
                     AS (reservation text, request text, service uuid,
                         version uuid, consumer uuid, key uuid, org uuid,
                         subscription uuid, tokens_in integer,
                         tokens_out integer, estimated boolean,
                         latency_ms integer, ttfb_ms integer, status text,
                         max_latency_ms integer, touch boolean,
                         at timestamptz, cost numeric))
                   WITH ORDINALITY AS x(reservation, request, service,
                                        version, consumer, key, org,
                                        subscription, tokens_in,
                                        tokens_out, estimated, latency_ms,
                                        ttfb_ms, status, max_latency_ms,
                                        touch, at, given_cost, n)
        ), gone AS (
            -- One unit of its reservation per call (a lease holds
            -- several).
            UPDATE gateway_reservations g
               SET calls = g.calls - a.n,
                   amount = g.amount - a.n * g.unit_amount,
                   tokens = g.tokens - a.n * g.unit_tokens
              FROM (SELECT c.reservation, count(*)::integer AS n
                      FROM c GROUP BY c.reservation) a
             WHERE g.request_id = a.reservation AND g.calls >= a.n
            RETURNING g.request_id, g.unit_amount, g.unit_tokens, g.calls
        ), cg AS MATERIALIZED (
            SELECT c.*, gone.request_id IS NOT NULL AS was_held,
                   coalesce(gone.unit_amount, 0) AS held_amount,
                   coalesce(gone.unit_tokens, 0) AS held_tokens,
                   coalesce(gone.calls = 0, false) AS emptied
              FROM c LEFT JOIN gone ON gone.request_id = c.reservation
        ), usage AS (
            INSERT INTO usage_records (request_id, service_id, version_id,
                                       consumer_id, api_key_id,
                                       organization_id, subscription_id,
                                       tokens_in, tokens_out, estimated,
                                       cost, latency_ms, ttfb_ms, status,
                                       occurred_at)
            SELECT c.request, c.service, c.version, c.consumer, c.key,
                   c.org, c.subscription, c.tokens_in, c.tokens_out,
                   c.estimated, c.cost, c.latency_ms, c.ttfb_ms, c.status,
                   c.occurred
              FROM c ORDER BY c.n
        ), counted AS (
            UPDATE subscriptions s
               SET reserved = greatest(s.reserved - a.amount, 0),
                   reserved_requests = greatest(s.reserved_requests
                                                - a.held, 0),
                   reserved_tokens = greatest(s.reserved_tokens
                                              - a.held_tokens, 0),
                   requests = CASE WHEN s.period = month
                                   THEN s.requests ELSE 0 END + a.calls,
                   tokens = CASE WHEN s.period = month
                                 THEN s.tokens ELSE 0 END + a.tokens,
                   spent = CASE WHEN s.period = month
                                THEN s.spent ELSE 0 END + a.cost,
                   period = month
              FROM (SELECT cg.subscription, sum(cg.held_amount) AS amount,
                           count(*) FILTER (WHERE cg.was_held)::integer
                               AS held,
                           sum(cg.held_tokens) AS held_tokens,
                           count(*) FILTER (WHERE cg.this_month)
                               AS calls,
                           coalesce(sum(cg.tokens) FILTER
                                    (WHERE cg.this_month), 0) AS tokens,
                           coalesce(sum(cg.cost) FILTER
                                    (WHERE cg.this_month), 0) AS cost
                      FROM cg GROUP BY cg.subscription) a
             WHERE s.id = a.subscription
        )
        SELECT cg.n::integer AS n, cg.cost, cg.was_held, cg.tokens,
               cg.org, cg.held_amount, cg.key, cg.touch, cg.reservation,
               cg.emptied, cg.this_month,
               coalesce(cg.latency_ms > cg.max_latency_ms, false) AS late
          FROM cg ORDER BY cg.n
    LOOP
        ord := settled.n;
        charged := settled.cost;
        released := settled.was_held;
        counted := settled.tokens;
        RETURN NEXT;
        IF settled.org IS NOT NULL THEN
            i := array_position(o_id, settled.org);
            IF i IS NULL THEN
                o_id := o_id || settled.org;
                o_held := o_held || settled.held_amount;
                o_cost := o_cost || CASE WHEN settled.this_month
                                         THEN settled.cost ELSE 0 END;
            ELSE
                o_held[i] := o_held[i] + settled.held_amount;
                o_cost[i] := o_cost[i] + CASE WHEN settled.this_month
                                              THEN settled.cost ELSE 0 END;
            END IF;
        END IF;
        IF settled.touch AND settled.key IS NOT NULL
           AND array_position(keys, settled.key) IS NULL THEN
            keys := keys || settled.key;
        END IF;
        IF settled.emptied THEN
            emptied := emptied || settled.reservation;
        END IF;
        late := late OR settled.late;
    END LOOP;
    IF cardinality(o_id) > 0 THEN
        UPDATE organizations o
           SET budget_reserved = greatest(o.budget_reserved - a.held, 0),
               budget_spent = CASE WHEN o.budget_period = month
                                   THEN o.budget_spent ELSE 0 END + a.cost,
               budget_period = month
          FROM unnest(o_id, o_held, o_cost) AS a(id, held, cost)
         WHERE o.id = a.id;
    END IF;
    IF late THEN
        WITH slow AS MATERIALIZED (
            SELECT x.*
              FROM ROWS FROM (json_to_recordset(p_calls)
                     AS (request text, service uuid, version uuid,
                         latency_ms integer, max_latency_ms integer,
                         at timestamptz))
                   WITH ORDINALITY AS x(request, service, version,
                                        latency_ms, max_latency_ms, at, n)
             WHERE x.latency_ms > x.max_latency_ms
        ), breach AS (
            INSERT INTO sla_breaches (service_id, version_id, request_id,
                                      kind, observed_ms, promised_ms,
                                      occurred_at)
            SELECT slow.service, slow.version, slow.request, 'latency',
                   slow.latency_ms, slow.max_latency_ms,
                   least(coalesce(slow.at, now()), now()) FROM slow
        )
        INSERT INTO outbox (destination, event_type, aggregate_type,
                            aggregate_id, payload)
        SELECT 'analytics', 'sla_breached', 'service', slow.service::text,
               jsonb_build_object('service_id', slow.service,
                                  'version_id', slow.version,
                                  'request_id', slow.request,
                                  'latency_ms', slow.latency_ms,
                                  'max_latency_ms', slow.max_latency_ms)
          FROM slow ORDER BY slow.n;
    END IF;
    IF cardinality(keys) > 0 THEN
        UPDATE api_keys k SET last_used_at = now()
         WHERE k.id = ANY (keys)
           AND (k.last_used_at IS NULL
                OR k.last_used_at < now() - interval '1 minute');
    END IF;
    IF cardinality(emptied) > 0 THEN
        DELETE FROM gateway_reservations
         WHERE request_id = ANY (emptied) AND calls = 0;
    END IF;
END
$$;
