-- 0025_search_sample_eighths.sql: shares of an eighth and a quarter of
-- the catalog, for searches of a few thousand matches.
--
-- A search too large to count reads one share of the catalog (0018,
-- 0021), the smallest that should hold 250 of its matches; the largest
-- was 1/16.  A search of 2,000-4,000 matches (at a million services:
-- "stenpelmo", 2,464) fits none, and read its first 500 matches
-- instead, 10 ms for the facet counts.  An eighth of the catalog holds
-- 308 of them.
--
-- As in 0018 and 0021: a full-text index for searches and a plain one
-- for lists without words, the predicate written out as the search
-- writes it.
CREATE INDEX services_sample8_search_idx ON services
    USING gin (search_vector, tags, data_residency)
    WHERE (uuid_hash(id) & 7) = 0;
CREATE INDEX services_sample4_search_idx ON services
    USING gin (search_vector, tags, data_residency)
    WHERE (uuid_hash(id) & 3) = 0;
CREATE INDEX services_sample8_idx ON services (id)
    WHERE (uuid_hash(id) & 7) = 0;
CREATE INDEX services_sample4_idx ON services (id)
    WHERE (uuid_hash(id) & 3) = 0;
