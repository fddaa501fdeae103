-- 0025_search_sample_wider.sql: shares of the catalog from a quarter to
-- 1/2048, for searches of a few thousand matches and of most of the
-- catalog.
--
-- A search too large to count reads one share of the catalog (0018,
-- 0021), the smallest that should hold 250 of its matches; they went
-- from 1/16 to 1/1024.  A search of 2,000-4,000 matches (at a million
-- services: "stenpelmo", 2,464) fit none, and read its first 500
-- matches instead, 10 ms for the facet counts; an eighth of the catalog
-- holds 308 of them.  A search matching most of the catalog ("text",
-- 733,000) read 716 in 1/1024, 11 ms; 1/2048 holds 358.
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
CREATE INDEX services_sample2048_search_idx ON services
    USING gin (search_vector, tags, data_residency)
    WHERE (uuid_hash(id) & 2047) = 0;
CREATE INDEX services_sample2048_idx ON services (id)
    WHERE (uuid_hash(id) & 2047) = 0;
