-- 0010_search_scale.sql: search that stays fast at a million services.
--
-- Ranking the whole match set of a common word (hundreds of thousands of
-- rows) costs seconds.  The query-independent part of the blended score
-- (popularity, performance, compliance: 0009_ranking.sql) is therefore
-- stored on each service, indexed, and a large search ranks only its
-- candidates: the best services by that stored part among all matches,
-- and the best among those whose *name* matches (they carry the highest
-- relevance).  Small match sets are still ranked whole.  The exact,
-- uncapped ranking stays available as search_rank_exact() for the
-- benchmark and the tests that measure how often the two agree.

-- The weights of FR-002.2, copied from the configuration by "marketctl
-- search-refresh"; the stored score uses them.  double precision, so
-- that 0.4 here and "0.400" from the programs are the same number.
CREATE TABLE search_weights (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    relevance   double precision NOT NULL DEFAULT 0.4
                CHECK (relevance BETWEEN 0 AND 1),
    popularity  double precision NOT NULL DEFAULT 0.2
                CHECK (popularity BETWEEN 0 AND 1),
    performance double precision NOT NULL DEFAULT 0.2
                CHECK (performance BETWEEN 0 AND 1),
    compliance  double precision NOT NULL DEFAULT 0.2
                CHECK (compliance BETWEEN 0 AND 1)
);
INSERT INTO search_weights DEFAULT VALUES;

ALTER TABLE services
    ADD COLUMN name_vector      tsvector,
    ADD COLUMN rank_popularity  double precision NOT NULL DEFAULT 0,
    ADD COLUMN rank_performance double precision NOT NULL DEFAULT 0.5,
    ADD COLUMN rank_compliance  double precision NOT NULL DEFAULT 0,
    ADD COLUMN rank_static      double precision NOT NULL DEFAULT 0;

-- The name's words alone, as in service_search_vector(): as written and
-- with the separators of model ids as spaces.
CREATE FUNCTION service_name_vector(name text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('english', coalesce(name, ''))
        || to_tsvector('english', translate(coalesce(name, ''), '/_:.',
                                            '    '))
$$;

-- Compliance as 0009 defines it: 0.4 for a certification, 0.3 for a
-- stated data residency, 0.3 for a verified provider.
CREATE FUNCTION service_rank_compliance(certifications text[],
                                        residency text[], verified boolean)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN cardinality(certifications) > 0 THEN 0.4 ELSE 0 END
         + CASE WHEN cardinality(residency) > 0 THEN 0.3 ELSE 0 END
         + CASE WHEN coalesce(verified, false) THEN 0.3 ELSE 0 END
$$;

CREATE FUNCTION services_rank() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.name IS DISTINCT FROM OLD.name
       OR NEW.name_vector IS NULL THEN
        NEW.name_vector := service_name_vector(NEW.name);
    END IF;
    NEW.rank_compliance := service_rank_compliance(NEW.certifications,
        NEW.data_residency,
        (SELECT p.verified FROM providers p WHERE p.id = NEW.provider_id));
    SELECT w.popularity * NEW.rank_popularity
         + w.performance * NEW.rank_performance
         + w.compliance * NEW.rank_compliance
      INTO NEW.rank_static FROM search_weights w;
    RETURN NEW;
END $$;

CREATE TRIGGER services_rank
    BEFORE INSERT OR UPDATE OF name, certifications, data_residency,
        provider_id, rank_popularity, rank_performance
    ON services FOR EACH ROW EXECUTE FUNCTION services_rank();

-- A provider verified (or no longer): its services' compliance follows.
CREATE FUNCTION providers_rank() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE services SET provider_id = provider_id
    WHERE provider_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER providers_rank AFTER UPDATE OF verified ON providers
    FOR EACH ROW WHEN (OLD.verified IS DISTINCT FROM NEW.verified)
    EXECUTE FUNCTION providers_rank();

-- Fill the new columns of the services already there (the trigger).
UPDATE services SET rank_popularity = rank_popularity, name = name;

CREATE INDEX services_name_search_idx ON services USING gin (name_vector);
-- Candidates in the order of the stored score, ties as the ranking
-- breaks them (by name): many services share a stored score.
CREATE INDEX services_rank_idx ON services (rank_static DESC, name, id)
    WHERE status IN ('active', 'deprecated');

-- Popularity and performance from service_stats (rebuilt by marketctl
-- search-refresh just before): only rows that change are written, so
-- a refresh of a quiet catalog costs a read.  Then the stored score of
-- every service whose weights changed.  Returns the rows written.
CREATE FUNCTION search_refresh_ranks() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    m bigint;
BEGIN
    WITH busiest AS (SELECT max(calls_30d) AS calls FROM service_stats),
    fresh AS (
        SELECT s.id,
               CASE WHEN coalesce(st.calls_30d, 0) > 0 AND b.calls > 0
                    THEN ln(1 + st.calls_30d) / ln(1 + b.calls)
                    ELSE 0 END::double precision AS popularity,
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

-- The exact blended ranking of the services an anonymous reader
-- (clearance 0) or anyone else may see for the words q, uncapped: every
-- match scored.  The catalog answers with the same order when a search
-- matches few services; the benchmark and tests compare its capped
-- answer for large ones with this.
CREATE FUNCTION search_rank_exact(q text, clearance integer, k integer)
RETURNS TABLE (id uuid, score double precision)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    -- The tsquery as a value (a parameter of a custom plan), as the
    -- catalog passes it: a call of search_query() in the statement
    -- would run once per row of a sequential scan.
    RETURN QUERY EXECUTE '
        SELECT s.id, w.relevance * ts_rank_cd(s.search_vector, $1, 32)
                     + w.popularity * s.rank_popularity
                     + w.performance * s.rank_performance
                     + w.compliance * s.rank_compliance AS score
        FROM search_weights w, services s
        JOIN providers p ON p.id = s.provider_id
        WHERE s.status IN (''active'', ''deprecated'')
          AND service_visible(s.compliance_level, $2,
                              p.organization_id, NULL)
          AND s.search_vector @@ $1
        ORDER BY score DESC, s.name, s.id
        LIMIT $3'
    USING search_query(q), clearance, k;
END $$;

-- Better estimates for the words people search: the planner's counts
-- and its choice between the full-text index and the score index follow
-- these statistics.
ALTER TABLE services ALTER COLUMN search_vector SET STATISTICS 1000;
ALTER TABLE services ALTER COLUMN name_vector SET STATISTICS 1000;

-- The programs read the weights; marketctl (the owner) sets them.
REVOKE INSERT, UPDATE, DELETE ON search_weights FROM mkt_app;
