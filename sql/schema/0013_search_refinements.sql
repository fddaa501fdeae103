-- 0013_search_refinements.sql: what discovery learned after 0010-0012
-- were released: one formula for the stored score, a vocabulary that
-- does not leak confidential words, typeahead by index, and the per-row
-- blend of 0009 retired.

-- ---- one formula for the stored part of the score ----

-- The stored, query-independent part of the blended score, with the
-- weights of search_weights: one formula for the trigger and the refresh.
CREATE FUNCTION service_rank_static(popularity double precision,
    performance double precision, compliance double precision)
RETURNS double precision LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT w.popularity * service_rank_static.popularity
         + w.performance * service_rank_static.performance
         + w.compliance * service_rank_static.compliance
    FROM search_weights w
$$;

CREATE OR REPLACE FUNCTION services_rank() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.name IS DISTINCT FROM OLD.name
       OR NEW.name_vector IS NULL THEN
        NEW.name_vector := service_name_vector(NEW.name);
    END IF;
    NEW.rank_compliance := service_rank_compliance(NEW.certifications,
        NEW.data_residency,
        (SELECT p.verified FROM providers p WHERE p.id = NEW.provider_id));
    NEW.rank_static := service_rank_static(NEW.rank_popularity,
        NEW.rank_performance, NEW.rank_compliance);
    RETURN NEW;
END $$;

-- Popularity is three parts usage (calls in 30 days, as 0009 defines it)
-- and one part rating (0011_reviews.sql, 1 to 5 mapped to 0 to 1; 0
-- without reviews); performance is the observed p95 against the promised
-- latency, times the availability (0.5 while nothing is observed).  Only
-- rows that change are written, so a refresh of a quiet catalog costs a
-- read; then the stored score of every service whose weights changed.
-- Returns the rows written.
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
    SET rank_static = service_rank_static(s.rank_popularity,
                                          s.rank_performance, s.rank_compliance)
    WHERE s.rank_static IS DISTINCT FROM service_rank_static(
              s.rank_popularity, s.rank_performance, s.rank_compliance);
    GET DIAGNOSTICS m = ROW_COUNT;
    RETURN n + m;
END $$;

-- The per-row blend of 0009_ranking.sql: its parts are stored now.
DROP FUNCTION search_components(tsvector, tsquery, text[], text[], boolean,
    jsonb, bigint, bigint, integer, numeric);

-- ---- typo correction and typeahead that do not leak ----
--
-- The vocabulary of 0008 held the words of every listed service, so
-- "did you mean" and suggestions could show an anonymous visitor a word
-- that only a confidential service's name has.  Each word now carries
-- the lowest clearance (mkt_clearance()) that may see a service with it:
-- 0 public, 1 internal, 2 confidential; readers get words up to theirs.
DROP FUNCTION search_did_you_mean(text);
DROP MATERIALIZED VIEW search_vocabulary;
CREATE MATERIALIZED VIEW search_vocabulary AS
    SELECT word, count(*)::integer AS services,
           min(CASE compliance_level WHEN 'public' THEN 0
                    WHEN 'internal' THEN 1 ELSE 2 END) AS clearance
    FROM (SELECT regexp_split_to_table(lower(name || ' '
                 || array_to_string(tags, ' ')), '[^a-z0-9.]+') AS word,
                 compliance_level
          FROM services WHERE status IN ('active', 'deprecated')) w
    WHERE length(word) BETWEEN 2 AND 40
    GROUP BY word;
CREATE UNIQUE INDEX search_vocabulary_word_idx ON search_vocabulary (word);
CREATE INDEX search_vocabulary_trgm_idx ON search_vocabulary
    USING gin (word gin_trgm_ops);
CREATE INDEX search_vocabulary_prefix_idx ON search_vocabulary
    (word text_pattern_ops, services DESC);

-- "claud sonet" → "claude sonnet" as 0008 did, from the words the
-- reader's clearance may see.
CREATE FUNCTION search_did_you_mean(q text, clearance integer) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH words AS (
        SELECT w, n FROM regexp_split_to_table(lower(q), '\s+')
            WITH ORDINALITY AS t (w, n)
        WHERE w <> ''),
    fixed AS (
        SELECT n, w, coalesce(
            (SELECT v.word FROM search_vocabulary v
             WHERE v.word = w AND v.clearance <= search_did_you_mean.clearance),
            (SELECT v.word FROM search_vocabulary v
             WHERE w !~ '[^a-z0-9.]' AND length(w) >= 3 AND v.word % w
               AND similarity(v.word, w) > 0.35
               AND v.clearance <= search_did_you_mean.clearance
             ORDER BY similarity(v.word, w) DESC, v.services DESC,
                      v.word LIMIT 1),
            w) AS word
        FROM words)
    SELECT CASE WHEN bool_or(word <> w)
                THEN string_agg(word, ' ' ORDER BY n) END
    FROM fixed
$$;

-- Typeahead by prefix on names, walking an index in order (C collation:
-- prefix LIKE and ORDER BY on the same index): the whole name, and the
-- part after the last "/" of a model id ("openai/gpt-4o" for "gpt").
CREATE INDEX services_name_prefix_idx ON services
    ((lower(name) COLLATE "C"))
    WHERE status IN ('active', 'deprecated');
CREATE INDEX services_name_tail_prefix_idx ON services
    ((lower(split_part(name, '/', -1)) COLLATE "C"))
    WHERE status IN ('active', 'deprecated');
