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
    NEW.rank_static := service_rank_static(NEW.rank_popularity,
        NEW.rank_performance, NEW.rank_compliance);
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

-- search_refresh_ranks(), which rebuilds popularity and performance
-- from service_stats, is in 0012_recommendations.sql: popularity counts
-- ratings too, and they come with 0011_reviews.sql.

-- The per-row blend of 0009_ranking.sql: its parts are stored now.
DROP FUNCTION search_components(tsvector, tsquery, text[], text[], boolean,
    jsonb, bigint, bigint, integer, numeric);

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

-- Better estimates for the words people search: the planner's counts
-- and its choice between the full-text index and the score index follow
-- these statistics.
ALTER TABLE services ALTER COLUMN search_vector SET STATISTICS 1000;
ALTER TABLE services ALTER COLUMN name_vector SET STATISTICS 1000;

-- The programs read the weights; marketctl (the owner) sets them.
REVOKE INSERT, UPDATE, DELETE ON search_weights FROM mkt_app;
