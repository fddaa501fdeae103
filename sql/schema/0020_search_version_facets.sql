-- 0020_search_version_facets.sql: the price and context window of a
-- service's current version, read from an index alone.
--
-- A search reads the current version of every service it counts (the
-- price and context facets) and of every service a price or context
-- filter tests: a lookup in service_versions per row, about 7 us of a
-- search's time each at a million services (3,100 rows of a name tier
-- with a price filter: 33 ms).  With the two columns in an index of the
-- id, the lookup reads the index only: 25 ms for the same rows.  The
-- rows are few and seldom change, so the index costs little to keep.
CREATE INDEX service_versions_facets_idx ON service_versions (id)
    INCLUDE (input_price_per_mtok, context_window);
