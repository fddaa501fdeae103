-- 0027_search_sla_latency.sql: the maximum latency a service promises,
-- as a column of its own, for the search's latency facet and filter.
--
-- Read from the SLA document (jsonb) for every service a search counts
-- or tests, it took 0.8 of the 7.2 ms that counting a share of 565
-- matches took at a million services.  A stored generated column is
-- always what the document says, with no trigger to keep; adding it
-- rewrites the table once (about 2 minutes at a million services).
-- A latency that is not a number counts as none, as before.

ALTER TABLE services
    ADD COLUMN sla_max_latency_ms numeric GENERATED ALWAYS AS (
        CASE WHEN jsonb_typeof(sla -> 'max_latency_ms') = 'number'
             THEN (sla ->> 'max_latency_ms')::numeric END) STORED;
