-- 0016_search_tiers.sql: relevance by where the words are found, so that
-- the best services of a large search can be found exactly, not guessed.
--
-- Until now relevance was ts_rank_cd(): cover density, which grows with
-- every repetition of the words.  Two things were wrong with it.  A
-- provider could climb by repeating words in a description ("fast
-- function fast fast"); and no index orders matches by it, so a search
-- matching hundreds of thousands of services could only rank a few
-- hundred candidates chosen by the stored score, and when thousands of
-- services share that score (the usual case: most have no usage yet)
-- the candidates were chosen by name, not by relevance.  Measured at a
-- million services: the capped top 20 agreed with the exact one for 80 %
-- of results, 29 % for searches of several words.
--
-- Relevance is now the weight of the field where every word of the
-- search is found (the weights ts_rank uses for the labels of
-- 0008_search.sql): the name 1.0, the name with tags and category 0.4,
-- anywhere (description, provider) 0.2.  Within one such tier the
-- stored, query-independent score decides; so the best k of a search
-- are among the best k by stored score of each tier, three walks of an
-- index that stop after k rows each.  The capped ranking is the exact
-- ranking, by construction (cgi/search/list.c, q_capped).  At the end:
-- "did you mean" rewritten for speed, same answers.

-- The name, tags and category words: the A and B parts of the search
-- vector (0008, 0010), as their own vector with its own index and
-- statistics, so that the planner knows how many services match there.
ALTER TABLE services ADD COLUMN head_vector tsvector;

CREATE FUNCTION service_head_vector(name text, tags text[], category text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT service_name_vector(name)
        || to_tsvector('english', array_to_string(tags, ' ') || ' '
                                  || replace(coalesce(category, ''), '-', ' '))
$$;

-- The relevance of a matching service: 1.0 when every word is in its
-- name, 0.4 when in its name, tags and category, 0.2 otherwise.  The
-- caller has checked that the search vector matches (a word excluded
-- with "-" may still be in the description).
CREATE FUNCTION search_relevance(name_vector tsvector, head_vector tsvector,
                                 query tsquery)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN name_vector @@ query THEN 1.0
                WHEN head_vector @@ query THEN 0.4
                ELSE 0.2 END::double precision
$$;

-- Where the words were found, for "why this result": the tier of a
-- relevance above, named.
CREATE FUNCTION search_matched_in(relevance double precision)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN relevance >= 1.0 THEN 'name'
                WHEN relevance >= 0.4 THEN 'tags'
                ELSE 'text' END
$$;

-- Kept by a trigger of its own: services_rank() (0013) keeps the name
-- vector and the stored score.
CREATE FUNCTION services_head_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.head_vector := service_head_vector(NEW.name, NEW.tags, NEW.category);
    RETURN NEW;
END $$;

CREATE TRIGGER services_head_vector
    BEFORE INSERT OR UPDATE OF name, tags, category
    ON services FOR EACH ROW EXECUTE FUNCTION services_head_vector();

UPDATE services
SET head_vector = service_head_vector(name, tags, category);

CREATE INDEX services_head_search_idx ON services USING gin (head_vector);
ALTER TABLE services ALTER COLUMN head_vector SET STATISTICS 1000;

-- The exact blended ranking, every match scored, with the relevance
-- above and the stored score (search_refresh_ranks()) as the rest of the
-- blend: the same sum the catalog computes, term for term.
CREATE OR REPLACE FUNCTION search_rank_exact(q text, clearance integer,
                                             k integer)
RETURNS TABLE (id uuid, score double precision)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY EXECUTE '
        SELECT s.id, w.relevance * search_relevance(s.name_vector,
                                                    s.head_vector, $1)
                     + s.rank_static AS score
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

-- ---- "did you mean", in a fraction of the time ----
--
-- The same correction as 0013's, word by word: the word itself when the
-- reader's clearance may see it, else the most similar word of the
-- vocabulary (trigrams) when it is plain letters and digits, else the
-- word as typed; NULL when nothing changed.  As one SQL statement it
-- cost 15-17 ms a call at a million services (the statement is planned
-- at every call, the trigram lookups inside it generically); in PL/pgSQL
-- each lookup is a plan of its own with the word as a value: 0.5-1 ms.
CREATE OR REPLACE FUNCTION search_did_you_mean(q text, clearance integer)
RETURNS text LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    w       text;
    fixed   text;
    words   text[] := '{}';
    changed boolean := false;
BEGIN
    FOREACH w IN ARRAY regexp_split_to_array(lower(q), '\s+') LOOP
        CONTINUE WHEN w = '';
        SELECT v.word INTO fixed FROM search_vocabulary v
        WHERE v.word = w AND v.clearance <= search_did_you_mean.clearance;
        IF fixed IS NULL AND w !~ '[^a-z0-9.]' AND length(w) >= 3 THEN
            SELECT v.word INTO fixed FROM search_vocabulary v
            WHERE v.word % w AND similarity(v.word, w) > 0.35
              AND v.clearance <= search_did_you_mean.clearance
            ORDER BY similarity(v.word, w) DESC, v.services DESC, v.word
            LIMIT 1;
        END IF;
        fixed := coalesce(fixed, w);
        changed := changed OR fixed <> w;
        words := words || fixed;
    END LOOP;
    RETURN CASE WHEN changed THEN array_to_string(words, ' ') END;
END $$;
