-- 0018_search_sample.sql: the facet counts of a large search from a
-- uniform sample of the catalog, read through small indexes of its own.
--
-- A search matching more than twice search_exact_max services shows
-- counts scaled from a sample.  The sample was the first 500 matches in
-- the order of the table, taken from a bitmap of every match: at a
-- million services, building and sorting that bitmap cost 12-46 ms for
-- a word in 7-70 % of the catalog, whatever the LIMIT, and the first
-- rows of the table are not a fair sample of it (they are the oldest).
--
-- The sample is now a fixed, pseudo-random share of the services, 1/16,
-- 1/64, 1/256 or 1/1024, chosen by the hash of the id (hash functions
-- are kept stable across upgrades, hash partitioning relies on it), and
-- each share has its own full-text index: the search reads the matches
-- of the share that holds about 500-2,000 of them, through an index a
-- sixteenth of the size or smaller.  Counts scaled by the share are
-- unbiased estimates of the whole, filters included.  The indexes hold
-- the tags and data residency too, as the catalog's does (0019): with
-- only the words, the planner would combine a share's small bitmap with
-- the catalog's bitmap of a tag, the cost the share is there to avoid.
-- For a list without words or filters the shares have plain indexes.
--
-- The predicate is written out in each index, as the search writes it
-- (cgi/search/list.c, SAMPLE): the planner uses a partial index only
-- when the query's condition is the same expression.
CREATE INDEX services_sample16_search_idx ON services
    USING gin (search_vector, tags, data_residency)
    WHERE (uuid_hash(id) & 15) = 0;
CREATE INDEX services_sample64_search_idx ON services
    USING gin (search_vector, tags, data_residency)
    WHERE (uuid_hash(id) & 63) = 0;
CREATE INDEX services_sample256_search_idx ON services
    USING gin (search_vector, tags, data_residency)
    WHERE (uuid_hash(id) & 255) = 0;
CREATE INDEX services_sample1024_search_idx ON services
    USING gin (search_vector, tags, data_residency)
    WHERE (uuid_hash(id) & 1023) = 0;
CREATE INDEX services_sample16_idx ON services (id)
    WHERE (uuid_hash(id) & 15) = 0;
CREATE INDEX services_sample64_idx ON services (id)
    WHERE (uuid_hash(id) & 63) = 0;
CREATE INDEX services_sample256_idx ON services (id)
    WHERE (uuid_hash(id) & 255) = 0;
CREATE INDEX services_sample1024_idx ON services (id)
    WHERE (uuid_hash(id) & 1023) = 0;
