-- 0021_search_sample_halves.sql: shares of the catalog half as far
-- apart, so that a large search counts 250-500 matches, not 250-1,000.
--
-- A search whose matches are too many to count reads the matches of one
-- share of the catalog (0018): the smallest share that should hold at
-- least 250 of them.  With shares four times apart (1/16, 1/64, 1/256,
-- 1/1024) it read up to 1,000, about 15 us each at a million services
-- (the service, its provider, its current version, its rating): up to
-- 15 ms for the facet counts alone.  With the shares between them (1/32,
-- 1/128, 1/512) it reads at most 500.  The counts stay estimates from at
-- least 250 matches.
--
-- As in 0018: a full-text index for searches and a plain one for lists
-- without words, the predicate written out as the search writes it.
CREATE INDEX services_sample32_search_idx ON services
    USING gin (search_vector, tags, data_residency)
    WHERE (uuid_hash(id) & 31) = 0;
CREATE INDEX services_sample128_search_idx ON services
    USING gin (search_vector, tags, data_residency)
    WHERE (uuid_hash(id) & 127) = 0;
CREATE INDEX services_sample512_search_idx ON services
    USING gin (search_vector, tags, data_residency)
    WHERE (uuid_hash(id) & 511) = 0;
CREATE INDEX services_sample32_idx ON services (id)
    WHERE (uuid_hash(id) & 31) = 0;
CREATE INDEX services_sample128_idx ON services (id)
    WHERE (uuid_hash(id) & 127) = 0;
CREATE INDEX services_sample512_idx ON services (id)
    WHERE (uuid_hash(id) & 511) = 0;
