-- 0028_search_estimate_words.sql: the estimate of a search by words
-- alone, from the words' frequencies, without planning a statement.
--
-- Every search estimates its match set first, to choose between
-- counting every match and counting a share of them.  For words alone
-- that estimate was the planner's (EXPLAIN): 0.9 ms at a million
-- services, 40 % of it decompressing the search vector's statistics.
-- The planner multiplies the frequencies of the words (the statistics
-- 0026 copies into search_lexemes; a word not among them counts as
-- min(0.005, the rarest one's / 2)) by the share of services the reader
-- may see.  search_estimate() computes the same from those copies, in
-- the round trip that reads the words (its share of visible services is
-- counted: the planner takes "public or internal" for two conditions
-- that may overlap, and estimates fewer).  A search of another shape
-- (OR, NOT, phrases, prefixes, a word with synonyms) is still estimated
-- by the planner.

-- The share of all services that are listed and visible at each
-- clearance (mkt_clearance(): 0 anonymous or public only, 1 internal,
-- 2 confidential), without any organisation's own.
CREATE TABLE search_listed (
    clearance integer PRIMARY KEY,
    share     real NOT NULL
);

CREATE INDEX search_lexemes_frequency_idx ON search_lexemes (frequency);

CREATE OR REPLACE FUNCTION search_refresh_lexemes() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    DELETE FROM search_lexemes;
    INSERT INTO search_lexemes (lexeme, frequency)
    SELECT e.lexeme, max(e.frequency)
      FROM pg_stats s,
           unnest(s.most_common_elems::text::text[],
                  s.most_common_elem_freqs) AS e (lexeme, frequency)
     WHERE s.schemaname = current_schema() AND s.tablename = 'services'
       AND s.attname = 'search_vector' AND e.lexeme IS NOT NULL
     GROUP BY e.lexeme;
    GET DIAGNOSTICS n = ROW_COUNT;
    DELETE FROM search_listed;
    INSERT INTO search_listed (clearance, share)
    SELECT c.clearance, v.listed[c.clearance + 1]::real / v.total
      FROM (SELECT count(*) AS total,
                   ARRAY[count(*) FILTER (WHERE listed
                             AND service_visible(level, 0, NULL, NULL)),
                         count(*) FILTER (WHERE listed
                             AND service_visible(level, 1, NULL, NULL)),
                         count(*) FILTER (WHERE listed)] AS listed
              FROM (SELECT status IN ('active', 'deprecated') AS listed,
                           compliance_level AS level
                      FROM services) s) v,
           generate_series(0, 2) AS c (clearance)
     WHERE v.total > 0;
    RETURN n;
END $$;

-- The estimated matches of q, a conjunction of plain words as
-- search_query() writes them, that a reader of this clearance may see;
-- NULL for a search of another shape, or before the statistics are
-- copied (the caller then asks the planner).
CREATE FUNCTION search_estimate(q tsquery, clearance integer)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    words   text[];
    known   integer;
    selec   double precision;
    rarest  real;
    visible real;
    catalog real;
BEGIN
    IF q IS NULL OR q::text !~ '^''[^''\\]+''( & ''[^''\\]+'')*$' THEN
        RETURN NULL;
    END IF;
    SELECT l.share INTO visible FROM search_listed l
     WHERE l.clearance = least(greatest(search_estimate.clearance, 0), 2);
    SELECT frequency INTO rarest FROM search_lexemes
     ORDER BY frequency LIMIT 1;
    SELECT reltuples INTO catalog FROM pg_class
     WHERE oid = 'services'::regclass;
    IF visible IS NULL OR visible <= 0 OR rarest IS NULL OR catalog <= 0 THEN
        RETURN NULL;
    END IF;
    words := ARRAY(SELECT DISTINCT w FROM unnest(regexp_split_to_array(
        substr(q::text, 2, length(q::text) - 2), ''' & ''')) w);
    SELECT count(*), coalesce(exp(sum(ln(frequency))), 1)
      INTO known, selec
      FROM search_lexemes WHERE lexeme = ANY (words);
    selec := selec * least(0.005, rarest / 2) ^ (cardinality(words) - known);
    RETURN greatest(1, round(catalog * visible * selec));
END $$;

SELECT search_refresh_lexemes();
