-- 0008_search.sql: full-text search over the catalog.  Each service keeps
-- a weighted tsvector (name A, tags and category B, description C,
-- provider D), kept up to date by a trigger and indexed with GIN.  Queries
-- use websearch_to_tsquery syntax ("quotes", OR, -word) and a synonym
-- table for the field's words (llm ~ language model, stt ~ speech to
-- text, …), applied with ts_rewrite.

ALTER TABLE services ADD COLUMN search_vector tsvector;

CREATE FUNCTION service_search_vector(name text, tags text[],
                                      category text, description text,
                                      provider text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    -- The name twice: as written, and with the separators of model ids
    -- ("groq/openai/gpt-oss-120b", "us.anthropic.claude") as spaces, so
    -- that each part is a word of its own.
    SELECT setweight(to_tsvector('english', coalesce(name, '')), 'A')
        || setweight(to_tsvector('english',
               translate(coalesce(name, ''), '/_:.', '    ')), 'A')
        || setweight(to_tsvector('english',
               array_to_string(tags, ' ') || ' '
               || replace(coalesce(category, ''), '-', ' ')), 'B')
        || setweight(to_tsvector('english', coalesce(description, '')), 'C')
        || setweight(to_tsvector('english', coalesce(provider, '')), 'D')
$$;

CREATE FUNCTION services_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := service_search_vector(NEW.name, NEW.tags,
        NEW.category, NEW.description,
        (SELECT p.slug || ' ' || p.name FROM providers p
         WHERE p.id = NEW.provider_id));
    RETURN NEW;
END $$;

CREATE TRIGGER services_search_vector
    BEFORE INSERT OR UPDATE OF name, tags, category, description, provider_id
    ON services FOR EACH ROW EXECUTE FUNCTION services_search_vector();

UPDATE services s SET search_vector = service_search_vector(s.name, s.tags,
    s.category, s.description, p.slug || ' ' || p.name)
FROM providers p WHERE p.id = s.provider_id;

CREATE INDEX services_search_idx ON services USING gin (search_vector);

-- The field's vocabulary: a query word (target) also finds its
-- synonyms (substitute).  Both stored as tsquery, in the same text
-- search configuration as the vectors.
CREATE TABLE search_synonyms (
    term       text PRIMARY KEY,
    target     tsquery NOT NULL,
    substitute tsquery NOT NULL
);

INSERT INTO search_synonyms (term, target, substitute)
SELECT term, to_tsquery('english', term), to_tsquery('english', expansion)
FROM (VALUES
    ('llm',           'llm | language & model | chat | text & generation'),
    ('chat',          'chat | conversational | completion'),
    ('conversational', 'conversational | chat'),
    ('embeddings',    'embeddings | vector'),
    ('vector',        'vector | embeddings'),
    ('stt',           'stt | transcription | speech & text'),
    ('transcription', 'transcription | stt | speech & text'),
    ('tts',           'tts | text & speech'),
    ('reranker',      'reranker | rerank | reranking'),
    ('vision',        'vision | image'),
    ('summarization', 'summarization | summarise | summary'),
    ('moderation',    'moderation | safety')
) AS v (term, expansion);

-- The query of a search box: websearch syntax, synonyms expanded.  An
-- empty result (only stop words) means "no text condition".
CREATE FUNCTION search_query(q text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ts_rewrite(websearch_to_tsquery('english', q),
                      'SELECT target, substitute FROM search_synonyms')
$$;

-- Data residency as the search understands it: a country code, or "EU"
-- for any member state of the EU/EEA (or a service that says "EU").
CREATE FUNCTION residency_matches(residency text[], wanted text)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN upper(wanted) = 'EU' THEN residency && ARRAY['EU',
               'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI',
               'FR', 'GR', 'HR', 'HU', 'IE', 'IS', 'IT', 'LI', 'LT', 'LU',
               'LV', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK']
           ELSE upper(wanted) = ANY(residency) END
$$;

-- ---- typo tolerance and typeahead ----

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The words of the catalog's names and tags, as people type them (not
-- stemmed), for "did you mean" and for suggestions by prefix.
-- Refreshed by the catalog import and "marketctl search-refresh" (cron).
CREATE MATERIALIZED VIEW search_vocabulary AS
    SELECT word, count(*)::integer AS services
    FROM (SELECT regexp_split_to_table(lower(name || ' '
                 || array_to_string(tags, ' ')), '[^a-z0-9.]+') AS word
          FROM services WHERE status IN ('active', 'deprecated')) w
    WHERE length(word) BETWEEN 2 AND 40
    GROUP BY word;
CREATE UNIQUE INDEX search_vocabulary_word_idx ON search_vocabulary (word);
CREATE INDEX search_vocabulary_trgm_idx ON search_vocabulary
    USING gin (word gin_trgm_ops);

-- "claud sonet" → "claude sonnet": each word the vocabulary does not
-- know is replaced by the closest one it does (trigram similarity above
-- 0.35, the most common on a tie); NULL when nothing changes.
CREATE FUNCTION search_did_you_mean(q text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH words AS (
        SELECT w, n FROM regexp_split_to_table(lower(q), '\s+')
            WITH ORDINALITY AS t (w, n)
        WHERE w <> ''),
    fixed AS (
        SELECT n, w, coalesce(
            (SELECT v.word FROM search_vocabulary v WHERE v.word = w),
            (SELECT v.word FROM search_vocabulary v
             WHERE w !~ '[^a-z0-9.]' AND length(w) >= 3 AND v.word % w
               AND similarity(v.word, w) > 0.35
             ORDER BY similarity(v.word, w) DESC, v.services DESC,
                      v.word LIMIT 1),
            w) AS word
        FROM words)
    SELECT CASE WHEN bool_or(word <> w)
                THEN string_agg(word, ' ' ORDER BY n) END
    FROM fixed
$$;

-- Searches that found little, for providers and administrators: demand
-- the catalog does not meet yet.  Normalised query, no person.
CREATE TABLE search_misses (
    query    text PRIMARY KEY CHECK (length(query) BETWEEN 1 AND 200),
    results  integer NOT NULL,
    times    integer NOT NULL DEFAULT 1,
    first_at timestamptz NOT NULL DEFAULT now(),
    last_at  timestamptz NOT NULL DEFAULT now()
);
