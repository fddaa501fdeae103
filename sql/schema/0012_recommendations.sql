-- 0012_recommendations.sql: "consumers who use this also use"
-- (FR-002.4), from real co-usage in usage_records.
--
-- Rebuilt by "marketctl search-refresh" (cron): for each service, the
-- ten other services most used by the same consumers in the last 90
-- days.  With no usage yet the table is empty and the pages fall back
-- on the best services of the same category (services.rank_static).

CREATE TABLE service_co_usage (
    service_id uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    other_id   uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    consumers  integer NOT NULL CHECK (consumers > 0),
    PRIMARY KEY (service_id, other_id),
    CHECK (service_id <> other_id)
);

CREATE FUNCTION search_refresh_co_usage() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    written bigint;
BEGIN
    DELETE FROM service_co_usage;
    WITH used AS (
        SELECT DISTINCT u.consumer_id, u.service_id
        FROM usage_records u
        WHERE u.occurred_at > now() - interval '90 days'
          AND u.consumer_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM services s WHERE s.id = u.service_id)),
    pairs AS (
        SELECT a.service_id, b.service_id AS other_id,
               count(*)::integer AS consumers
        FROM used a JOIN used b
          ON b.consumer_id = a.consumer_id AND b.service_id <> a.service_id
        GROUP BY 1, 2),
    ranked AS (
        SELECT p.*, row_number() OVER (PARTITION BY p.service_id
                    ORDER BY p.consumers DESC, p.other_id) AS n
        FROM pairs p)
    INSERT INTO service_co_usage (service_id, other_id, consumers)
    SELECT service_id, other_id, consumers FROM ranked WHERE n <= 10;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;

-- The programs read it; marketctl (the owner) rebuilds it.
REVOKE INSERT, UPDATE, DELETE ON service_co_usage FROM mkt_app;

-- Ratings feed the ranking (specification 1.2): popularity becomes three
-- parts usage (calls in 30 days, as 0009 defines it) and one part rating
-- (the Bayesian average of 0011_reviews.sql, 1 to 5 mapped to 0 to 1; a
-- service without reviews has 0 there).  Replaces the function of
-- 0010_search_scale.sql, which could not know ratings yet.
CREATE OR REPLACE FUNCTION search_refresh_ranks() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    m bigint;
BEGIN
    WITH busiest AS (SELECT max(calls_30d) AS calls FROM service_stats),
    fresh AS (
        SELECT s.id,
               (0.75 * CASE WHEN coalesce(st.calls_30d, 0) > 0 AND b.calls > 0
                            THEN ln(1 + st.calls_30d) / ln(1 + b.calls)
                            ELSE 0 END
                + 0.25 * coalesce((sr.bayesian - 1) / 4, 0)
               )::double precision AS popularity,
               CASE WHEN st.p95_latency_ms IS NULL OR st.p95_latency_ms = 0
                      OR jsonb_typeof(s.sla->'max_latency_ms')
                         IS DISTINCT FROM 'number'
                    THEN 0.5
                    ELSE least(1.0, (s.sla->>'max_latency_ms')::double precision
                                    / st.p95_latency_ms)
                         * coalesce(st.availability / 100, 1)
               END::double precision AS performance
        FROM services s
        LEFT JOIN service_stats st ON st.service_id = s.id
        LEFT JOIN service_ratings sr ON sr.service_id = s.id
        CROSS JOIN busiest b)
    UPDATE services s
    SET rank_popularity = f.popularity, rank_performance = f.performance
    FROM fresh f
    WHERE s.id = f.id
      AND (s.rank_popularity, s.rank_performance)
          IS DISTINCT FROM (f.popularity, f.performance);
    GET DIAGNOSTICS n = ROW_COUNT;
    UPDATE services s
    SET rank_static = w.popularity * s.rank_popularity
                    + w.performance * s.rank_performance
                    + w.compliance * s.rank_compliance
    FROM search_weights w
    WHERE s.rank_static IS DISTINCT FROM w.popularity * s.rank_popularity
                    + w.performance * s.rank_performance
                    + w.compliance * s.rank_compliance;
    GET DIAGNOSTICS m = ROW_COUNT;
    RETURN n + m;
END $$;
