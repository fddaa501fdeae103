-- 0009_ranking.sql: the figures search ranks by besides relevance
-- (FR-002.2): popularity from usage, performance observed against the
-- promised SLA, and a compliance score.  service_stats is rebuilt from
-- usage_records by "marketctl search-refresh"; a service without usage
-- has no row (popularity 0, performance unknown: 0.5).

CREATE TABLE service_stats (
    service_id     uuid PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    calls_30d      bigint NOT NULL DEFAULT 0 CHECK (calls_30d >= 0),
    p95_latency_ms integer CHECK (p95_latency_ms >= 0),
    availability   numeric(6, 3) CHECK (availability BETWEEN 0 AND 100),
    refreshed_at   timestamptz NOT NULL DEFAULT now()
);

-- The four components, each in [0, 1]:
--   relevance    ts_rank_cd normalised by rank / (rank + 1)
--   popularity   ln(1 + calls) / ln(1 + the busiest service's calls)
--   performance  promised max latency / observed p95 (at most 1), times
--                the observed availability; 0.5 while nothing is observed
--   compliance   0.4 for a certification, 0.3 for a stated data
--                residency, 0.3 for a verified provider
CREATE FUNCTION search_components(vector tsvector, query tsquery,
    certifications text[], residency text[], verified boolean, sla jsonb,
    calls bigint, busiest bigint, p95 integer, availability numeric,
    OUT relevance double precision, OUT popularity double precision,
    OUT performance double precision, OUT compliance double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(ts_rank_cd(vector, query, 32), 0)::double precision,
           CASE WHEN coalesce(calls, 0) > 0 AND busiest > 0
                THEN ln(1 + calls) / ln(1 + busiest) ELSE 0 END,
           CASE WHEN p95 IS NULL OR p95 = 0
                  OR jsonb_typeof(sla->'max_latency_ms') IS DISTINCT FROM 'number'
                THEN 0.5
                ELSE least(1.0, (sla->>'max_latency_ms')::double precision
                                / p95)
                     * coalesce(availability / 100, 1)::double precision END,
           (CASE WHEN cardinality(certifications) > 0 THEN 0.4 ELSE 0 END
            + CASE WHEN cardinality(residency) > 0 THEN 0.3 ELSE 0 END
            + CASE WHEN verified THEN 0.3 ELSE 0 END)::double precision
$$;
