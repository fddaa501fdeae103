-- 0026_search_lean_words.sql: a search of several words reads a tier's
-- full-text index without walking the list of its commonest word.
--
-- For a conjunction of words PostgreSQL's GIN scan takes the rarest
-- word's list and, for each of its services, advances every other
-- word's list to it.  At a million services "text general large"
-- ('larg' & 'text' & 'general') walked the list of "text" (679,000
-- services in the name, tags and category) 3,937 times to find no head
-- match: 9.7 ms.  Conditions on the same index are scanned in the order
-- they are written, and the scan ends when one has no more: with the
-- words less the commonest first ('larg' & 'general'), 1.2 ms.
--
-- Which word is the commonest: the statistics of the search vector
-- (ANALYZE's most common elements), copied into search_lexemes by
-- marketctl search-refresh; read from pg_stats at each search it cost
-- 8 ms.  A word not among them is rarer than any that is.

CREATE TABLE search_lexemes (
    lexeme    text PRIMARY KEY,
    frequency real NOT NULL
);

-- The most common lexemes of the search vectors and the share of
-- services that have each.  Returns how many.
CREATE FUNCTION search_refresh_lexemes() RETURNS bigint
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
    RETURN n;
END $$;

-- The words of a search less its commonest, when the search is a
-- conjunction of plain words ('a' & 'b' & 'c', as search_query() writes
-- it) whose commonest is in search_lexemes; else the search itself.
-- Every service that matches the search matches what this returns.
CREATE FUNCTION search_query_lean(q tsquery) RETURNS tsquery
LANGUAGE plpgsql STABLE AS $$
DECLARE
    words     text[];
    commonest text;
BEGIN
    IF q IS NULL OR q::text !~ '^''[^''\\]+''( & ''[^''\\]+'')+$' THEN
        RETURN q;
    END IF;
    words := regexp_split_to_array(substr(q::text, 2, length(q::text) - 2),
                                   ''' & ''');
    SELECT lexeme INTO commonest
      FROM search_lexemes WHERE lexeme = ANY (words)
     ORDER BY frequency DESC, lexeme LIMIT 1;
    words := array_remove(words, commonest);
    IF commonest IS NULL OR cardinality(words) = 0 THEN
        RETURN q;           -- no frequency known, or one word repeated
    END IF;
    RETURN array_to_string(ARRAY(SELECT quote_literal(w) FROM unnest(words) w),
                           ' & ')::tsquery;
END $$;

SELECT search_refresh_lexemes();
